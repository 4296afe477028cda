"""
Training throughput (sentences per second) of configs trained on the same data, measured in one
run. The configs take turns, one epoch at a time, so that a machine whose speed drifts (shared
CPUs do) slows all of them alike; each config's median over the rounds is reported. Validation
is switched off: only the training loop is timed.

    .venv/bin/python scripts/benchmark_throughput.py datnet_base_wnut17 base_wnut17 --rounds 3

With --without-callbacks each config also runs with its trainer callbacks removed, which measures
what adversarial training costs:

    .venv/bin/python scripts/benchmark_throughput.py datnet_f_wnut --without-callbacks --rounds 2
"""

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

from allennlp.commands.train import train_model_from_file

import allennlp_models.tagging  # noqa: F401 (registers crf_tagger)
import datnet_allennlp  # noqa: F401 (registers our components, sets config defaults)

CONFIG_DIR = Path(__file__).resolve().parent.parent / "training_configs"


NO_CALLBACKS = " (no callbacks)"


def epoch_overrides(run: str) -> dict:
    """One epoch, no validation, and no trainer callbacks for a run named `... (no callbacks)`."""
    # Dotted keys change one setting; a nested {"trainer": ...} would replace the whole trainer.
    overrides = {
        "trainer.num_epochs": 1,
        "validation_data_path": None,
        "validation_dataset_reader": None,
    }
    if run.endswith(NO_CALLBACKS):
        overrides["trainer.callbacks"] = []
    return overrides


def time_one_epoch(run: str, serialization_dir: Path) -> float:
    config = run.removesuffix(NO_CALLBACKS)
    train_model_from_file(
        str(CONFIG_DIR / f"{config}.jsonnet"), str(serialization_dir), json.dumps(epoch_overrides(run))
    )
    metrics = json.loads((serialization_dir / "metrics.json").read_text())
    hours, minutes, seconds = metrics["training_duration"].split(":")
    return int(hours) * 3600 + int(minutes) * 60 + float(seconds)


def count_training_sentences(config: str) -> int:
    """The sentences one epoch trains on (transfer configs use a fraction of the source corpus)."""
    from allennlp.common import Params
    from allennlp.data import DatasetReader, Vocabulary
    from allennlp.data.samplers import BatchSampler

    params = Params.from_file(str(CONFIG_DIR / f"{config}.jsonnet"))
    reader = DatasetReader.from_params(params.pop("dataset_reader"))
    instances = list(reader.read(params.pop("train_data_path")))
    sampler_params = params.pop("data_loader").pop("batch_sampler")
    sampler = BatchSampler.from_params(sampler_params)
    vocabulary = Vocabulary.from_instances(instances)
    for instance in instances:
        instance.index_fields(vocabulary)  # bucketing reads field lengths
    return sum(len(batch) for batch in sampler.get_batch_indices(instances))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("configs", nargs="+", help="config names in training_configs/")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument(
        "--without-callbacks",
        action="store_true",
        help="also time each config without its trainer callbacks (adversarial training)",
    )
    args = parser.parse_args()

    sentences = {config: count_training_sentences(config) for config in args.configs}
    runs = []
    for config in args.configs:
        runs.append(config)
        if args.without_callbacks:
            runs.append(config + NO_CALLBACKS)
            sentences[config + NO_CALLBACKS] = sentences[config]
    durations = {run: [] for run in runs}
    with tempfile.TemporaryDirectory() as scratch:
        for round_ in range(args.rounds):
            for number, run in enumerate(runs):
                start = time.perf_counter()
                seconds = time_one_epoch(run, Path(scratch) / f"{number}-{round_}")
                durations[run].append(seconds)
                print(
                    f"round {round_ + 1}: {run}: {seconds:.1f} s/epoch "
                    f"({time.perf_counter() - start:.1f} s with start-up)",
                    file=sys.stderr,
                )
    print("| config | training sentences | s/epoch (median) | sentences/s |")
    print("|---|---|---|---|")
    for run in runs:
        median = statistics.median(durations[run])
        print(f"| {run} | {sentences[run]} | {median:.1f} | {sentences[run] / median:.1f} |")


if __name__ == "__main__":
    main()
