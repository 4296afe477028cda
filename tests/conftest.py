import os

from allennlp.common.testing import ModelTestCase

FIXTURES = os.path.join(os.path.dirname(os.path.abspath(__file__)), "fixtures")
REPOSITORY = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

# Register our components and set the config defaults, as `allennlp` does with plugins; the base
# configs also use allennlp-models' crf_tagger, which `allennlp` imports as a default plugin.
import allennlp_models.tagging  # noqa: E402,F401

import datnet_allennlp  # noqa: E402,F401


class FixtureDataModelTestCase(ModelTestCase):
    """A ModelTestCase whose configs read the fixture corpora (DATNET_DATA_DIR) during each test."""

    def setup_method(self):
        super().setup_method()
        self._data_dir = os.environ.get("DATNET_DATA_DIR")
        os.environ["DATNET_DATA_DIR"] = os.path.join(FIXTURES, "data")

    def teardown_method(self):
        if self._data_dir is None:
            del os.environ["DATNET_DATA_DIR"]
        else:
            os.environ["DATNET_DATA_DIR"] = self._data_dir
        super().teardown_method()
