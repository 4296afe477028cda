"""
The runs of a reproduction grid: the paper's named experiments (tables 2 to 6, figure 2) and
user-written grid files, expanded over seeds and checked before anything runs.
"""

import hashlib
import json
import os
import re
from dataclasses import asdict, dataclass, field, replace
from typing import Any, Callable, Dict, Iterable, List, Optional, Sequence, Tuple

from allennlp.common import Params

from datnet_allennlp import CONFIG_DEFAULTS

REPOSITORY = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
CONFIGS_DIR = os.path.join(REPOSITORY, "training_configs")

# Corpus folder names (under DATNET_DATA_DIR) and the short names the config files use.
TARGETS = {
    "conll02_es": "conll2002_es",
    "conll02_nl": "conll2002_nl",
    "wnut16": "wnut2016",
    "wnut17": "wnut2017",
}
# The ablation configs (tables 3 and 4, figure 2) exist for the paper's two ablation targets.
ABLATION_TARGETS = ("wnut16", "conll02_es")

# The named experiments reproduce the paper's tables with the model as the paper's text describes
# it (the configs' default is the "recommended" preset, whose rows are the grid
# training_configs/grids/authors_options_paper_protocol.jsonnet).
PAPER_TEXT_OPTIONS = {"DATNET_OPTIONS": '{"preset": "paper_text"}'}

# Adversarial training with the callback's defaults (epsilon 5 for all three embeddings).
WITH_AT = {"trainer.callbacks": [{"type": "adversarial_training"}]}


class GridError(ValueError):
    """A grid that cannot run: raised before anything runs, naming the offending entry."""


@dataclass(frozen=True)
class PaperResult:
    """The paper's number for a cell: `f1` (the mean where it reports one), with `std` and `best`
    where it gives them."""

    f1: float
    std: Optional[float] = None
    best: Optional[float] = None


@dataclass(frozen=True)
class Cell:
    """One configuration of a grid, run once per seed."""

    experiment: str
    model: str
    target: str
    config: str
    test_file: str
    target_sentences: Optional[int] = None
    target_ratio: Optional[float] = None
    # A swept hyper-parameter, e.g. "alpha=0.25" (paper table 5) or "eps_wT=3" (table 6).
    setting: str = ""
    overrides: Dict[str, Any] = field(default_factory=dict)
    env: Dict[str, str] = field(default_factory=dict)
    paper: Optional[PaperResult] = None
    # The cell's position in its experiment, so that reports list cells in the paper's order.
    order: int = 0
    # Where a grid file defines the cell ("grid.json: runs[2]"), for error messages.
    origin: str = ""

    @property
    def size_label(self) -> str:
        if self.target_sentences is not None:
            return f"n{self.target_sentences}"
        if self.target_ratio is not None:
            return f"r{self.target_ratio:g}"
        return ""

    def run_env(self) -> Dict[str, str]:
        env = dict(self.env)
        if self.target_sentences is not None:
            env["DATNET_TARGET_SENTENCES"] = str(self.target_sentences)
        if self.target_ratio is not None:
            env["DATNET_TARGET_RATIO"] = repr(float(self.target_ratio))
        return env


@dataclass(frozen=True, eq=False)
class Run:
    """A cell with a seed: one `allennlp train` + `allennlp evaluate` in its own folder."""

    cell: Cell
    seed: int
    # Digest of the evaluated config, test file and seed: a changed config is a new run.
    digest: str
    # Every setting the run's config reads (the cell's, the seed, the data folder).
    env: Dict[str, str]
    # The config as planned (Jsonnet evaluated with `env`, overrides applied): the run trains
    # exactly this, even if a config file changes while the grid runs.
    config: Dict[str, Any] = field(default_factory=dict)

    @property
    def name(self) -> str:
        parts = [_slug(self.cell.model), self.cell.target, self.cell.size_label, _slug(self.cell.setting)]
        return ".".join(part for part in parts if part) + f".seed{self.seed}.{self.digest}"

    @property
    def relative_dir(self) -> str:
        return os.path.join(self.cell.experiment, self.name)

    def to_json(self) -> Dict[str, Any]:
        cell = asdict(self.cell)
        return {**cell, "seed": self.seed, "digest": self.digest, "name": self.name, "env": self.env,
                "evaluated_config": self.config}


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9=.]+", "-", text.lower()).strip("-")


def _config(name: str) -> str:
    return os.path.join(CONFIGS_DIR, name + ".jsonnet")


def _test_file(target: str) -> str:
    return os.path.join("$DATNET_DATA_DIR", TARGETS[target], "test.txt")


# --- the paper's numbers (test F1) -------------------------------------------------------------

# Table 2: mean, std, best over 10 runs.
TABLE2 = {
    ("Base", "conll02_es"): (85.35, 0.15, 85.53),
    ("Base", "conll02_nl"): (85.24, 0.21, 85.55),
    ("Base", "wnut16"): (44.37, 0.31, 44.96),
    ("Base", "wnut17"): (34.67, 0.34, 35.20),
    ("DATNet-P", "conll02_es"): (87.89, 0.18, 88.16),
    ("DATNet-P", "conll02_nl"): (88.09, 0.13, 88.32),
    ("DATNet-P", "wnut16"): (50.41, 0.32, 50.85),
    ("DATNet-P", "wnut17"): (40.52, 0.38, 41.12),
    ("DATNet-F", "conll02_es"): (86.79, 0.20, 87.04),
    ("DATNet-F", "conll02_nl"): (87.52, 0.19, 87.77),
    ("DATNet-F", "wnut16"): (53.03, 0.24, 53.43),
    ("DATNet-F", "wnut17"): (42.32, 0.32, 42.83),
}
TABLE3_SIZES = (10, 50, 100, 200, 500, 1000)
TABLE3 = {
    "conll02_es": {
        "Base": (21.53, 42.18, 48.35, 63.66, 68.83, 76.69),
        "+AT": (19.23, 41.01, 50.46, 64.83, 70.85, 77.91),
        "+P-Transfer": (29.78, 61.09, 64.78, 66.54, 72.94, 78.49),
        "+F-Transfer": (39.72, 63.00, 63.36, 66.39, 72.88, 78.04),
        "DATNet-P": (39.52, 62.57, 64.05, 68.95, 75.19, 79.46),
        "DATNet-F": (44.52, 63.89, 66.67, 68.35, 74.24, 78.56),
    },
    "wnut16": {
        "Base": (3.80, 14.07, 17.99, 26.20, 31.78, 36.99),
        "+AT": (4.34, 16.87, 18.43, 26.32, 35.68, 41.69),
        "+P-Transfer": (7.71, 16.17, 20.43, 29.20, 34.90, 41.20),
        "+F-Transfer": (15.26, 20.04, 26.60, 32.22, 38.35, 44.81),
        "DATNet-P": (9.94, 17.09, 25.39, 30.71, 36.05, 42.30),
        "DATNet-F": (17.14, 22.59, 28.41, 32.48, 39.20, 45.25),
    },
}
# The six models of table 3 and figure 2 ("F(P)-Transfer denotes DATNet-F(P) without AT").
SIX_MODELS = (
    ("Base", "datnet_base_{t}"),
    ("+AT", "ablation_at_{t}"),
    ("+P-Transfer", "ablation_p_transfer_grad_{t}"),
    ("+F-Transfer", "ablation_f_transfer_grad_{t}"),
    ("DATNet-P", "datnet_p_{t}"),
    ("DATNet-F", "datnet_f_{t}"),
)
FIG2_RATIOS = (0.05, 0.1, 0.2, 0.4, 0.6, 1.0)
# Table 4: model, config, AT added by an override, paper F1 (Spanish, WNUT-2016).
TABLE4 = (
    ("Base", "datnet_base_{t}", False, 85.35, 44.37),
    ("+AT", "ablation_at_{t}", False, 86.12, 47.41),
    ("+P-T (no AD)", "ablation_p_transfer_{t}", False, 86.15, 47.66),
    ("+AT +P-T (no AD)", "ablation_p_transfer_{t}", True, 86.90, 48.44),
    ("+F-T (no AD)", "ablation_f_transfer_{t}", False, 85.46, 49.79),
    ("+AT +F-T (no AD)", "ablation_f_transfer_{t}", True, 86.17, 50.93),
    ("+P-T (AD)", "ablation_p_transfer_ad_{t}", False, 86.32, 48.14),
    ("+AT +P-T (AD)", "ablation_p_transfer_ad_{t}", True, 87.19, 49.41),
    ("+F-T (AD)", "ablation_f_transfer_ad_{t}", False, 85.58, 50.48),
    ("+AT +F-T (AD)", "ablation_f_transfer_ad_{t}", True, 86.38, 51.84),
    ("+P-T (GRAD)", "ablation_p_transfer_grad_{t}", False, 86.93, 48.91),
    ("DATNet-P", "datnet_p_{t}", False, 88.16, 50.85),
    ("+F-T (GRAD)", "ablation_f_transfer_grad_{t}", False, 85.91, 51.31),
    ("DATNet-F", "datnet_f_{t}", False, 87.04, 53.43),
)
SWEEP_RATIOS = (0.1, 0.2, 0.4, 0.6)
TABLE5_ALPHAS = tuple(round(0.1 + 0.05 * i, 2) for i in range(15))
TABLE5_ES = {
    0.1: (78.37, 78.63, 78.70, 78.32, 77.96, 77.92, 77.88, 77.78, 77.85, 77.90, 77.65, 77.57, 77.38, 77.49, 77.29),
    0.2: (80.99, 81.71, 82.18, 81.57, 81.53, 81.55, 81.44, 81.25, 81.32, 81.16, 81.02, 81.16, 80.63, 80.79, 80.54),
    0.4: (83.76, 83.73, 84.18, 84.48, 84.26, 84.12, 83.54, 83.40, 83.52, 84.18, 83.42, 83.47, 83.28, 83.33, 83.19),
    0.6: (85.18, 85.24, 85.85, 85.68, 85.84, 86.10, 85.71, 85.74, 85.42, 85.60, 85.20, 85.40, 85.26, 85.24, 84.98),
}
TABLE6_EPSILONS = (1.0, 3.0, 5.0, 7.0, 9.0)
TABLE6_ES = {
    0.1: (75.90, 76.23, 77.38, 77.77, 78.13),
    0.2: (81.54, 81.65, 81.32, 81.81, 81.68),
    0.4: (83.62, 83.83, 83.43, 83.99, 83.40),
    0.6: (84.44, 84.47, 84.72, 84.04, 84.05),
}


# --- the named experiments ---------------------------------------------------------------------


def table2() -> List[Cell]:
    cells = []
    for target in TARGETS:
        for model, config in (("Base", "datnet_base_{t}"), ("DATNet-P", "datnet_p_{t}"), ("DATNet-F", "datnet_f_{t}")):
            mean, std, best = TABLE2[(model, target)]
            cells.append(
                Cell("table2", model, target, _config(config.format(t=target)), _test_file(target),
                     paper=PaperResult(mean, std, best))
            )
    return cells


def table3(target: str) -> List[Cell]:
    return [
        Cell(f"table3-{target}", model, target, _config(config.format(t=target)), _test_file(target),
             target_sentences=size, paper=PaperResult(TABLE3[target][model][index]))
        for model, config in SIX_MODELS
        for index, size in enumerate(TABLE3_SIZES)
    ]


def table4(target: str) -> List[Cell]:
    column = 3 if target == "conll02_es" else 4
    return [
        Cell(f"table4-{target}", row[0], target, _config(row[1].format(t=target)), _test_file(target),
             overrides=WITH_AT if row[2] else {}, paper=PaperResult(row[column]))
        for row in TABLE4
    ]


def fig2(target: str) -> List[Cell]:
    # The paper shows figure 2 as a plot only: there are no numbers to compare with.
    return [
        Cell(f"fig2-{target}", model, target, _config(config.format(t=target)), _test_file(target),
             target_ratio=ratio)
        for model, config in SIX_MODELS
        for ratio in FIG2_RATIOS
    ]


def table5(target: str) -> List[Cell]:
    # The paper does not say which DATNet tables 5 and 6 use; we sweep DATNet-F.
    return [
        Cell(f"table5-{target}", "DATNet-F", target, _config(f"datnet_f_{target}"), _test_file(target),
             target_ratio=ratio, setting=f"alpha={alpha:g}", env={"DATNET_ALPHA": repr(alpha)},
             paper=PaperResult(TABLE5_ES[ratio][index]) if target == "conll02_es" else None)
        for ratio in SWEEP_RATIOS
        for index, alpha in enumerate(TABLE5_ALPHAS)
    ]


def table6(target: str) -> List[Cell]:
    return [
        Cell(f"table6-{target}", "DATNet-F", target, _config(f"datnet_f_{target}"), _test_file(target),
             target_ratio=ratio, setting=f"eps_wT={epsilon:g}",
             overrides={"trainer.callbacks": [{"type": "adversarial_training", "target_word_epsilon": epsilon}]},
             paper=PaperResult(TABLE6_ES[ratio][index]) if target == "conll02_es" else None)
        for ratio in SWEEP_RATIOS
        for index, epsilon in enumerate(TABLE6_EPSILONS)
    ]


def _named_experiments() -> Dict[str, Callable[[], List[Cell]]]:
    experiments: Dict[str, Callable[[], List[Cell]]] = {"table2": table2}
    for target in ABLATION_TARGETS:
        experiments[f"table3-{target}"] = lambda t=target: table3(t)
        experiments[f"table4-{target}"] = lambda t=target: table4(t)
        experiments[f"fig2-{target}"] = lambda t=target: fig2(t)
    for target in TARGETS:
        experiments[f"table5-{target}"] = lambda t=target: table5(t)
        experiments[f"table6-{target}"] = lambda t=target: table6(t)
    return experiments


NAMED_EXPERIMENTS = _named_experiments()


# --- grid files ----------------------------------------------------------------------------------

GRID_RUN_KEYS = {
    "model", "config", "test_file", "target", "target_sentences", "target_ratio", "setting",
    "overrides", "env", "paper_f1",
}


def load_grid_file(path: str) -> List[Cell]:
    """
    A user's grid: JSON or Jsonnet with a ``"runs"`` list (and optionally a ``"name"``, default
    the file name). Each run names a ``config`` and a ``test_file`` (relative paths are relative
    to the grid file; ``$DATNET_DATA_DIR`` and other variables are expanded) and may give
    ``model`` (a label, default the config's name), ``target``, ``target_sentences`` or
    ``target_ratio``, ``setting`` (a label), ``overrides`` (as for ``allennlp train -o``; variables
    in its strings are expanded per run too), ``env`` (environment settings, e.g.
    ``{"DATNET_ALPHA": "0.5"}``) and ``paper_f1``.
    """
    try:
        grid = Params.from_file(path).as_dict(quiet=True)
    except Exception as error:  # Jsonnet and JSON syntax errors, a missing file
        raise GridError(f"{path}: cannot read the grid file: {error}") from None
    if not isinstance(grid, dict) or not isinstance(grid.get("runs"), list) or not grid["runs"]:
        raise GridError(f'{path}: a grid file needs a non-empty "runs" list')
    name = str(grid.get("name") or os.path.splitext(os.path.basename(path))[0])
    base = os.path.dirname(os.path.abspath(path))
    cells = []
    for index, entry in enumerate(grid["runs"]):
        where = f"{path}: runs[{index}]"
        if not isinstance(entry, dict):
            raise GridError(f"{where}: expected an object, got {entry!r}")
        unknown = sorted(set(entry) - GRID_RUN_KEYS)
        if unknown:
            raise GridError(f"{where}: unknown keys {unknown}; allowed: {sorted(GRID_RUN_KEYS)}")
        for key in ("config", "test_file"):
            if not isinstance(entry.get(key), str):
                raise GridError(f'{where}: "{key}" (a path) is required')
        env = entry.get("env", {})
        overrides = entry.get("overrides", {})
        if not isinstance(env, dict) or not isinstance(overrides, dict):
            raise GridError(f'{where}: "env" and "overrides" must be objects')
        config = _grid_path(entry["config"], base)
        paper_f1 = entry.get("paper_f1")
        cells.append(
            Cell(
                experiment=name,
                model=str(entry.get("model") or os.path.splitext(os.path.basename(config))[0]),
                target=str(entry.get("target", "")),
                config=config,
                test_file=_grid_path(entry["test_file"], base),
                target_sentences=_optional(entry, "target_sentences", int, where),
                target_ratio=_optional(entry, "target_ratio", float, where),
                setting=str(entry.get("setting", "")),
                overrides=overrides,
                env={str(key): str(value) for key, value in env.items()},
                paper=PaperResult(float(paper_f1)) if paper_f1 is not None else None,
                origin=where,
            )
        )
    return cells


def _grid_path(path: str, base: str) -> str:
    # Variables stay unexpanded here (expanded per run, with its environment) unless the path
    # starts with one; otherwise a relative path is relative to the grid file.
    if path.startswith("$") or os.path.isabs(path):
        return path
    return os.path.join(base, path)


def _optional(entry: Dict[str, Any], key: str, kind: type, where: str) -> Any:
    value = entry.get(key)
    if value is None:
        return None
    try:
        return kind(value)
    except (TypeError, ValueError):
        expected = "an integer" if kind is int else "a number"
        raise GridError(f"{where}: {key} must be {expected}, got {value!r}") from None


# --- planning --------------------------------------------------------------------------------------


def parse_seeds(text: str) -> List[int]:
    """``"3"`` is seeds 1, 2, 3; ``"13,101,202"`` is those seeds; ``"3,"`` is seed 3 alone."""
    try:
        if "," in text:
            seeds = [int(part) for part in text.split(",") if part.strip()]
        else:
            seeds = list(range(1, int(text) + 1))
    except ValueError:
        raise GridError(f"--seeds takes a count or a comma-separated list of integers, got {text!r}") from None
    if not seeds or len(set(seeds)) != len(seeds):
        raise GridError(f"--seeds must name at least one seed, each once, got {text!r}")
    return seeds


def cells_for(experiment: str) -> List[Cell]:
    """The cells of a named experiment, or of a grid file when `experiment` is a path."""
    if experiment in NAMED_EXPERIMENTS:
        cells = [replace(cell, env={**PAPER_TEXT_OPTIONS, **cell.env}) for cell in NAMED_EXPERIMENTS[experiment]()]
    elif os.path.isfile(experiment) or experiment.endswith((".json", ".jsonnet")):
        cells = load_grid_file(experiment)
    else:
        raise GridError(
            f"unknown experiment {experiment!r}: give a grid file (.json or .jsonnet) or one of "
            f"{sorted(NAMED_EXPERIMENTS)}"
        )
    return [replace(cell, order=order) for order, cell in enumerate(cells)]


def filter_cells(cells: Sequence[Cell], only: Sequence[str]) -> List[Cell]:
    """
    Keeps the cells that match every `--only` filter. A filter is ``key=value[,value...]`` with key
    one of model, target, size (sentences, ratio, or ``all`` for the full training data), setting;
    a bare value matches the model. Values are compared without regard to case.
    """
    getters: Dict[str, Callable[[Cell], str]] = {
        "model": lambda cell: cell.model,
        "target": lambda cell: cell.target,
        # A full-data cell has no size label; "all" names it, since an empty value selects nothing.
        "size": lambda cell: cell.size_label.lstrip("nr") or "all",
        "setting": lambda cell: cell.setting,
    }
    kept = list(cells)
    for rule in only:
        # KEY=VALUE with an unknown key is a typo, not a model (a model named with "=" is model=NAME).
        key, values = rule.split("=", 1) if "=" in rule else ("model", rule)
        if key not in getters:
            raise GridError(f"--only {rule!r}: the key {key!r} must be one of {sorted(getters)}")
        wanted = {value.strip().lower() for value in values.split(",") if value.strip()}
        unmatched = wanted - {getters[key](cell).lower() for cell in kept}
        if unmatched:
            choices = sorted({getters[key](cell) for cell in cells})
            raise GridError(f"--only {rule!r}: no run has {key} {sorted(unmatched)}; choose from {choices}")
        kept = [cell for cell in kept if getters[key](cell).lower() in wanted]
    return kept


def plan(cells: Sequence[Cell], seeds: Sequence[int]) -> List[Run]:
    """
    Checks every cell and expands it over the seeds, cell by cell. Refuses (GridError) a missing
    config or test file, a config that does not evaluate, and a target size larger than the
    target's training data, naming the entry.
    """
    runs = []
    sentence_counts: Dict[Tuple[str, ...], int] = {}
    data_dir = os.path.abspath(expand("$DATNET_DATA_DIR", {}))
    for cell in cells:
        label = " ".join(part for part in (cell.model, cell.target, cell.size_label, cell.setting) if part)
        where = f"{cell.origin} ({label})" if cell.origin else f"{cell.experiment}: {label}"
        if not os.path.isfile(cell.config):
            raise GridError(f"{where}: config {cell.config} does not exist")
        for seed in seeds:
            env = dict(cell.run_env(), DATNET_SEED=str(seed))
            env.setdefault("DATNET_DATA_DIR", data_dir)
            test_file = expand(cell.test_file, env)
            if not os.path.isfile(test_file):
                raise GridError(f"{where}: test file {test_file} does not exist")
            try:
                params = Params.from_file(cell.config, json.dumps(expand_overrides(cell.overrides, env)),
                                          ext_vars=_ext_vars(env))
            except Exception as error:
                raise GridError(f"{where}: config {cell.config} does not evaluate: {error}") from None
            config = params.as_dict(quiet=True)
            if seed == seeds[0]:
                _check_target_size(cell, config, where, sentence_counts)
            digest = hashlib.sha256(
                json.dumps([config, os.path.abspath(test_file), seed], sort_keys=True).encode()
            ).hexdigest()[:8]
            runs.append(Run(cell, seed, digest, env, config))
    return runs


def expand(path: str, env: Dict[str, str]) -> str:
    """Expands ``$VARIABLES`` in a path with the run's settings, then the package defaults."""
    variables = {**CONFIG_DEFAULTS, **os.environ, **env}
    return re.sub(r"\$(\w+)|\$\{(\w+)\}", lambda m: variables.get(m.group(1) or m.group(2), m.group(0)), path)


def expand_overrides(overrides: Any, env: Dict[str, str]) -> Any:
    """`overrides` with ``$VARIABLES`` expanded in every string, as in `expand`: a grid can point
    an override at the data (``"validation_data_path": "$DATNET_DATA_DIR/wnut2016/test.txt"``)."""
    if isinstance(overrides, str):
        return expand(overrides, env)
    if isinstance(overrides, dict):
        return {key: expand_overrides(value, env) for key, value in overrides.items()}
    if isinstance(overrides, list):
        return [expand_overrides(value, env) for value in overrides]
    return overrides


def _ext_vars(env: Dict[str, str]) -> Dict[str, str]:
    return {**CONFIG_DEFAULTS, **os.environ, **env}


def _check_target_size(cell: Cell, config: Dict[str, Any], where: str, counts: Dict) -> None:
    if cell.target_sentences is None:
        return
    train = config.get("train_data_path")
    target_paths = train.get("target") if isinstance(train, dict) else train
    paths = tuple([target_paths] if isinstance(target_paths, str) else target_paths or [])
    if not paths:
        return
    if paths not in counts:
        from datnet_allennlp.data.conll_reader import DatnetConllReader

        reader = DatnetConllReader()
        counts[paths] = sum(len(reader.read_sentences(path)) for path in paths)
    if cell.target_sentences > counts[paths]:
        raise GridError(
            f"{where}: {cell.target_sentences} target sentences asked for, but "
            f"{' + '.join(paths)} has only {counts[paths]}"
        )


def describe(runs: Iterable[Run]) -> List[str]:
    """One line per planned run, for --dry-run."""
    lines = []
    for run in runs:
        cell = run.cell
        settings = " ".join(f"{key}={value}" for key, value in sorted(run.env.items()) if key != "DATNET_DATA_DIR")
        overrides = f" -o '{json.dumps(expand_overrides(cell.overrides, run.env))}'" if cell.overrides else ""
        lines.append(
            f"{run.relative_dir}: {settings} allennlp train {os.path.relpath(cell.config)}{overrides}"
            f" && allennlp evaluate ... {cell.test_file}"
        )
    return lines
