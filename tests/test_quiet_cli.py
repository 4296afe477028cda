"""allennlp commands print no nltk download errors (allennlp-models downloads nltk data on import)."""

import os
import subprocess
import sys

import nltk
import pytest

from tests.conftest import FIXTURES, REPOSITORY

ALLENNLP = os.path.join(os.path.dirname(sys.executable), "allennlp")


def run(*args):
    env = dict(os.environ, DATNET_DATA_DIR=os.path.join(FIXTURES, "data"))
    return subprocess.run([ALLENNLP, *args], cwd=REPOSITORY, env=env, capture_output=True, text=True)


def test_allennlp_help_prints_no_nltk_download_error():
    result = run("--help")
    assert result.returncode == 0 and "reproduce" in result.stdout
    assert "nltk_data" not in result.stdout + result.stderr


def test_real_use_of_punkt_still_fails_with_nltks_own_error():
    with pytest.raises(LookupError, match="punkt"):
        nltk.tokenize.word_tokenize("This needs punkt.")
