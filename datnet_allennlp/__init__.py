"""
DATNet (Dual Adversarial Transfer Network, Zhou et al., ACL 2019) for AllenNLP.

Importing the package registers its components: `allennlp` does that through the
`.allennlp_plugins` file or `--include-package datnet_allennlp`.
"""

import os

# The configs read settings from Jsonnet external variables, which AllenNLP fills from the
# environment. Jsonnet has no default for an unset variable, so the defaults live here: `allennlp`
# imports plugins before it reads a config. See README, "Settings".
_CHECKOUT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def _default_data_dir() -> str:
    # A source checkout (its configs beside the package) reads `../shared/data` next to it, as the
    # project's CI lays it out; an installed package has no such neighbour, so it uses the user's
    # data folder (XDG), the same wherever the command runs.
    if os.path.isdir(os.path.join(_CHECKOUT, "training_configs")):
        return os.path.normpath(os.path.join(_CHECKOUT, "..", "shared", "data"))
    data_home = os.environ.get("XDG_DATA_HOME") or os.path.join(os.path.expanduser("~"), ".local", "share")
    return os.path.join(data_home, "datnet-allennlp")


CONFIG_DEFAULTS = {
    "DATNET_DATA_DIR": _default_data_dir(),
    "DATNET_SEED": "13",
    "DATNET_TARGET_SENTENCES": "",
    "DATNET_TARGET_RATIO": "",
    "DATNET_ALPHA": "0.25",
    "DATNET_OPTIONS": "{}",
    # A user's own corpus (the *_custom configs), see README "Your own corpus".
    "DATNET_TARGET_TRAIN": "",
    "DATNET_TARGET_DEV": "",
    "DATNET_TARGET_TYPES": "",
    "DATNET_TARGET_VECTORS": "",
    "DATNET_SOURCE": "conll2003_en",
}
for _name, _value in CONFIG_DEFAULTS.items():
    os.environ.setdefault(_name, _value)


def _vector_dimension(path: str) -> str:
    # The number of values after the word on the vector file's first line (GloVe text format).
    try:
        with open(path, encoding="utf-8", errors="replace") as vectors:
            return str(len(vectors.readline().rstrip().split(" ")) - 1)
    except OSError:
        return "50"  # a missing file is reported by the embedding that reads it


os.environ.setdefault("DATNET_TARGET_VECTORS_DIM", _vector_dimension(os.environ["DATNET_TARGET_VECTORS"])
                      if os.environ["DATNET_TARGET_VECTORS"] not in ("", "none") else "50")

from datnet_allennlp import commands, data, models, modules, predictors, training  # noqa: E402 (registers the components)
