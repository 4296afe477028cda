"""
Training throughput (sentences per second) of configs trained on the same data, measured in one
run. The configs take turns, one epoch at a time, so that a machine whose speed drifts (shared
CPUs do) slows all of them alike; each config's median over the rounds is reported. Validation
is switched off: only the training loop is timed.

    .venv/bin/python scripts/benchmark_throughput.py datnet_base_wnut17 base_wnut17 --rounds 3
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


def time_one_epoch(config: str, serialization_dir: Path) -> float:
    overrides = json.dumps(
        {"trainer": {"num_epochs": 1}, "validation_data_path": None, "validation_dataset_reader": None}
    )
    train_model_from_file(str(CONFIG_DIR / f"{config}.jsonnet"), str(serialization_dir), overrides)
    metrics = json.loads((serialization_dir / "metrics.json").read_text())
    hours, minutes, seconds = metrics["training_duration"].split(":")
    return int(hours) * 3600 + int(minutes) * 60 + float(seconds)


def count_training_sentences(config: str) -> int:
    from allennlp.common import Params
    from allennlp.data import DatasetReader

    params = Params.from_file(str(CONFIG_DIR / f"{config}.jsonnet"))
    reader = DatasetReader.from_params(params.pop("dataset_reader"))
    return sum(1 for _ in reader.read(params.pop("train_data_path")))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("configs", nargs="+", help="config names in training_configs/")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()

    sentences = {config: count_training_sentences(config) for config in args.configs}
    durations = {config: [] for config in args.configs}
    with tempfile.TemporaryDirectory() as scratch:
        for round_ in range(args.rounds):
            for config in args.configs:
                start = time.perf_counter()
                seconds = time_one_epoch(config, Path(scratch) / f"{config}-{round_}")
                durations[config].append(seconds)
                print(
                    f"round {round_ + 1}: {config}: {seconds:.1f} s/epoch "
                    f"({time.perf_counter() - start:.1f} s with start-up)",
                    file=sys.stderr,
                )
    print("| config | training sentences | s/epoch (median) | sentences/s |")
    print("|---|---|---|---|")
    for config in args.configs:
        median = statistics.median(durations[config])
        print(f"| {config} | {sentences[config]} | {median:.1f} | {sentences[config] / median:.1f} |")


if __name__ == "__main__":
    main()
