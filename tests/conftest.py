import contextlib
import io
import logging
import os
import subprocess
import sys
from typing import Dict, Optional

from allennlp.common.testing import ModelTestCase

FIXTURES = os.path.join(os.path.dirname(os.path.abspath(__file__)), "fixtures")
REPOSITORY = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

# Register our components and set the config defaults, as `allennlp` does with plugins; the base
# configs also use allennlp-models' crf_tagger, which `allennlp` imports as a default plugin.
import allennlp_models.tagging  # noqa: E402,F401

import datnet_allennlp  # noqa: E402,F401


def allennlp_in_process(*args: str, cwd: str = REPOSITORY, env: Optional[Dict[str, str]] = None) -> subprocess.CompletedProcess:
    """`allennlp ARGS` run by this pytest process, with the command's exit status, stdout and stderr.

    A new `allennlp` process spends about 10 s importing torch and AllenNLP before it does
    anything; tests about what a command computes run it here instead. Tests about the console
    script itself (plugin discovery, start-up output, Ray grids, signals) still start a process.
    """
    from allennlp.commands import main

    saved_argv, saved_cwd, saved_environment = sys.argv, os.getcwd(), dict(os.environ)
    # `allennlp train` replaces the root logger's handlers and sys.excepthook with its own.
    root_logger = logging.getLogger()
    saved_handlers, saved_level, saved_excepthook = list(root_logger.handlers), root_logger.level, sys.excepthook
    stdout, stderr = io.StringIO(), io.StringIO()
    returncode = 0
    sys.argv = ["allennlp", *args]
    os.environ.update(env or {})
    os.chdir(cwd)
    try:
        with contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr):
            try:
                main(prog="allennlp")
            except SystemExit as exit_:
                if isinstance(exit_.code, str):  # sys.exit("message") prints it and exits 1
                    print(exit_.code, file=sys.stderr)
                returncode = exit_.code if isinstance(exit_.code, int) else int(exit_.code is not None)
    finally:
        for handler in root_logger.handlers:
            if handler not in saved_handlers:
                handler.close()
        root_logger.handlers[:] = saved_handlers
        root_logger.setLevel(saved_level)
        sys.excepthook = saved_excepthook
        sys.argv = saved_argv
        os.chdir(saved_cwd)
        os.environ.clear()
        os.environ.update(saved_environment)
    return subprocess.CompletedProcess(["allennlp", *args], returncode, stdout.getvalue(), stderr.getvalue())


def use_fixture_corpus_as_custom(monkeypatch) -> None:
    """The *_custom configs read a user's corpus: WNUT-2017's fixture files stand in for it."""
    monkeypatch.setenv("DATNET_TARGET_TRAIN", os.path.join(FIXTURES, "data", "wnut2017", "train.txt"))
    monkeypatch.setenv("DATNET_TARGET_DEV", os.path.join(FIXTURES, "data", "wnut2017", "dev.txt"))


class FixtureDataModelTestCase(ModelTestCase):
    """A ModelTestCase whose configs read the fixture corpora (DATNET_DATA_DIR) and any other
    `SETTINGS` (environment variables the configs read) during each test."""

    SETTINGS: Dict[str, str] = {}

    def setup_method(self):
        super().setup_method()
        settings = dict(self.SETTINGS, DATNET_DATA_DIR=os.path.join(FIXTURES, "data"))
        self._saved_settings = {name: os.environ.get(name) for name in settings}
        os.environ.update(settings)

    def teardown_method(self):
        for name, value in self._saved_settings.items():
            if value is None:
                del os.environ[name]
            else:
                os.environ[name] = value
        super().teardown_method()
