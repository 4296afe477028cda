import pytest

from datnet_allennlp.data.tagging_schemes import check_iob_tag, iob_to_spans, spans_to_tags


@pytest.mark.parametrize(
    "tags,spans",
    [
        # IOB2
        (["B-PER", "I-PER", "O", "B-LOC"], [("PER", 0, 1), ("LOC", 3, 3)]),
        # IOB1: I- starts an entity, B- separates two adjacent entities of one type
        (["I-ORG", "B-ORG", "I-ORG", "O"], [("ORG", 0, 0), ("ORG", 1, 2)]),
        # conlleval: an I- of another type starts a new entity
        (["B-PER", "I-LOC", "I-LOC"], [("PER", 0, 0), ("LOC", 1, 2)]),
        # an I- after O starts an entity (the official CoNLL-2002 Spanish files have these)
        (["O", "I-ORG", "I-ORG", "O", "I-PER"], [("ORG", 1, 2), ("PER", 4, 4)]),
        (["O", "O"], []),
        ([], []),
    ],
)
def test_iob_to_spans_follows_conlleval(tags, spans):
    assert iob_to_spans(tags) == spans


def test_spans_to_tags_in_both_schemes():
    spans = [("ORG", 0, 0), ("ORG", 1, 3), ("LOC", 5, 5)]
    assert spans_to_tags(spans, 6, "BIO") == ["B-ORG", "B-ORG", "I-ORG", "I-ORG", "O", "B-LOC"]
    assert spans_to_tags(spans, 6, "BIOUL") == ["U-ORG", "B-ORG", "I-ORG", "L-ORG", "O", "U-LOC"]
    with pytest.raises(ValueError, match="unknown coding scheme"):
        spans_to_tags(spans, 6, "IOBES")


def test_check_iob_tag():
    assert check_iob_tag("O") is None
    assert check_iob_tag("B-geo-loc") is None
    assert check_iob_tag("I-PER", ["PER"]) is None
    assert "invalid tag 'B_PER'" in check_iob_tag("B_PER")
    assert "invalid tag 'PER'" in check_iob_tag("PER")
    assert "invalid tag 'U-PER'" in check_iob_tag("U-PER")
    assert "invalid tag 'o'" in check_iob_tag("o")
    assert "unknown entity type in tag 'B-PERSON'" in check_iob_tag("B-PERSON", ["PER", "LOC"])
