"""`allennlp datnet-data check`: counts equal to the data README, every problem with its file and
line, the tag scheme, vector coverage, the exit status."""

import glob
import os
import re
import subprocess
import sys

import pytest

from datnet_allennlp.commands.datnet_data import check_file, detect_scheme
from tests.conftest import FIXTURES, REPOSITORY
from tests.test_corpus_counts import DATA_DIR, EXPECTED

ALLENNLP = os.path.join(os.path.dirname(sys.executable), "allennlp")
MALFORMED = sorted(glob.glob(os.path.join(FIXTURES, "malformed", "*.txt")))
SCHEMES = {"conll2003_en": "IOB1", "conll2002_es": "IOB2", "conll2002_nl": "IOB2", "wnut2016": "IOB2", "wnut2017": "IOB2"}


def check(*args):
    return subprocess.run([ALLENNLP, "datnet-data", "check", *args], cwd=REPOSITORY, capture_output=True, text=True)


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
