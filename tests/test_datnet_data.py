"""`allennlp datnet-data check`: counts equal to the data README, every problem with its file and
line, the tag scheme, vector coverage, the exit status. `compare`: the edits between two copies."""

import glob
import os
import re

import pytest

from datnet_allennlp.commands.datnet_data import check_file, detect_scheme
from datnet_allennlp.data import DatnetConllReader
from datnet_allennlp.data.corpus_comparison import compare_corpora
from tests.conftest import FIXTURES, allennlp_in_process
from tests.test_corpus_counts import DATA_DIR, EXPECTED

MALFORMED = sorted(glob.glob(os.path.join(FIXTURES, "malformed", "*.txt")))
SCHEMES = {"conll2003_en": "IOB1", "conll2002_es": "IOB2", "conll2002_nl": "IOB2", "wnut2016": "IOB2", "wnut2017": "IOB2"}


def check(*args):
    return allennlp_in_process("datnet-data", "check", *args)


@pytest.mark.skipif(not os.path.isdir(os.path.join(DATA_DIR, "wnut2016")), reason="needs the benchmark data")
@pytest.mark.parametrize("corpus, split", sorted(EXPECTED), ids=lambda value: str(value))
def test_counts_equal_the_data_readme(corpus, split):
    sentences, tokens, entities = EXPECTED[(corpus, split)]
    checked = check_file(os.path.join(DATA_DIR, corpus, f"{split}.txt"), None, "utf-8", None)
    assert (checked.sentences, checked.tokens, dict(checked.entities)) == (sentences, tokens, entities)
    assert checked.scheme.split(" ")[0] == SCHEMES[corpus] and checked.problems == []


@pytest.mark.skipif(not os.path.isdir(os.path.join(DATA_DIR, "wnut2016")), reason="needs the benchmark data")
def test_the_command_prints_the_readme_numbers_and_coverage():
    result = check(os.path.join(DATA_DIR, "conll2003_en", "train.txt"), os.path.join(DATA_DIR, "wnut2016", "train.txt"))
    assert result.returncode == 0, result.stderr[-2000:]
    assert "sentences 14,041  tokens 203,621  (+DOCSTART 204,567)  tag scheme IOB1" in result.stdout
    assert "entities 23,499: LOC 7140, MISC 3438, ORG 6321, PER 6600" in result.stdout
    assert re.search(r"vectors cover \d+\.\d % of word types \([\d,]+ of 9,068\)", result.stdout)
    assert re.search(r"hashtags 449 tokens, in 9 of 1,496 entities \(0\.6 %\); the vectors cover \d+ of them", result.stdout)
    assert "nltk_data" not in result.stdout + result.stderr


@pytest.mark.parametrize("path", MALFORMED, ids=os.path.basename)
def test_every_malformed_fixture_is_named_with_its_line(path):
    checked = check_file(path, ["PER", "LOC", "ORG", "MISC"] if "unknown_type" in path else None, "utf-8", None)
    assert checked.problems
    for problem in checked.problems:
        assert re.match(re.escape(path) + r"(:\d+)?: ", problem), problem
    if os.path.basename(path) not in ("empty.txt", "docstart_only.txt"):
        assert re.match(re.escape(path) + r":\d+: ", checked.problems[0])


def test_all_problems_are_listed_not_only_the_first(tmp_path):
    path = tmp_path / "two_problems.txt"
    path.write_text("EU B-ORG\nrejects O\nGerman\n\nPeter B_PER\nBlackburn I-PER\n")
    checked = check_file(str(path), None, "utf-8", None)
    assert [problem.split(": ")[0] for problem in checked.problems] == [f"{path}:3", f"{path}:5"]
    assert checked.sentences == 2 and checked.entities == {"ORG": 1, "PER": 1}


def test_hashtags_are_counted_with_the_entities_that_hold_one(tmp_path):
    path = tmp_path / "tweets.txt"
    path.write_text("#GoHawks B-sportsteam\nwin O\n#sad O\n# O\n\nSeattle B-geo-loc\n#WA I-geo-loc\n")
    vectors = {"gohawks", "seattle"}
    checked = check_file(str(path), None, "utf-8", vectors)
    assert (checked.hashtag_tokens, checked.hashtag_entities, checked.covered_stripped_hashtags) == (3, 2, 1)
    assert "hashtags 3 tokens, in 2 of 2 entities (100.0 %); the vectors cover 1 of them without the '#'" in checked.report()
    assert "hashtags" not in check_file(os.path.join(FIXTURES, "data", "conll2003_en", "train.txt"), None, "utf-8", None).report()


def test_the_exit_status_says_whether_any_file_has_a_problem():
    good = os.path.join(FIXTURES, "data", "wnut2017", "train.txt")
    assert check(good, "--vectors", "none").returncode == 0
    bad = check(good, MALFORMED[0], "--vectors", "none")
    assert bad.returncode == 1 and "1 of 2 files have problems" in bad.stderr


def test_tag_schemes():
    assert detect_scheme(["B-PER", "I-PER", "O", "", "B-LOC"]) == "IOB2"
    assert detect_scheme(["I-PER", "I-PER", "O", "I-LOC", "B-LOC"]) == "IOB1"
    assert detect_scheme(["B-PER", "I-LOC", "O", "B-ORG", "B-MISC"]).startswith("IOB2 (1 of 4 entities start with I-")
    assert detect_scheme(["B-PER", "E-PER", "S-LOC"]).startswith("BIOES")
    assert detect_scheme(["B-PER", "L-PER", "U-LOC"]).startswith("BIOUL")
    assert detect_scheme(["O", "O"]).startswith("none")


FIRST_COPY = """RT O
@user O
#Paris B-geo-loc
is O
nice O

[ O
IMAGE O
] O

I O
love O
New B-geo-loc
York I-geo-loc
"""
SECOND_COPY = """@user O
Paris B-geo-loc
is O
nice O

I O
love O
New B-geo-loc
York I-geo-loc

Added O
"""


def test_compare_pairs_edited_sentences_and_counts_the_edits_that_touch_entities(tmp_path):
    first, second = tmp_path / "official.txt", tmp_path / "preprocessed.txt"
    first.write_text(FIRST_COPY)
    second.write_text(SECOND_COPY)
    reader = DatnetConllReader()
    comparison = compare_corpora(reader.read_sentences(str(first)), reader.read_sentences(str(second)))
    assert comparison.sentences == (3, 3) and comparison.tokens == (12, 9) and comparison.entities == (2, 2)
    assert comparison.paired_sentences == 2 and comparison.edited_sentences == 1
    assert [s.tokens for s in comparison.dropped_sentences] == [["[", "IMAGE", "]"]]
    assert [s.tokens for s in comparison.added_sentences] == [["Added"]]
    assert comparison.edits == {(("RT",), (), False): 1, (("#Paris",), ("Paris",), True): 1}
    assert comparison.entities_in_both == 1
    assert comparison.entities_only_first == {("geo-loc", ("#Paris",)): 1}
    assert comparison.entities_only_second == {("geo-loc", ("Paris",)): 1}
    report = comparison.report("official", "preprocessed")
    assert "token edits in paired sentences: 1 deletions, 0 insertions, 1 replacements; 1 of them touch entity tokens" in report
    assert "sentences only in the first (up to 20):\n  line 7: [ IMAGE ]" in report


def test_compare_names_the_file_and_line_of_a_problem(tmp_path):
    good = os.path.join(FIXTURES, "data", "wnut2017", "train.txt")
    result = allennlp_in_process("datnet-data", "compare", good, MALFORMED[0])
    assert result.returncode == 1 and f"error: {MALFORMED[0]}" in result.stderr
    same = allennlp_in_process("datnet-data", "compare", good, good)
    assert same.returncode == 0 and "0 deletions, 0 insertions, 0 replacements" in same.stdout
