"""The DATNET_OPTIONS option `word_case: "cased"`: words keep their case, each cased training form
gets its own fine-tuned vector that starts from its lowercased GloVe vector, and a form training
never saw falls back to its lowercased form."""

import json
import os

import pytest
import torch
from allennlp.common.checks import ConfigurationError
from allennlp.data import Token, Vocabulary

from datnet_allennlp.data import CasedTokenIndexerWithLowercaseFallback
from tests.conftest import FIXTURES
from tests.test_authors_options import evaluated, one_sgd_step
from tests.test_datnet_model import DatnetTestCase

CASED = {"word_case": "cased"}  # with the default's trainable unknown word and fine-tuned vectors


def test_indexer_keeps_the_case_and_falls_back_to_the_lowercased_form():
    vocab = Vocabulary()
    vocab.add_tokens_to_namespace(["apple", "Apple", "london"], "words")
    indexer = CasedTokenIndexerWithLowercaseFallback(namespace="words")
    words = ["Apple", "apple", "APPLE", "London", "Coldplay"]
    indices = indexer.tokens_to_indices([Token(word) for word in words], vocab)["tokens"]
    index = lambda word: vocab.get_token_index(word, "words")  # noqa: E731
    assert indices == [index("Apple"), index("apple"), index("apple"), index("london"), index("@@UNKNOWN@@")]
    assert index("Apple") != index("apple")
    with pytest.raises(TypeError, match="takes no lowercase_tokens"):
        CasedTokenIndexerWithLowercaseFallback(lowercase_tokens=True)


def test_option_sets_the_indexers_embedders_and_vocabulary(monkeypatch):
    config = evaluated("datnet_f_wnut17", CASED, monkeypatch)
    for resource in ("source", "target"):
        indexer = config["dataset_reader"][resource]["token_indexers"]["tokens"]
        assert indexer == {"type": "single_id_cased_with_lowercase_fallback", "namespace": resource + "_tokens"}
        assert config["model"]["word_embedders"][resource]["cased_from_lowercase"] is True
    assert config["vocabulary"]["type"] == "from_instances_and_corpus_files"
    assert config["vocabulary"]["cased_word_namespaces"] == ["source_tokens", "target_tokens"]
    # The default is the lowercased lookup, and naming it changes nothing.
    assert evaluated("datnet_f_wnut17", {"word_case": "lowercase"}, monkeypatch) == evaluated("datnet_f_wnut17", {}, monkeypatch)
    assert "cased_word_namespaces" not in evaluated("datnet_f_wnut17", {}, monkeypatch)["vocabulary"]


@pytest.mark.parametrize("options", [
    {"word_vectors": "fixed"}, {"unknown_words": "per_word"}, {"word_vectors": "none"},
])
def test_cased_words_need_the_trainable_unknown_word_and_fine_tuned_vectors(options, monkeypatch):
    with pytest.raises(Exception, match=r'DATNET_OPTIONS: word_case "cased" needs unknown_words "trainable_unk" and word_vectors "fine_tuned", got'):
        evaluated("datnet_f_wnut17", dict(CASED, **options), monkeypatch)
    with pytest.raises(Exception, match=r'DATNET_OPTIONS: word_case must be "lowercase" or "cased", got "Cased"'):
        evaluated("datnet_f_wnut17", {"word_case": "Cased"}, monkeypatch)


def test_vocabulary_needs_words_in_a_cased_namespace():
    from datnet_allennlp.data import CorpusFileVocabulary

    with pytest.raises(ConfigurationError, match="the namespace 'words' holds no words"):
        CorpusFileVocabulary.from_instances_and_corpus_files([], cased_word_namespaces=["words"])


class TestCasedWords(DatnetTestCase):
    CONFIG = "datnet_f_wnut17"
    SETTINGS = {"DATNET_OPTIONS": json.dumps(CASED)}

    def index(self, word):
        return self.vocab.get_token_index(word, "target_tokens")

    def test_cased_training_forms_with_a_lowercased_vector_get_their_own_rows(self):
        unknown = self.index("@@UNKNOWN@@")
        # "Apple" and "London" are training words whose lowercased forms have GloVe vectors.
        for word in ("Apple", "London"):
            assert self.index(word) not in (unknown, self.index(word.lower()))
        # "Coldplay" has no vector in any case: the trained unknown word, as with lowercased words.
        assert self.index("Coldplay") == self.index("coldplay") == unknown
        # GloVe's lowercased words stay, for forms training never saw.
        assert self.index("paris") != unknown and self.index("APPLE") == unknown

    def test_cased_rows_start_from_the_lowercased_vector_and_are_fine_tuned_apart(self):
        embedder = self.model._word_embedders["target"]
        assert embedder.weight.requires_grad
        assert torch.equal(embedder.weight[self.index("Apple")], embedder.weight[self.index("apple")])
        assert not torch.equal(embedder.weight[self.index("apple")], embedder.weight[self.index("paris")])
        one_sgd_step(self.model, self.dataset)
        # "Apple" is in the batch, "apple" is not: only the cased row moves.
        assert not torch.equal(embedder.weight[self.index("Apple")], embedder.weight[self.index("apple")])

    def test_training_reads_the_cased_indices(self):
        field = next(i for i in self.dataset.instances if "Apple" in [t.text for t in i["tokens"]])["tokens"]
        indices = field._indexed_tokens["tokens"]["tokens"]
        assert indices[[t.text for t in field.tokens].index("Apple")] == self.index("Apple")

    def test_can_train_save_and_load(self):
        source_only = {name for name, _ in self.model.named_parameters() if ".source." in name}
        self.ensure_model_can_train_save_and_load(
            self.param_file, overrides=json.dumps({"trainer.num_epochs": 1}), gradients_to_ignore=source_only
        )


def test_archive_predicts_cased_and_unseen_forms(monkeypatch, tmp_path):
    from allennlp.commands.train import train_model_from_file
    from allennlp.models.archival import load_archive
    from allennlp.predictors import Predictor

    from tests.conftest import REPOSITORY

    monkeypatch.setenv("DATNET_DATA_DIR", os.path.join(FIXTURES, "data"))
    monkeypatch.setenv("DATNET_OPTIONS", json.dumps(CASED))
    train_model_from_file(os.path.join(REPOSITORY, "training_configs", "datnet_f_wnut17.jsonnet"),
                          str(tmp_path / "run"), overrides=json.dumps({"trainer.num_epochs": 1}))
    # Loading the archive reads no vector file: the cased rows come from the saved weights.
    archive = load_archive(str(tmp_path / "run" / "model.tar.gz"))
    embedder = archive.model._word_embedders["target"]
    vocab = archive.model.vocab
    assert vocab.get_token_index("Apple", "target_tokens") != vocab.get_token_index("apple", "target_tokens")
    output = Predictor.from_archive(archive).predict_json({"tokens": ["APPLE", "in", "London"], "resource": "target"})
    assert len(output["tags"]) == 3
    assert embedder.weight.shape[0] == vocab.get_vocab_size("target_tokens")
