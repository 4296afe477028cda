"""
How close an epoch of `allennlp train` comes to the limit for the same network on this machine:
the same model, the same batches as tensors made once beforehand, trained in a plain PyTorch loop
(forward, backward, gradient clipping at 5, Adam step; no AllenNLP trainer, data loader, metrics or
checkpoints). Adversarial training in the plain loop is the same callback code driven by hand.

Each config runs both ways, taking turns epoch by epoch, so that a machine whose speed drifts
slows both alike; medians over the rounds are reported, with the time the data loader takes to
make an epoch's tensors (the part of the difference that is data loading) measured apart.

    .venv/bin/python scripts/benchmark_training_loop.py datnet_base_wnut17 datnet_f_wnut --rounds 3

A config with adversarial training also runs without it (`... (no callbacks)`, i.e. no AT).
"""

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Dict, List

import torch
from allennlp.common import Params
from allennlp.data import DataLoader, DatasetReader, Vocabulary
from allennlp.models import Model

import datnet_allennlp  # noqa: F401 (registers our components, sets config defaults)
from datnet_allennlp.training import AdversarialTrainingCallback

# The `allennlp train` side is benchmark_throughput.py's one-epoch run (this script's folder is
# on sys.path when it runs); its callbacks are adversarial training.
from benchmark_throughput import CONFIG_DIR, NO_CALLBACKS, epoch_overrides, time_one_epoch  # noqa: E402


class PlainLoop:
    """The config's model and one epoch of its batches, as tensors, trained without AllenNLP."""

    def __init__(self, run: str) -> None:
        params = Params.from_file(str(CONFIG_DIR / f"{run.removesuffix(NO_CALLBACKS)}.jsonnet"), json.dumps(epoch_overrides(run)))
        reader = DatasetReader.from_params(params.pop("dataset_reader"))
        loader = DataLoader.from_params(params.pop("data_loader"), reader=reader, data_path=params.pop("train_data_path"))
        vocabulary = Vocabulary.from_params(params.pop("vocabulary"), instances=loader.iter_instances())
        loader.index_with(vocabulary)
        self.model = Model.from_params(vocab=vocabulary, params=params.pop("model"))
        self.optimizer = torch.optim.Adam([p for p in self.model.parameters() if p.requires_grad], lr=0.001)
        start = time.perf_counter()
        self.batches: List[Dict] = list(loader)
        self.loading_seconds = time.perf_counter() - start
        self.sentences = sum(len(batch["metadata"]) for batch in self.batches)
        callbacks = params.pop("trainer").get("callbacks", [])
        self.adversarial = None
        if callbacks:
            arguments = {key: value for key, value in callbacks[0].items() if key != "type"}
            self.adversarial = AdversarialTrainingCallback("unused", **arguments)
            self.adversarial.on_start(_StandInTrainer(self.model))

    def epoch(self) -> float:
        self.model.train()
        stand_in = _StandInTrainer(self.model)
        start = time.perf_counter()
        for batch in self.batches:
            self.optimizer.zero_grad()
            outputs = self.model(**batch)
            if self.adversarial is None:
                outputs["loss"].backward()
            else:
                self.adversarial.on_backward(stand_in, outputs, backward_called=False)
            torch.nn.utils.clip_grad_norm_(self.model.parameters(), 5.0)
            self.optimizer.step()
        return time.perf_counter() - start


class _StandInTrainer:
    """What the adversarial-training callback reads from a trainer."""

    _use_amp = False
    _num_gradient_accumulation_steps = 1

    def __init__(self, model: Model) -> None:
        self.model = model
        self._callbacks: List = []

    def batch_outputs(self, batch: Dict, for_training: bool) -> Dict:
        return self.model(**batch)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("configs", nargs="+", help="config names in training_configs/")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()

    runs: List[str] = []
    for config in args.configs:
        runs.append(config)
        if Params.from_file(str(CONFIG_DIR / f"{config}.jsonnet"))["trainer"].get("callbacks"):
            runs.append(config + NO_CALLBACKS)
    plain = {run: PlainLoop(run) for run in runs}
    seconds: Dict[str, Dict[str, List[float]]] = {run: {"allennlp": [], "plain": []} for run in runs}
    with tempfile.TemporaryDirectory() as scratch:
        for round_ in range(args.rounds):
            for number, run in enumerate(runs):
                seconds[run]["allennlp"].append(time_one_epoch(run, Path(scratch) / f"{number}-{round_}"))
                seconds[run]["plain"].append(plain[run].epoch())
                print(f"round {round_ + 1}: {run}: allennlp {seconds[run]['allennlp'][-1]:.1f} s, "
                      f"plain loop {seconds[run]['plain'][-1]:.1f} s", file=sys.stderr)

    print("| config | sentences / epoch | plain loop s / epoch | `allennlp train` s / epoch | ratio | "
          "plain loop sentences / s | `allennlp train` sentences / s | data loader s / epoch |")
    print("|---|---|---|---|---|---|---|---|")
    for run in runs:
        ours, limit = (statistics.median(seconds[run][way]) for way in ("allennlp", "plain"))
        sentences = plain[run].sentences
        print(f"| {run} | {sentences} | {limit:.1f} | {ours:.1f} | {ours / limit:.2f} | "
              f"{sentences / limit:.0f} | {sentences / ours:.0f} | {plain[run].loading_seconds:.1f} |")


if __name__ == "__main__":
    main()
