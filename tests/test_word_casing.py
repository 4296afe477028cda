"""The DATNET_OPTIONS option `word_casing: "embedding"`: each word's casing class, embedded and
read beside its word and character embeddings (not in the paper)."""

import json
import os

import pytest
import torch
from allennlp.common.checks import ConfigurationError
from allennlp.data import Token, Vocabulary

from datnet_allennlp.data import WordCasingIndexer
from datnet_allennlp.data.word_casing_indexer import WORD_CASINGS, word_casing
from tests.conftest import FIXTURES
from tests.test_authors_options import evaluated
from tests.test_datnet_model import DatnetTestCase

CASING = {"word_casing": "embedding"}


@pytest.mark.parametrize("word, casing", [
    ("apple", "lowercase"), ("3pm", "lowercase"), ("@user", "lowercase"),
    ("Apple", "capitalized"), ("A", "capitalized"), ("#Steelers", "capitalized"),
    ("NASA", "uppercase"), ("I'M", "uppercase"),
    ("iPhone", "mixed_case"), ("YouTube", "mixed_case"), ("McDonald", "mixed_case"),
    ("2016", "digits"), ("#1", "digits"),
    ("!!", "no_letters_or_digits"), (":)", "no_letters_or_digits"),
    ("ÉCOLE", "uppercase"), ("école", "lowercase"),
])
def test_word_casing_classes(word, casing):
    assert word_casing(word) == casing


def test_indexer_needs_no_vocabulary_and_pads_with_zero():
    indexer = WordCasingIndexer()
    counter = {}
    indexer.count_vocab_items(Token("Apple"), counter)
    assert counter == {}
    indices = indexer.tokens_to_indices([Token(word) for word in ["Apple", "is", "NASA", "2016"]], Vocabulary())
    assert indices == {"tokens": [WORD_CASINGS.index(c) for c in ("capitalized", "lowercase", "uppercase", "digits")]}
    assert 0 not in indices["tokens"] and WORD_CASINGS[0] == "padding"
    padded = indexer.as_padded_tensor_dict(indices, {"tokens": 6})
    assert padded["tokens"].tolist() == indices["tokens"] + [0, 0]


def test_option_adds_the_indexer_and_embedding_and_widens_the_encoders(monkeypatch):
    for name in ("datnet_base_wnut16", "datnet_f_wnut17", "datnet_p_wnut16"):
        plain, cased = evaluated(name, {}, monkeypatch), evaluated(name, CASING, monkeypatch)
        model = cased["model"]
        assert model["casing_embedding"] == {"type": "embedding", "num_embeddings": len(WORD_CASINGS), "embedding_dim": 10}
        assert model["shared_encoder"]["input_size"] == plain["model"]["shared_encoder"]["input_size"] + 10
        for encoder in model.get("private_encoders", {}).values():
            assert encoder["input_size"] == model["shared_encoder"]["input_size"]
        readers = cased["dataset_reader"]
        for reader in ([readers] if "token_indexers" in readers else [readers["source"], readers["target"]]):
            assert reader["token_indexers"]["word_casing"] == {"type": "word_casing"}
        # The default is no casing, and naming it changes nothing.
        assert evaluated(name, {"word_casing": "none"}, monkeypatch) == plain
        assert "casing_embedding" not in plain["model"]
    with pytest.raises(Exception, match=r'DATNET_OPTIONS: word_casing must be "none" or "embedding", got "yes"'):
        evaluated("datnet_base_wnut16", {"word_casing": "yes"}, monkeypatch)


class TestWordCasing(DatnetTestCase):
    CONFIG = "datnet_f_wnut17"
    SETTINGS = {"DATNET_OPTIONS": json.dumps(CASING)}

    def test_the_casing_embedding_is_read_and_trained(self):
        embedding = self.model._casing_embedding
        assert embedding is not None and embedding.weight.shape == (len(WORD_CASINGS), 10)
        before = embedding.weight.detach().clone()
        self.model.train()
        self.model(**self.dataset.as_tensor_dict())["loss"].backward()
        moved = embedding.weight.grad.abs().sum(dim=1) > 0
        # Padding gets no gradient; the classes of the batch's words do.
        assert not moved[0] and moved[WORD_CASINGS.index("capitalized")] and moved[WORD_CASINGS.index("lowercase")]
        assert torch.equal(embedding.weight, before)

    def test_a_reader_without_the_casing_indexer_is_a_clear_error(self):
        tensors = self.dataset.as_tensor_dict()
        del tensors["tokens"]["word_casing"]
        with pytest.raises(ConfigurationError, match='casing_embedding needs a "word_casing" token indexer'):
            self.model(**tensors)


def test_archive_predicts_with_the_casing_embedding(monkeypatch, tmp_path):
    from allennlp.commands.train import train_model_from_file
    from allennlp.models.archival import load_archive
    from allennlp.predictors import Predictor

    from tests.conftest import REPOSITORY

    monkeypatch.setenv("DATNET_DATA_DIR", os.path.join(FIXTURES, "data"))
    monkeypatch.setenv("DATNET_OPTIONS", json.dumps(CASING))
    train_model_from_file(os.path.join(REPOSITORY, "training_configs", "datnet_base_wnut16.jsonnet"),
                          str(tmp_path / "run"), overrides=json.dumps({"trainer.num_epochs": 1}))
    predictor = Predictor.from_archive(load_archive(str(tmp_path / "run" / "model.tar.gz")))
    output = predictor.predict_json({"tokens": ["NASA", "in", "London", "!!"]})
    assert len(output["tags"]) == 4

