import glob
import json
import os

import pytest
import torch
from allennlp.common import Params
from allennlp.common.checks import ConfigurationError
from allennlp.data import Batch, DatasetReader, Vocabulary
from allennlp.data.data_loaders import SimpleDataLoader
from allennlp.models import Model
from allennlp.models.archival import load_archive
from allennlp.commands.train import train_model
from allennlp.training import GradientDescentTrainer
from allennlp.training.callbacks import TrainerCallback

from datnet_allennlp.training.adversarial_training import (
    AdversarialTrainingCallback,
    normalized_perturbation,
)
from tests.conftest import FIXTURES, REPOSITORY, use_fixture_corpus_as_custom

# Without dropout a forward pass is deterministic, so clean and perturbed passes compare.
NO_DROPOUT = {
    "model.embedding_dropout": 0.0,
    "model.encoder_dropout": 0.0,
    "model.character_encoder.dropout": 0.0,
}


@pytest.fixture(autouse=True)
def fixture_data(monkeypatch):
    monkeypatch.setenv("DATNET_DATA_DIR", os.path.join(FIXTURES, "data"))


def config_params(name, **overrides):
    path = os.path.join(REPOSITORY, "training_configs", f"{name}.jsonnet")
    return Params.from_file(path, json.dumps(overrides))


def build(name, **overrides):
    params = config_params(name, **overrides)
    reader = DatasetReader.from_params(params["dataset_reader"])
    instances = list(reader.read(params["train_data_path"]))
    vocab = Vocabulary.from_params(params["vocabulary"], instances=instances)
    model = Model.from_params(vocab=vocab, params=params["model"])
    return model, instances


def trainer_with(model, instances, callback):
    optimizer = torch.optim.SGD(model.parameters(), lr=0.0)
    loader = SimpleDataLoader(instances[:2], 2, vocab=model.vocab)
    return GradientDescentTrainer(
        model, optimizer, loader, callbacks=[callback], serialization_dir="unused"
    )


def resource_batch(model, instances, resource):
    batch = Batch([i for i in instances if i["metadata"]["resource"] == resource][:6])
    batch.index_instances(model.vocab)
    return batch.as_tensor_dict()


def test_normalized_perturbation_has_norm_epsilon_per_sentence():
    gradient = torch.randn(4, 7, 3, 5)
    gradient[2] = 0.0
    eta = normalized_perturbation(gradient, 2.5)
    norms = eta.flatten(1).norm(dim=1)
    assert torch.allclose(norms[[0, 1, 3]], torch.full((3,), 2.5))
    assert norms[2] == 0.0
    # Same direction as the gradient, sentence by sentence.
    cosine = torch.nn.functional.cosine_similarity(eta[0].flatten(), gradient[0].flatten(), dim=0)
    assert cosine == pytest.approx(1.0)


@pytest.mark.parametrize(
    "config, resource",
    [
        ("datnet_f_wnut17", "source"),
        ("datnet_f_wnut17", "target"),
        ("datnet_p_wnut17", "source"),
        ("datnet_base_wnut17", "target"),
    ],
)
def test_perturbed_pass_moves_each_embedding_by_epsilon_uphill(config, resource):
    epsilons = {"source_word": 0.02, "target_word": 0.03, "character": 0.01}
    # Seeded: the bounds below hold for any initialisation tried, but should not depend on
    # which tests ran before this one.
    torch.manual_seed(0)
    model, instances = build(config, **NO_DROPOUT)
    callback = AdversarialTrainingCallback(
        "unused", *(epsilons[name] for name in ("source_word", "target_word", "character"))
    )
    trainer = trainer_with(model, instances, callback)
    callback.on_start(trainer)
    # Registered after the callback's hooks: sees each embedding output as the model uses it.
    outputs = {}
    for name, module in model.perturbable_embeddings().items():
        module.register_forward_hook(
            lambda m, i, output, name=name: outputs.setdefault(name, []).append(output.detach())
        )

    model.train()
    batch = resource_batch(model, instances, resource)
    batch_outputs = trainer.batch_outputs(batch, True)
    assert callback.on_backward(trainer, batch_outputs, backward_called=False)

    assert set(outputs) == {f"{resource}_word", "character"}
    for name, (clean, perturbed) in outputs.items():
        norms = (perturbed - clean).flatten(1).norm(dim=1)
        assert torch.allclose(norms, torch.full_like(norms, epsilons[name]), rtol=1e-3), name
    # A small step along the gradient raises the loss.
    assert batch_outputs["adversarial_loss"] > batch_outputs["loss"]

    # The step's gradient is that of L(x) + L(x + eta), about twice the clean one for a small eta.
    total = {name: p.grad.clone() for name, p in model.named_parameters() if p.grad is not None}
    callback.on_end(trainer)
    model.zero_grad()
    trainer.batch_outputs(batch, True)["loss"].backward()
    for name, parameter in model.named_parameters():
        if name in total and parameter.grad.abs().sum() > 0:
            # Not exactly twice: the gradient at x + eta differs. Most in the character CNN,
            # whose max pooling can pick another position after the step (up to 0.11 seen over
            # 15 initialisations; under 0.01 elsewhere).
            bound = 0.2 if name.startswith("_character_encoder.") else 0.05
            difference = (total[name] - 2 * parameter.grad).norm() / (2 * parameter.grad).norm()
            assert 0 < difference < bound, name


def test_perturbed_embeddings_are_the_character_table_and_the_word_embedders():
    model, _ = build("datnet_f_wnut17")
    modules = model.perturbable_embeddings()
    assert set(modules) == {"source_word", "target_word", "character"}
    assert modules["character"] is model._character_encoder._embedding


def train_fixture_model(tmp_path, name, callbacks, accumulation):
    # Plain SGD without clipping: the parameters then show any difference in the gradients.
    params = config_params(
        "datnet_f_wnut17",
        **{
            "trainer.num_epochs": 2,
            "trainer.optimizer": {"type": "sgd", "lr": 0.05},
            "trainer.grad_norm": False,
            "trainer.callbacks": callbacks,
            "trainer.num_gradient_accumulation_steps": accumulation,
            "data_loader.batch_sampler.batch_size": 2,
            "data_loader.batch_sampler.source_fraction": 1.0,
        },
    )
    return train_model(params, str(tmp_path / name))


@pytest.mark.parametrize("accumulation", [1, 3, 4])
def test_zero_epsilon_trains_exactly_as_without_the_callback(tmp_path, accumulation):
    # 6 batches an epoch (2 source, 4 target): groups of 3 are even, the last group of 4 is short.
    zero = {
        "type": "adversarial_training",
        "source_word_epsilon": 0,
        "target_word_epsilon": 0,
        "character_epsilon": 0,
    }
    plain = train_fixture_model(tmp_path, "plain", [], accumulation).state_dict()
    with_callback = train_fixture_model(tmp_path, "zero", [zero], accumulation).state_dict()
    assert plain.keys() == with_callback.keys()
    for key in plain:
        assert torch.equal(plain[key], with_callback[key]), key


def test_adversarial_training_changes_the_trained_parameters(tmp_path):
    # The same run with AT on (epsilon 5) must end elsewhere: the callback is not a no-op.
    plain = train_fixture_model(tmp_path, "plain", [], 1).state_dict()
    adversarial = train_fixture_model(
        tmp_path, "at", [{"type": "adversarial_training"}], 3
    ).state_dict()
    assert not torch.equal(
        plain["_shared_encoder._module.weight_ih_l0"],
        adversarial["_shared_encoder._module.weight_ih_l0"],
    )


@pytest.mark.parametrize(
    "config, adversarial",
    [
        ("datnet_f_wnut16", True),
        ("datnet_p_conll02_es", True),
        ("datnet_f_wnut", True),
        ("ablation_at_wnut16", True),
        ("ablation_f_transfer_grad_wnut16", False),
        ("ablation_p_transfer_grad_conll02_es", False),
        ("datnet_base_wnut16", False),
    ],
)
def test_full_datnet_configs_turn_adversarial_training_on(config, adversarial):
    callbacks = config_params(config)["trainer"].as_dict().get("callbacks", [])
    expected = [{"type": "adversarial_training"}] if adversarial else []
    assert [{"type": c["type"]} for c in callbacks] == expected
    if adversarial:
        assert all(
            callbacks[0][f"{n}_epsilon"] == 5.0 for n in ("source_word", "target_word", "character")
        )


def test_every_datnet_f_and_p_config_uses_adversarial_training(monkeypatch):
    use_fixture_corpus_as_custom(monkeypatch)
    for path in glob.glob(os.path.join(REPOSITORY, "training_configs", "datnet_[fp]_*.jsonnet")):
        trainer = Params.from_file(path)["trainer"].as_dict()
        assert trainer["callbacks"][0]["type"] == "adversarial_training", path


def test_training_saves_loads_predicts_and_recovers(tmp_path):
    params = config_params(
        "datnet_p_wnut17",
        **{"trainer.num_epochs": 2, "trainer.checkpointer.keep_most_recent_by_count": 2},
    )
    run = tmp_path / "run"
    train_model(params.duplicate(), str(run))
    archive = load_archive(str(run / "model.tar.gz"))
    assert archive.config["trainer"]["callbacks"][0]["type"] == "adversarial_training"
    model = archive.model
    model.eval()
    reader = DatasetReader.from_params(archive.config["validation_dataset_reader"].duplicate())
    instances = list(reader.read(os.path.join(FIXTURES, "data", "wnut2017", "test.txt")))
    first = model.forward_on_instances(instances)
    second = model.forward_on_instances(instances)
    # No perturbation at prediction time: predictions are deterministic.
    for one, other in zip(first, second):
        assert one["tags"] == other["tags"] and len(one["tags"]) == len(one["words"])
        assert (one["logits"] == other["logits"]).all()

    # Interrupted after the first epoch: drop what the second one wrote, then --recover.
    second_epoch = ["model.tar.gz", "metrics.json", "metrics_epoch_1.json"]
    for written in glob.glob(str(run / "*_e2_*")) + [str(run / name) for name in second_epoch]:
        os.remove(written)
    assert glob.glob(str(run / "model_state_e1_*"))
    train_model(params.duplicate(), str(run), recover=True)
    metrics = json.loads((run / "metrics.json").read_text())
    assert metrics["epoch"] == 1 and (run / "metrics_epoch_1.json").exists()
    assert (run / "model.tar.gz").exists()


class _OwnBackward(TrainerCallback):
    def on_backward(self, trainer, batch_outputs, backward_called, **kwargs) -> bool:
        batch_outputs["loss"].backward()
        return True


def test_unsupported_settings_are_refused_at_start():
    model, instances = build("datnet_f_wnut17")
    callback = AdversarialTrainingCallback("unused")

    trainer = trainer_with(model, instances, callback)
    trainer._use_amp = True  # use_amp itself needs a GPU
    with pytest.raises(ConfigurationError, match="use_amp"):
        callback.on_start(trainer)

    trainer = trainer_with(model, instances, callback)
    trainer._callbacks.append(_OwnBackward("unused"))
    with pytest.raises(ConfigurationError, match="_OwnBackward"):
        callback.on_start(trainer)

    with pytest.raises(ConfigurationError, match="character_epsilon must be >= 0"):
        AdversarialTrainingCallback("unused", character_epsilon=-1.0)


def test_a_model_without_perturbable_embeddings_is_refused(tmp_path):
    params = config_params(
        "base_wnut17",
        **{"trainer.num_epochs": 1, "trainer.callbacks": [{"type": "adversarial_training"}]},
    )
    with pytest.raises(ConfigurationError, match="CrfTagger has none"):
        train_model(params, str(tmp_path / "run"))
