"""
Prediction throughput on raw text (sentences per second): our `datnet_tagger` predictor on a
`datnet` archive against allennlp-models' `sentence_tagger` on a `crf_tagger` archive of the same
size, in one process, taking turns (so a machine whose speed drifts slows both alike), through
the same code path as `allennlp predict --batch-size 32` (model loading not timed). The input is
the first N sentences of a CoNLL file, tokens joined by spaces.

`sentence_tagger` tokenizes with spaCy's `en_core_web_sm`, which it would download; here it gets
a blank English spaCy pipeline (the same rule-based tokenizer, no tagger) saved to a temporary
folder, so it runs offline and does less work than it would with the full model.

    .venv/bin/python scripts/benchmark_predict.py runs/datnet_f_wnut/model.tar.gz \\
        runs/base_wnut17/model.tar.gz ../shared/data/wnut2016/test.txt --sentences 1000
"""

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

import spacy
from allennlp.commands.predict import _PredictManager
from allennlp.models.archival import load_archive
from allennlp.predictors import Predictor

import allennlp_models.tagging  # noqa: F401 (registers crf_tagger)
import datnet_allennlp  # noqa: F401 (registers our components)
from datnet_allennlp.data import DatnetConllReader


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("datnet_archive")
    parser.add_argument("crf_tagger_archive")
    parser.add_argument("conll_file")
    parser.add_argument("--sentences", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--batch-size", type=int, default=32)
    args = parser.parse_args()

    sentences = DatnetConllReader().read_sentences(args.conll_file)[: args.sentences]
    if len(sentences) < args.sentences:
        sys.exit(f"{args.conll_file} has only {len(sentences)} sentences")
    with tempfile.TemporaryDirectory() as scratch:
        inputs = Path(scratch) / "sentences.jsonl"
        with open(inputs, "w", encoding="utf-8") as file:
            for sentence in sentences:
                file.write(json.dumps({"sentence": " ".join(sentence.tokens)}) + "\n")
        spacy_dir = Path(scratch) / "blank_en"
        spacy.blank("en").to_disk(spacy_dir)

        predictors = {
            "datnet_tagger (datnet)": Predictor.from_archive(load_archive(args.datnet_archive)),
            "sentence_tagger (crf_tagger)": Predictor.from_archive(
                load_archive(args.crf_tagger_archive),
                "sentence_tagger",
                extra_args={"language": str(spacy_dir)},
            ),
        }
        seconds = {name: [] for name in predictors}
        for round_ in range(args.rounds):
            for name, predictor in predictors.items():
                output = Path(scratch) / "predictions.jsonl"
                manager = _PredictManager(
                    predictor, str(inputs), str(output), args.batch_size, False, False
                )
                start = time.perf_counter()
                manager.run()
                seconds[name].append(time.perf_counter() - start)
                with open(output, encoding="utf-8") as file:
                    assert sum(1 for _ in file) == len(sentences)
                print(f"round {round_ + 1}: {name}: {seconds[name][-1]:.2f} s", file=sys.stderr)

    print(f"| predictor | s for {len(sentences)} sentences (median) | sentences/s |")
    print("|---|---|---|")
    for name, times in seconds.items():
        median = statistics.median(times)
        print(f"| {name} | {median:.2f} | {len(sentences) / median:.1f} |")


if __name__ == "__main__":
    main()
