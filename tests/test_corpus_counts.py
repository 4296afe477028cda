"""
The reader's sentence, token and entity counts on the five benchmark corpora equal the table in
../shared/data/README.md. Runs only where that folder exists (DATNET_DATA_DIR).
"""

import os
from collections import Counter

import pytest

from datnet_allennlp.data import DatnetConllReader
from datnet_allennlp.data.tagging_schemes import iob_to_spans

DATA_DIR = os.environ["DATNET_DATA_DIR"]

# (sentences, tokens, entities by type), copied from the data README.
EXPECTED = {
    ("conll2003_en", "train"): (
        14041,
        203621,
        {"LOC": 7140, "MISC": 3438, "ORG": 6321, "PER": 6600},
    ),
    ("conll2003_en", "dev"): (3250, 51362, {"LOC": 1837, "MISC": 922, "ORG": 1341, "PER": 1842}),
    ("conll2003_en", "test"): (3453, 46435, {"LOC": 1668, "MISC": 702, "ORG": 1661, "PER": 1617}),
    ("conll2002_es", "train"): (
        8323,
        264715,
        {"LOC": 4914, "MISC": 2173, "ORG": 7390, "PER": 4321},
    ),
    ("conll2002_es", "dev"): (1915, 52923, {"LOC": 985, "MISC": 445, "ORG": 1700, "PER": 1222}),
    ("conll2002_es", "test"): (1517, 51533, {"LOC": 1084, "MISC": 340, "ORG": 1400, "PER": 735}),
    ("conll2002_nl", "train"): (
        15806,
        202644,
        {"LOC": 3208, "MISC": 3338, "ORG": 2082, "PER": 4716},
    ),
    ("conll2002_nl", "dev"): (2895, 37687, {"LOC": 479, "MISC": 748, "ORG": 686, "PER": 703}),
    ("conll2002_nl", "test"): (5195, 68875, {"LOC": 774, "MISC": 1187, "ORG": 882, "PER": 1098}),
    ("wnut2016", "train"): (
        2394,
        46469,
        {
            "company": 171,
            "facility": 104,
            "geo-loc": 276,
            "movie": 34,
            "musicartist": 55,
            "other": 225,
            "person": 449,
            "product": 97,
            "sportsteam": 51,
            "tvshow": 34,
        },
    ),
    ("wnut2016", "dev"): (
        1000,
        16261,
        {
            "company": 39,
            "facility": 38,
            "geo-loc": 116,
            "movie": 15,
            "musicartist": 41,
            "other": 132,
            "person": 171,
            "product": 37,
            "sportsteam": 70,
            "tvshow": 2,
        },
    ),
    ("wnut2016", "test"): (
        3850,
        61908,
        {
            "company": 621,
            "facility": 253,
            "geo-loc": 882,
            "movie": 34,
            "musicartist": 191,
            "other": 584,
            "person": 482,
            "product": 246,
            "sportsteam": 147,
            "tvshow": 33,
        },
    ),
    ("wnut2017", "train"): (
        3394,
        62730,
        {
            "corporation": 221,
            "creative-work": 140,
            "group": 264,
            "location": 548,
            "person": 660,
            "product": 142,
        },
    ),
    ("wnut2017", "dev"): (
        1009,
        15733,
        {
            "corporation": 34,
            "creative-work": 105,
            "group": 39,
            "location": 74,
            "person": 470,
            "product": 114,
        },
    ),
    ("wnut2017", "test"): (
        1287,
        23394,
        {
            "corporation": 66,
            "creative-work": 142,
            "group": 165,
            "location": 150,
            "person": 429,
            "product": 127,
        },
    ),
}


@pytest.mark.skipif(not os.path.isdir(DATA_DIR), reason=f"no benchmark data at {DATA_DIR}")
@pytest.mark.parametrize("corpus,split", sorted(EXPECTED))
def test_reader_counts_match_the_data_readme(corpus, split):
    sentences, tokens, entities = EXPECTED[(corpus, split)]
    reader = DatnetConllReader(entity_types=sorted(entities))
    instances = list(reader.read(os.path.join(DATA_DIR, corpus, f"{split}.txt")))

    assert len(instances) == sentences
    assert sum(len(instance["tokens"]) for instance in instances) == tokens
    # Count entities on the BIOUL tags the model is trained on, so the count also checks the
    # conversion from the file's IOB1/IOB2 tags.
    found = Counter()
    for instance in instances:
        bioul = instance["tags"].labels
        found.update(entity_type for entity_type, start, end in _bioul_spans(bioul))
    assert dict(found) == entities


def _bioul_spans(tags):
    spans, start = [], None
    for index, tag in enumerate(tags):
        prefix, _, entity_type = tag.partition("-")
        if prefix == "U":
            spans.append((entity_type, index, index))
        elif prefix == "B":
            start = index
        elif prefix == "L":
            assert start is not None and tags[start] == f"B-{entity_type}", tags
            spans.append((entity_type, start, index))
            start = None
        else:
            assert prefix in ("I", "O"), tag
    return spans


def test_bioul_span_helper_agrees_with_iob_decoding():
    assert _bioul_spans(["B-X", "L-X", "U-Y", "O"]) == iob_to_spans(["B-X", "I-X", "B-Y", "O"])
