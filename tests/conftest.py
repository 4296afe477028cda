import os

FIXTURES = os.path.join(os.path.dirname(os.path.abspath(__file__)), "fixtures")
REPOSITORY = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

# Register our components and set the config defaults, as `allennlp` does with plugins; the base
# configs also use allennlp-models' crf_tagger, which `allennlp` imports as a default plugin.
import allennlp_models.tagging  # noqa: E402,F401

import datnet_allennlp  # noqa: E402,F401
