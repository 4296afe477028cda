"""
DATNet (Dual Adversarial Transfer Network, Zhou et al., ACL 2019) for AllenNLP.

Importing the package registers its components: `allennlp` does that through the
`.allennlp_plugins` file or `--include-package datnet_allennlp`.
"""

import os

# The configs read settings from Jsonnet external variables, which AllenNLP fills from the
# environment. Jsonnet has no default for an unset variable, so the defaults live here: `allennlp`
# imports plugins before it reads a config. See README, "Settings".
_REPOSITORY = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CONFIG_DEFAULTS = {
    "DATNET_DATA_DIR": os.path.normpath(os.path.join(_REPOSITORY, "..", "shared", "data")),
    "DATNET_SEED": "13",
    "DATNET_TARGET_SENTENCES": "",
    "DATNET_TARGET_RATIO": "",
    "DATNET_ALPHA": "0.25",
    "DATNET_OPTIONS": "{}",
}
for _name, _value in CONFIG_DEFAULTS.items():
    os.environ.setdefault(_name, _value)

from datnet_allennlp import commands, data, models, modules, predictors, training  # noqa: E402 (registers the components)
