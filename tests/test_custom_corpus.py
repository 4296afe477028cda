"""The *_custom configs: a user's own target corpus, its entity types inferred from its training
file, its own word vectors of any dimension or trainable embeddings."""

import json
import os

import pytest
import torch
from allennlp.common import Params
from allennlp.data import DatasetReader, Vocabulary
from allennlp.models import Model

from datnet_allennlp import _vector_dimension
from datnet_allennlp.data import ConllFormatError
from tests.conftest import FIXTURES, REPOSITORY
from tests.test_corpus_counts import DATA_DIR

FIXTURE_DATA = os.path.join(FIXTURES, "data")
WNUT17 = os.path.join(FIXTURE_DATA, "wnut2017")


def config_path(name):
    return os.path.join(REPOSITORY, "training_configs", name + ".jsonnet")


@pytest.fixture
def own_corpus(monkeypatch):
    """WNUT-2017's fixture files as "your own data", without their entity types."""
    monkeypatch.setenv("DATNET_DATA_DIR", FIXTURE_DATA)
    monkeypatch.setenv("DATNET_TARGET_TRAIN", os.path.join(WNUT17, "train.txt"))
    monkeypatch.setenv("DATNET_TARGET_DEV", os.path.join(WNUT17, "dev.txt"))
    return monkeypatch


def build(name):
    params = Params.from_file(config_path(name))
    reader = DatasetReader.from_params(params.pop("dataset_reader"))
    instances = list(reader.read(params.pop("train_data_path")))
    vocab = Vocabulary.from_params(params.pop("vocabulary"), instances=instances)
    return vocab, Model.from_params(vocab=vocab, params=params.pop("model"))


def parameter_count(model):
    return sum(parameter.numel() for parameter in model.parameters())


def test_inferred_types_build_the_same_model_as_the_named_corpus(own_corpus):
    assert_same_model_as_datnet_f_wnut17()


@pytest.mark.skipif(not os.path.isdir(os.path.join(DATA_DIR, "wnut2017")), reason="needs the benchmark data")
def test_on_the_real_wnut17_files_too(monkeypatch):
    # The check on the benchmark corpus itself: its 6 types inferred from wnut17 train.
    monkeypatch.setenv("DATNET_DATA_DIR", DATA_DIR)
    monkeypatch.setenv("DATNET_TARGET_TRAIN", os.path.join(DATA_DIR, "wnut2017", "train.txt"))
    monkeypatch.setenv("DATNET_TARGET_DEV", os.path.join(DATA_DIR, "wnut2017", "dev.txt"))
    assert_same_model_as_datnet_f_wnut17()


def assert_same_model_as_datnet_f_wnut17():
    custom_vocab, custom = build("datnet_f_custom")
    named_vocab, named = build("datnet_f_wnut17")
    for namespace in ("target_labels", "source_labels"):
        assert custom_vocab.get_index_to_token_vocabulary(namespace) == named_vocab.get_index_to_token_vocabulary(namespace)
    assert parameter_count(custom) == parameter_count(named)
    assert [name for name, _ in custom.named_parameters()] == [name for name, _ in named.named_parameters()]


def test_the_custom_config_trains_and_evaluates(own_corpus, tmp_path):
    from allennlp.commands.evaluate import evaluate_from_args
    from allennlp.commands.train import train_model_from_file
    import argparse

    train_model_from_file(config_path("datnet_f_custom"), str(tmp_path / "run"),
                          overrides=json.dumps({"trainer.num_epochs": 1}))
    metrics = json.loads((tmp_path / "run" / "metrics.json").read_text())
    assert "best_validation_f1-measure-overall" in metrics
    args = argparse.Namespace(
        archive_file=str(tmp_path / "run" / "model.tar.gz"), input_file=os.path.join(WNUT17, "test.txt"),
        output_file=str(tmp_path / "test.json"), predictions_output_file=None, weights_file=None,
        cuda_device=-1, overrides="", batch_size=None, batch_weight_key="", extend_vocab=False,
        embedding_sources_mapping="", file_friendly_logging=True, auto_names="NONE")
    evaluate_from_args(args)
    assert 0.0 <= json.loads((tmp_path / "test.json").read_text())["f1-measure-overall"] <= 1.0


def test_a_type_training_never_saw_is_refused_with_its_file_and_line(own_corpus, tmp_path):
    dev = tmp_path / "dev.txt"
    dev.write_text("Obama\tB-person\nrocks\tO\n\nMars\tB-planet\n")
    own_corpus.setenv("DATNET_TARGET_DEV", str(dev))
    params = Params.from_file(config_path("datnet_base_custom")).as_dict(quiet=True)
    reader = DatasetReader.from_params(Params(params["validation_dataset_reader"]))
    with pytest.raises(ConllFormatError, match=rf"{dev}:4: unknown entity type in tag 'B-planet'"):
        list(reader.read(params["validation_data_path"]))
    # Written types win over the training file's.
    own_corpus.setenv("DATNET_TARGET_TYPES", "person,planet")
    params = Params.from_file(config_path("datnet_base_custom")).as_dict(quiet=True)
    assert params["dataset_reader"]["entity_types"] == ["person", "planet"]


@pytest.mark.parametrize("preset", ["paper_text", "recommended"])
def test_a_users_vectors_of_another_dimension(own_corpus, tmp_path, preset):
    own_corpus.setenv("DATNET_OPTIONS", json.dumps({"preset": preset}))
    vectors = tmp_path / "vectors.txt"
    vectors.write_text("".join(f"{word} " + " ".join(f"0.{i}{j}" for j in range(8)) + "\n"
                               for i, word in enumerate(["obama", "london", "apple", "iphone"])))
    assert _vector_dimension(str(vectors)) == "8"
    own_corpus.setenv("DATNET_TARGET_VECTORS", str(vectors))
    own_corpus.setenv("DATNET_TARGET_VECTORS_DIM", "8")
    vocab, model = build("datnet_f_custom")
    embedder = model._word_embedders["target"]
    assert embedder.weight.shape[1] == 8 and embedder.get_output_dim() == 50  # projected to the shared size
    # The recommended preset fine-tunes the vectors (word_vectors), the paper's text keeps them fixed.
    assert embedder.weight.requires_grad == (preset == "recommended")
    unknown = vocab.get_token_index("@@UNKNOWN@@", "target_tokens")
    assert vocab.get_token_index("iphone", "target_tokens") != unknown
    assert embedder(torch.tensor([[vocab.get_token_index("iphone", "target_tokens"), unknown]])).shape == (1, 2, 50)


def test_no_vectors_means_trainable_embeddings(own_corpus):
    own_corpus.setenv("DATNET_TARGET_VECTORS", "none")
    params = Params.from_file(config_path("datnet_f_custom")).as_dict(quiet=True)
    assert "target_tokens" not in params["vocabulary"]["pretrained_files"]
    _, model = build("datnet_f_custom")
    assert model._word_embedders["target"].weight.requires_grad
    assert "source_tokens" in params["vocabulary"]["pretrained_files"]  # CoNLL-2003 keeps its GloVe


def test_without_a_training_file_the_config_says_what_to_set(monkeypatch):
    monkeypatch.setenv("DATNET_DATA_DIR", FIXTURE_DATA)
    monkeypatch.setenv("DATNET_TARGET_TRAIN", "")
    with pytest.raises(Exception, match="need DATNET_TARGET_TRAIN"):
        Params.from_file(config_path("datnet_f_custom"))


def test_the_data_folder_default_suits_a_checkout_and_an_installed_package(monkeypatch, tmp_path):
    import datnet_allennlp

    assert datnet_allennlp._default_data_dir() == os.path.normpath(os.path.join(REPOSITORY, "..", "shared", "data"))
    # Installed (site-packages has no training_configs beside the package): the user's data folder.
    monkeypatch.setattr(datnet_allennlp, "_CHECKOUT", str(tmp_path / "site-packages"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    assert datnet_allennlp._default_data_dir() == str(tmp_path / "xdg" / "datnet-allennlp")
    monkeypatch.delenv("XDG_DATA_HOME")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert datnet_allennlp._default_data_dir() == str(tmp_path / "home" / ".local" / "share" / "datnet-allennlp")


def test_a_missing_corpus_names_the_data_folder(monkeypatch, tmp_path):
    from datnet_allennlp.data import DatnetConllReader

    monkeypatch.setenv("DATNET_DATA_DIR", str(tmp_path))
    with pytest.raises(ConllFormatError, match="under DATNET_DATA_DIR=.*README, 'Data'"):
        DatnetConllReader().read_sentences(str(tmp_path / "wnut2016" / "train.txt"))
