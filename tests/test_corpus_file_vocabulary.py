"""The `from_instances_and_corpus_files` vocabulary: label sets and characters from whole files."""

import pytest
from allennlp.common import Params
from allennlp.common.checks import ConfigurationError
from allennlp.data import Vocabulary
from allennlp.data.token_indexers import SingleIdTokenIndexer, TokenCharactersIndexer

from datnet_allennlp.data import CorpusFileVocabulary, DatnetConllReader

TRAIN = "Zoe O\nvisits O\nParis B-geo-loc\n\nZoe B-person\n\n"
TEST = "Qatar B-geo-loc\nQ O\n\nxyz O\n"


@pytest.fixture
def corpus(tmp_path):
    (tmp_path / "train.txt").write_text(TRAIN)
    (tmp_path / "test.txt").write_text(TEST)
    return tmp_path


def read(path) -> list:
    indexers = {"tokens": SingleIdTokenIndexer(), "token_characters": TokenCharactersIndexer()}
    return list(DatnetConllReader(token_indexers=indexers).read(str(path)))


def characters(vocabulary: Vocabulary) -> set:
    return set(vocabulary.get_token_to_index_vocabulary("token_characters")) - {"@@PADDING@@", "@@UNKNOWN@@"}


def test_characters_of_the_files_enter_from_the_min_count_on(corpus):
    instances = read(corpus / "train.txt")[:1]  # "Zoe visits Paris"
    files = [str(corpus / "train.txt"), str(corpus / "test.txt")]
    plain = Vocabulary.from_instances(instances)
    assert characters(plain) == set("ZoevisitsParis")
    every = Vocabulary.from_params(Params({
        "type": "from_instances_and_corpus_files", "character_files": {"token_characters": files},
    }), instances=instances)
    assert characters(every) == set("Zoe visits Paris Zoe Qatar Q xyz") - {" "}
    # Q occurs twice (Qatar, Q), Z three times; x, y, z once: only the first two stay at 2.
    twice = Vocabulary.from_params(Params({
        "type": "from_instances_and_corpus_files", "character_files": {"token_characters": files},
        "character_min_count": 2, "min_count": {"token_characters": 100},
    }), instances=instances)
    assert {"Q", "Z"} <= characters(twice) and not {"x", "y", "z"} & characters(twice)
    # The training words and labels come from the instances only.
    assert every.get_token_to_index_vocabulary("tokens") == plain.get_token_to_index_vocabulary("tokens")
    assert isinstance(every, CorpusFileVocabulary)


def test_tag_files_give_every_tag_of_their_types(corpus):
    instances = read(corpus / "train.txt")[:1]
    vocabulary = Vocabulary.from_params(Params({
        "type": "from_instances_and_corpus_files", "tag_files": {"labels": str(corpus / "train.txt")},
    }), instances=instances)
    prefixes = ["B", "I", "L", "U"]
    assert set(vocabulary.get_token_to_index_vocabulary("labels")) == {"O"} | {
        f"{prefix}-{type_}" for type_ in ("geo-loc", "person") for prefix in prefixes
    }


def test_a_bad_min_count_is_refused(corpus):
    with pytest.raises(ConfigurationError, match="character_min_count must be at least 1, got 0"):
        Vocabulary.from_params(Params({
            "type": "from_instances_and_corpus_files",
            "character_files": {"token_characters": str(corpus / "test.txt")}, "character_min_count": 0,
        }), instances=[])
