import os
from typing import Dict

from allennlp.common.testing import ModelTestCase

FIXTURES = os.path.join(os.path.dirname(os.path.abspath(__file__)), "fixtures")
REPOSITORY = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

# Register our components and set the config defaults, as `allennlp` does with plugins; the base
# configs also use allennlp-models' crf_tagger, which `allennlp` imports as a default plugin.
import allennlp_models.tagging  # noqa: E402,F401

import datnet_allennlp  # noqa: E402,F401


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
