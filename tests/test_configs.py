"""Every experiment config evaluates and builds its dataset reader; the base config trains."""

import glob
import json
import os
import subprocess
import sys

import pytest
from allennlp.common import Params
from allennlp.data import DatasetReader

from tests.conftest import FIXTURES, REPOSITORY, FixtureDataModelTestCase, allennlp_in_process, use_fixture_corpus_as_custom

CONFIGS = sorted(glob.glob(os.path.join(REPOSITORY, "training_configs", "*.jsonnet")))
BASE_CONFIG = os.path.join(REPOSITORY, "training_configs", "base_wnut17.jsonnet")
FIXTURE_DATA = os.path.join(FIXTURES, "data")
ONE_EPOCH = json.dumps({"trainer.num_epochs": 1})


@pytest.fixture
def fixture_data_dir(monkeypatch):
    monkeypatch.setenv("DATNET_DATA_DIR", FIXTURE_DATA)
    use_fixture_corpus_as_custom(monkeypatch)


@pytest.mark.parametrize("config", CONFIGS, ids=os.path.basename)
def test_config_evaluates_and_builds_its_reader(config, fixture_data_dir):
    params = Params.from_file(config).as_dict()
    paths = _paths(params["train_data_path"]) + _paths(params.get("validation_data_path", []))
    assert paths and all(path.startswith(FIXTURE_DATA) for path in paths)
    DatasetReader.from_params(Params(params["dataset_reader"]))


def _paths(data_path):
    if isinstance(data_path, str):
        return [data_path]
    if isinstance(data_path, dict):
        return [path for value in data_path.values() for path in _paths(value)]
    return [path for value in data_path for path in _paths(value)]


class TestBaseConfig(FixtureDataModelTestCase):
    def setup_method(self):
        super().setup_method()
        self.set_up_model(BASE_CONFIG, os.path.join(FIXTURE_DATA, "wnut2017", "train.txt"))

    def test_base_model_can_train_save_and_load(self):
        self.ensure_model_can_train_save_and_load(self.param_file, overrides=ONE_EPOCH)

    def test_pretrained_words_enter_the_vocabulary(self):
        # "unseenword" is only in the fixture vector file: it must still get its vector.
        assert self.vocab.get_token_index("unseenword", "tokens") != self.vocab.get_token_index(
            "@@UNKNOWN@@", "tokens"
        )
        assert self.vocab.get_vocab_size("target_labels") == 1 + 4 * 6  # O + BILU x 6 types


def run_allennlp(*args, cwd, new_process=False):
    """`allennlp ARGS` on the fixture corpus, in this process unless the test is about the console
    script itself (a new process finds plugins and prints its start-up output as a user's does)."""
    env = {"DATNET_DATA_DIR": FIXTURE_DATA}
    if new_process:
        allennlp = os.path.join(os.path.dirname(sys.executable), "allennlp")
        result = subprocess.run([allennlp, *args], cwd=cwd, env=dict(os.environ, **env), capture_output=True, text=True)
    else:
        result = allennlp_in_process(*args, cwd=cwd, env=env)
    assert result.returncode == 0, result.stderr[-3000:]
    # The CLI is quiet: no nltk download attempt (see the Makefile's nltk_data marker).
    assert "nltk_data" not in result.stdout + result.stderr
    return result


def test_allennlp_train_and_evaluate_commands(tmp_path):
    """The README's commands, on the fixture corpus: one short epoch and an archive round trip."""
    run_dir = tmp_path / "run"
    # From elsewhere, the plugin is found through --include-package ...
    run_allennlp(
        "train",
        BASE_CONFIG,
        "-s",
        str(run_dir),
        "-o",
        ONE_EPOCH,
        "--include-package",
        "datnet_allennlp",
        cwd=tmp_path,
        new_process=True,
    )
    # ... and from the repository through its .allennlp_plugins file.
    metrics_file = tmp_path / "metrics.json"
    run_allennlp(
        "evaluate",
        str(run_dir / "model.tar.gz"),
        os.path.join(FIXTURE_DATA, "wnut2017", "test.txt"),
        "--output-file",
        str(metrics_file),
        cwd=REPOSITORY,
        new_process=True,
    )
    metrics = json.loads(metrics_file.read_text())
    assert 0.0 <= metrics["f1-measure-overall"] <= 1.0
    assert metrics["loss"] > 0


def test_wnut16_trains_on_train_and_dev_and_keeps_the_last_epoch(tmp_path, fixture_data_dir):
    from allennlp.commands.train import train_model_from_file

    config = os.path.join(REPOSITORY, "training_configs", "datnet_base_wnut16.jsonnet")
    overrides = json.dumps({"trainer.num_epochs": 2})
    train_model_from_file(config, str(tmp_path / "run"), overrides=overrides)
    metrics = json.loads((tmp_path / "run" / "metrics.json").read_text())
    assert metrics["best_epoch"] == 1 and "validation_loss" not in metrics
    assert metrics["training_loss"] > 0


@pytest.mark.parametrize("config", CONFIGS, ids=os.path.basename)
def test_evaluation_reads_every_sentence_when_training_samples(config, monkeypatch, tmp_path):
    # `allennlp evaluate` reads with validation_dataset_reader, or else dataset_reader: sampling
    # the training data must never sample the test set.
    monkeypatch.setenv("DATNET_DATA_DIR", FIXTURE_DATA)
    use_fixture_corpus_as_custom(monkeypatch)
    monkeypatch.setenv("DATNET_TARGET_SENTENCES", "2")
    params = Params.from_file(config).as_dict()
    reader = DatasetReader.from_params(
        Params(params.get("validation_dataset_reader", params["dataset_reader"]))
    )
    test_file = tmp_path / "test.txt"
    test_file.write_text("".join(f"word{i} O\n\n" for i in range(5)))
    assert len(list(reader.read(str(test_file)))) == 5


def test_datnet_train_and_evaluate_both_taggers(tmp_path):
    config = os.path.join(REPOSITORY, "training_configs", "datnet_f_wnut17.jsonnet")
    run_dir = tmp_path / "run"
    run_allennlp("train", config, "-s", str(run_dir), "-o", ONE_EPOCH, cwd=REPOSITORY)
    archive = str(run_dir / "model.tar.gz")
    target_test = os.path.join(FIXTURE_DATA, "wnut2017", "test.txt")
    run_allennlp(
        "evaluate", archive, target_test, "--output-file", str(tmp_path / "t.json"), cwd=REPOSITORY
    )
    target = json.loads((tmp_path / "t.json").read_text())
    assert {"f1-measure-overall", "f1-measure-person", "discriminator-accuracy"} <= set(target)
    assert "source-f1" not in target
    source_test = json.dumps({"source": os.path.join(FIXTURE_DATA, "conll2003_en", "train.txt")})
    run_allennlp(
        "evaluate", archive, source_test, "--output-file", str(tmp_path / "s.json"), cwd=REPOSITORY
    )
    source = json.loads((tmp_path / "s.json").read_text())
    assert 0.0 <= source["source-f1"] <= 1.0 and "f1-measure-overall" not in source
