"""Beyond one process: distributed training with adversarial training (two CPU workers, gloo),
exact resumption after a kill -9, and a NaN loss that names its batch."""

import json
import os
import random
import re
import subprocess
import sys

import pytest
import torch
import torch.distributed as dist
import torch.multiprocessing
from allennlp.common.checks import ConfigurationError
from allennlp.data import Batch
from allennlp.data.data_loaders import SimpleDataLoader
from allennlp.nn.parallel import DdpWrappedModel
from allennlp.training import GradientDescentTrainer

from datnet_allennlp.data import ResourceBatchSampler
from datnet_allennlp.data import resource_batch_sampler
from datnet_allennlp.training import AdversarialTrainingCallback, DatnetTrainer
from tests.conftest import FIXTURES, REPOSITORY
from tests.test_adversarial_training import NO_DROPOUT, build

ALLENNLP = os.path.join(os.path.dirname(sys.executable), "allennlp")
FIXTURE_DATA = os.path.join(FIXTURES, "data")
TWO_CPU_WORKERS = {"cuda_devices": [-1, -1], "ddp_accelerator": {"type": "torch", "find_unused_parameters": True}}


@pytest.fixture(autouse=True)
def fixture_data(monkeypatch):
    monkeypatch.setenv("DATNET_DATA_DIR", FIXTURE_DATA)


def allennlp(*args, check=True):
    environment = dict(os.environ, OMP_NUM_THREADS="1")
    result = subprocess.run([ALLENNLP, *args], cwd=REPOSITORY, env=environment, capture_output=True, text=True)
    if check and result.returncode != 0:
        raise AssertionError(result.stderr[-3000:])
    return result


def config(name):
    return os.path.join(REPOSITORY, "training_configs", f"{name}.jsonnet")


# --- the sampler ------------------------------------------------------------------------------


def batches_of_worker(monkeypatch, instances, rank, workers, **sampler_args):
    monkeypatch.setattr(resource_batch_sampler, "_worker_rank_and_count", lambda: (rank, workers))
    random.seed(7)  # AllenNLP seeds every worker alike
    sampler = ResourceBatchSampler(**sampler_args)
    return list(sampler.get_batch_indices(instances)), sampler.get_num_batches(instances)


@pytest.mark.parametrize("workers", [2, 3])
def test_each_worker_gets_its_share_of_every_batch(monkeypatch, workers):
    _, instances = build("datnet_f_wnut17")
    arguments = {"batch_size": 4, "source_fraction": 1.0}
    alone, _ = batches_of_worker(monkeypatch, instances, 0, 1, **arguments)
    shares = [batches_of_worker(monkeypatch, instances, rank, workers, **arguments) for rank in range(workers)]

    # The same number of steps on every worker (no one waits on a collective the others skip),
    # and the number the data loader announces.
    assert len({len(batches) for batches, _ in shares}) == 1
    assert all(len(batches) == announced for batches, announced in shares)
    for step, parts in enumerate(zip(*(batches for batches, _ in shares))):
        assert all(parts), "no worker gets an empty share"
        indices = [index for part in parts for index in part]
        assert len(indices) == len(set(indices)), "the shares are disjoint"
        assert len({instances[i]["metadata"]["resource"] for i in indices}) == 1, "one resource per step"
    # Every instance once per epoch, as in one process.
    everything = sorted(i for batches, _ in shares for batch in batches for i in batch)
    assert everything == sorted(i for batch in alone for i in batch) == list(range(len(instances)))


def test_a_last_batch_smaller_than_the_workers_joins_the_one_before(monkeypatch):
    _, instances = build("datnet_base_wnut17")
    target = len(instances)
    batch_size = target - 1  # two batches, the last of one sentence
    batches, announced = batches_of_worker(monkeypatch, instances, 0, 2, batch_size=batch_size)
    assert announced == len(batches) == 1
    assert len(batches[0]) == (target + 1) // 2


# --- gradients: two workers with DistributedDataParallel against one process ---------------------

EPSILONS = {"source_word_epsilon": 0.02, "target_word_epsilon": 0.03, "character_epsilon": 0.01}


def at_step_gradients(resource, rank=0, workers=1):
    """The parameter gradients of one adversarial-training step on 8 sentences of `resource`,
    of which this worker holds every `workers`-th."""
    torch.manual_seed(0)
    model, instances = build("datnet_f_wnut17", **NO_DROPOUT)
    sentences = [i for i in instances if i["metadata"]["resource"] == resource][:8]
    batch = Batch(sentences[rank::workers])
    batch.index_instances(model.vocab)
    callback = AdversarialTrainingCallback("unused", **EPSILONS)
    arguments = {}
    if workers > 1:
        ddp = torch.nn.parallel.DistributedDataParallel(model, find_unused_parameters=True)
        arguments = {"distributed": True, "local_rank": rank, "world_size": workers,
                     "ddp_wrapped_model": DdpWrappedModel(ddp, local_rank=rank, world_size=workers)}
    optimizer = torch.optim.SGD(model.parameters(), lr=0.0)
    loader = SimpleDataLoader(sentences, 8, vocab=model.vocab)  # unused: the step is run by hand
    trainer = GradientDescentTrainer(model, optimizer, loader, callbacks=[callback],
                                     serialization_dir="unused", **arguments)
    callback.on_start(trainer)
    trainer._pytorch_model.train()
    outputs = trainer.batch_outputs(batch.as_tensor_dict(), for_training=True)
    assert callback.on_backward(trainer, outputs, backward_called=False)
    return {name: p.grad.clone() for name, p in model.named_parameters() if p.grad is not None}


def _worker(rank, workers, init_file, output):
    os.environ["DATNET_DATA_DIR"] = FIXTURE_DATA
    torch.set_num_threads(1)
    dist.init_process_group("gloo", init_method=f"file://{init_file}", rank=rank, world_size=workers)
    try:
        for resource in ("source", "target"):
            torch.save(at_step_gradients(resource, rank, workers), f"{output}.{resource}.{rank}")
    finally:
        dist.destroy_process_group()


def test_two_workers_step_with_the_gradient_of_the_whole_batch(tmp_path, monkeypatch):
    # The summed loss (the paper's text): with `loss_reduction: mean` DDP averages the workers'
    # means, which is the batch's mean only when the workers' shares are equal in size.
    monkeypatch.setenv("DATNET_OPTIONS", json.dumps({"preset": "paper_text"}))
    torch.multiprocessing.spawn(_worker, args=(2, str(tmp_path / "init"), str(tmp_path / "grads")), nprocs=2)
    for resource in ("source", "target"):
        alone = at_step_gradients(resource)
        for rank in range(2):
            distributed = torch.load(tmp_path / f"grads.{resource}.{rank}")
            assert set(distributed) == set(alone)
            for name, gradient in alone.items():
                assert torch.allclose(distributed[name], gradient, rtol=1e-4, atol=1e-6), (resource, name)


# --- training end to end ----------------------------------------------------------------------


def test_two_cpu_workers_train_datnet_f_with_at_archive_and_evaluate(tmp_path):
    run = tmp_path / "run"
    overrides = {"trainer.num_epochs": 2, "data_loader.batch_sampler.batch_size": 4, "distributed": TWO_CPU_WORKERS}
    allennlp("train", config("datnet_f_wnut17"), "-s", str(run), "-o", json.dumps(overrides))
    metrics = json.loads((run / "metrics.json").read_text())
    assert "validation_f1-measure-overall" in metrics and "peak_worker_1_memory_MB" in metrics
    allennlp("evaluate", str(run / "model.tar.gz"), os.path.join(FIXTURE_DATA, "wnut2017", "test.txt"),
             "--output-file", str(tmp_path / "test.json"))
    assert 0.0 <= json.loads((tmp_path / "test.json").read_text())["f1-measure-overall"] <= 1.0


def test_two_resources_without_find_unused_parameters_are_told_what_to_add(tmp_path):
    # What `allennlp train` with "distributed": {"cuda_devices": [-1, -1]} builds, in one process.
    dist.init_process_group("gloo", init_method=f"file://{tmp_path / 'init'}", rank=0, world_size=1)
    try:
        model, instances = build("datnet_f_wnut17")
        ddp = torch.nn.parallel.DistributedDataParallel(model)
        with pytest.raises(ConfigurationError, match='"find_unused_parameters": true'):
            DatnetTrainer(model, torch.optim.SGD(model.parameters(), lr=0.0),
                          SimpleDataLoader(instances, 4, vocab=model.vocab), serialization_dir=str(tmp_path),
                          # The trainer only checks that a world of 2 was asked for; nothing communicates.
                          distributed=True, world_size=2, ddp_wrapped_model=DdpWrappedModel(ddp, world_size=2))
    finally:
        dist.destroy_process_group()


def comparable(metrics):
    return {key: value for key, value in metrics.items() if "duration" not in key and "memory" not in key
            and "start_epoch" not in key and "epochs" not in key}


@pytest.mark.parametrize("preset", ["paper_text", "recommended"])
def test_kill_9_then_recover_ends_exactly_as_an_uninterrupted_run(tmp_path, monkeypatch, preset):
    monkeypatch.setenv("DATNET_OPTIONS", json.dumps({"preset": preset}))

    def train(name, *flags, kill=True):
        callbacks = [{"type": "adversarial_training", **EPSILONS},
                     {"type": "kill_once", "epoch": 1, "batch": 2, "marker": str(tmp_path / f"{name}.killed")}]
        overrides = {"trainer.num_epochs": 3, "data_loader.batch_sampler.batch_size": 4,
                     "trainer.callbacks": callbacks}
        if not kill:
            (tmp_path / f"{name}.killed").touch()
        return allennlp("train", config("datnet_f_wnut17"), "-s", str(tmp_path / name), "-o", json.dumps(overrides),
                        "--include-package", "tests.training_interruptions", *flags, check=False)

    assert train("uninterrupted", kill=False).returncode == 0
    killed = train("resumed")
    assert killed.returncode == -9, killed.stderr[-2000:]
    assert not (tmp_path / "resumed" / "metrics_epoch_1.json").exists()
    assert train("resumed", "--recover").returncode == 0

    uninterrupted = json.loads((tmp_path / "uninterrupted" / "metrics.json").read_text())
    resumed = json.loads((tmp_path / "resumed" / "metrics.json").read_text())
    if preset == "paper_text":
        assert comparable(resumed) == comparable(uninterrupted)
    else:
        # With one label set for both resources, the uninterrupted run's validation metrics also
        # list ORG, a type the target corpus lacks, with all-zero scores, and the resumed run's do
        # not; every other score and the weights are the same.
        per_type = re.compile(r"(precision|recall|measure)-(?!overall$)")
        assert ({k: v for k, v in comparable(resumed).items() if not per_type.search(k) or v}
                == {k: v for k, v in comparable(uninterrupted).items() if not per_type.search(k) or v})
    weights = [torch.load(tmp_path / name / "best.th") for name in ("uninterrupted", "resumed")]
    for name, value in weights[0].items():
        assert torch.equal(value, weights[1][name]), name


def test_a_nan_loss_names_its_epoch_batch_and_resource_and_keeps_the_checkpoint(tmp_path):
    overrides = {"trainer.num_epochs": 3, "data_loader.batch_sampler.batch_size": 4,
                 "trainer.callbacks": [{"type": "poison_weights", "epoch": 1, "batch": 1}]}
    result = allennlp("train", config("datnet_base_wnut17"), "-s", str(tmp_path / "run"), "-o", json.dumps(overrides),
                      "--include-package", "tests.training_interruptions", check=False)
    assert result.returncode != 0
    assert "NonFiniteLossError: the training loss is nan in epoch 1" in result.stderr
    assert "batch 2 of 2" in result.stderr and "a target batch" in result.stderr
    checkpoint = tmp_path / "run" / "model_state_e1_b0.th"
    assert str(checkpoint) in result.stderr
    assert all(torch.isfinite(value).all() for value in torch.load(checkpoint).values() if value.is_floating_point())
