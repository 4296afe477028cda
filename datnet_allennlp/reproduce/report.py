"""
What a grid produced: ``results.csv`` (a row per run), ``report.md`` (mean +- std per cell beside the
paper's number) and PNG plots, all rebuilt from the run folders under the output directory.
"""

import csv
import glob
import json
import math
import os
import statistics
from collections import OrderedDict
from typing import Any, Dict, List, Optional, Sequence, Tuple

from datnet_allennlp.reproduce.experiments import expand
from datnet_allennlp.reproduce.runner import read_status

CSV_COLUMNS = (
    "experiment", "model", "target", "target_sentences", "target_ratio", "setting", "seed",
    "status", "precision", "recall", "f1", "paper_f1", "dev_f1", "epoch_kept", "epochs_trained", "wall_seconds",
    "serialization_dir", "error",
)


def _read_json(path: str) -> Optional[Dict[str, Any]]:
    try:
        with open(path) as json_file:
            return json.load(json_file)
    except (OSError, ValueError):
        return None


def collect(output_dir: str) -> List[Dict[str, Any]]:
    """A row per run folder under `output_dir` (``<experiment>/<run>/run.json``), in plan order."""
    rows = []
    for spec_path in glob.glob(os.path.join(output_dir, "*", "*", "run.json")):
        spec = _read_json(spec_path)
        if spec is None:
            continue
        directory = os.path.dirname(spec_path)
        status = read_status(directory) or {"status": "unfinished"}
        row: Dict[str, Any] = {key: spec.get(key) for key in CSV_COLUMNS if key in spec}
        row.update(
            status=status["status"],
            wall_seconds=status.get("wall_seconds"),
            serialization_dir=os.path.join(directory, "model"),
            error=status.get("error", ""),
            paper=spec.get("paper"),
            order=spec.get("order", 0),
        )
        row["paper_f1"] = (spec.get("paper") or {}).get("f1")
        test = _read_json(os.path.join(directory, "test_metrics.json")) or {}
        if status["status"] == "finished":
            row.update(
                precision=_percent(test.get("precision-overall")),
                recall=_percent(test.get("recall-overall")),
                f1=_percent(test.get("f1-measure-overall")),
            )
        metrics = _read_json(os.path.join(directory, "model", "metrics.json")) or {}
        if "epoch" in metrics:
            row["epochs_trained"] = metrics["epoch"] + 1
            row["epoch_kept"] = metrics.get("best_epoch", metrics["epoch"])
            # The target dev F1 of the kept epoch: what options are decided on (never test). A run
            # that validates on its own test file (an upper-bound diagnostic) has no dev F1.
            row["validates_on_test"] = _validates_on_test(spec)
            if not row["validates_on_test"]:
                row["dev_f1"] = _percent(metrics.get("best_validation_f1-measure-overall"))
        rows.append(row)
    rows.sort(key=_plan_order)
    return rows


def _validates_on_test(spec: Dict[str, Any]) -> bool:
    validation = (spec.get("evaluated_config") or {}).get("validation_data_path")
    test_file = spec.get("test_file")
    if not isinstance(validation, str) or not isinstance(test_file, str):
        return False
    env = spec.get("env") or {}
    return os.path.abspath(expand(validation, env)) == os.path.abspath(expand(test_file, env))


def _plan_order(row: Dict[str, Any]) -> Tuple:
    return row["experiment"], row["order"], row["seed"]


# Columns of results.csv read back as numbers (the rest stay text).
_INTEGER_COLUMNS = ("target_sentences", "seed", "epoch_kept", "epochs_trained")
_FLOAT_COLUMNS = ("target_ratio", "precision", "recall", "f1", "paper_f1", "dev_f1", "wall_seconds")


def read_earlier_results(path: str, rows: Sequence[Dict[str, Any]]) -> List[Dict[str, Any]]:
    """
    The rows of an earlier ``results.csv`` (runs whose folders are not here: another machine, an
    output folder since deleted) that `rows` does not already hold, for the report to keep. A run
    is known by its experiment and its folder's name. A row without ``paper_f1`` (written before
    that column existed) takes the paper's number from its named experiment, or from a run of the
    same cell in `rows`. Its cell keeps its place in a named experiment; in a grid it comes after
    the cells of `rows`.
    """
    from dataclasses import asdict

    from datnet_allennlp.reproduce.experiments import GridError, NAMED_EXPERIMENTS

    def run_name(row: Dict[str, Any]) -> Tuple[str, str]:
        return row["experiment"], os.path.basename(os.path.dirname(row["serialization_dir"] or ""))

    known = {run_name(row) for row in rows}
    papers = {_cell_key(row): row.get("paper") for row in rows if row.get("paper")}
    orders = {_cell_key(row): row.get("order", 0) for row in rows}
    named_cells: Dict[str, Dict[Tuple, Tuple[int, Any]]] = {}
    try:
        with open(path, newline="") as csv_file:
            reader = csv.DictReader(csv_file)
            missing = {"experiment", "model", "target", "seed", "status", "f1", "serialization_dir"} - set(
                reader.fieldnames or ()
            )
            if missing:
                raise GridError(f"--earlier-results: {path} is not a results.csv: no column {sorted(missing)}")
            earlier = list(reader)
    except OSError as error:
        raise GridError(f"--earlier-results: cannot read {path}: {error.strerror}")
    kept = []
    for line, text_row in enumerate(earlier, start=2):
        row: Dict[str, Any] = {key: (value if value != "" else None) for key, value in text_row.items()}
        try:
            for key in _INTEGER_COLUMNS:
                row[key] = None if row.get(key) is None else int(row[key])
            for key in _FLOAT_COLUMNS:
                row[key] = None if row.get(key) is None else float(row[key])
        except ValueError as error:
            raise GridError(f"--earlier-results: {path}:{line}: {error}")
        row["setting"] = row.get("setting") or ""
        row["error"] = row.get("error") or ""
        if run_name(row) in known:
            continue
        known.add(run_name(row))
        key = _cell_key(row)
        row["paper"] = {"f1": row["paper_f1"]} if row.get("paper_f1") is not None else papers.get(key)
        row["order"] = orders.get(key, 1000 + line)
        if row["experiment"] in NAMED_EXPERIMENTS:
            if row["experiment"] not in named_cells:
                named_cells[row["experiment"]] = {
                    _cell_key(asdict(cell)): (order, cell.paper)
                    for order, cell in enumerate(NAMED_EXPERIMENTS[row["experiment"]]())
                }
            if key in named_cells[row["experiment"]]:
                row["order"], paper = named_cells[row["experiment"]][key]
                if row["paper"] is None and paper is not None:
                    row["paper"] = asdict(paper)
        kept.append(row)
    return kept


def _percent(value: Optional[float]) -> Optional[float]:
    return None if value is None else round(100.0 * value, 2)


def write_csv(rows: Sequence[Dict[str, Any]], path: str) -> None:
    temporary = f"{path}.{os.getpid()}.tmp"  # two grids may share an output folder
    with open(temporary, "w", newline="") as csv_file:
        writer = csv.DictWriter(csv_file, fieldnames=CSV_COLUMNS, extrasaction="ignore")
        writer.writeheader()
        for row in rows:
            writer.writerow({key: "" if row.get(key) is None else row[key] for key in CSV_COLUMNS})
    os.replace(temporary, path)


def _cell_key(row: Dict[str, Any]) -> Tuple:
    return (row["experiment"], row["target"], row.get("target_sentences"), row.get("target_ratio"),
            row.get("setting") or "", row["model"])


def summarise(rows: Sequence[Dict[str, Any]]) -> "OrderedDict[Tuple, Dict[str, Any]]":
    """Per cell: n finished, mean, std (sample, n - 1), best, failed and unfinished counts, paper."""
    cells: "OrderedDict[Tuple, Dict[str, Any]]" = OrderedDict()
    for row in rows:
        cell = cells.setdefault(
            _cell_key(row), {"f1": [], "dev_f1": [], "failed": 0, "unfinished": 0, "paper": row.get("paper")}
        )
        if row["status"] == "finished" and row.get("f1") is not None:
            cell["f1"].append(row["f1"])
            if row.get("dev_f1") is not None:
                cell["dev_f1"].append(row["dev_f1"])
        elif row["status"] == "failed":
            cell["failed"] += 1
        else:
            cell["unfinished"] += 1
    for cell in cells.values():
        scores = cell["f1"]
        cell["n"] = len(scores)
        cell["mean"] = statistics.mean(scores) if scores else None
        cell["std"] = statistics.stdev(scores) if len(scores) > 1 else None
        cell["best"] = max(scores) if scores else None
        dev = cell["dev_f1"]
        cell["dev_mean"] = statistics.mean(dev) if dev else None
        cell["dev_std"] = statistics.stdev(dev) if len(dev) > 1 else None
    return cells


def _number(value: Optional[float], digits: int = 2) -> str:
    return "–" if value is None else f"{value:.{digits}f}"


def _mean_std(mean: Optional[float], std: Optional[float]) -> str:
    return _number(mean) + ("" if std is None else f" ± {std:.2f}")


def _size(key: Tuple) -> str:
    _, _, sentences, ratio, setting, _ = key
    parts = [f"{sentences} sentences" if sentences is not None else "",
             f"ratio {ratio:g}" if ratio is not None else "", setting]
    return ", ".join(part for part in parts if part) or "all"


COMMANDS_FILE = "commands.txt"


def record_command(output_dir: str, command: str) -> None:
    """Remembers each distinct command that ran runs into `output_dir`, for the report."""
    path = os.path.join(output_dir, COMMANDS_FILE)
    known = open(path).read().splitlines() if os.path.isfile(path) else []
    if command not in known:
        with open(path, "a") as commands_file:
            commands_file.write(command + "\n")


def write_report(output_dir: str, earlier_results: Optional[str] = None) -> str:
    """
    Writes results.csv, report.md and the plots; returns the report's path. `earlier_results`, a
    ``results.csv`` of runs whose folders are elsewhere, adds the rows it has that the run folders
    here do not (`read_earlier_results`).
    """
    rows = collect(output_dir)
    if earlier_results is not None:
        rows += read_earlier_results(earlier_results, rows)
        rows.sort(key=_plan_order)
    write_csv(rows, os.path.join(output_dir, "results.csv"))
    cells = summarise(rows)
    lines = ["# Reproduction report", ""]
    commands_path = os.path.join(output_dir, COMMANDS_FILE)
    if os.path.isfile(commands_path):
        lines += ["The runs below came from these commands; run one again to resume it (finished runs "
                  "are kept, not run again), or `allennlp reproduce --report DIR` to rebuild this report:", "",
                  "```"] + open(commands_path).read().splitlines() + ["```", ""]
    lines += [
        "Test-set span F1 (AllenNLP's `SpanBasedF1Measure`, conlleval-equivalent), in %. "
        "mean ± std is over the cell's finished seeds (sample standard deviation); dev F1 is the "
        "target dev F1 of the epoch kept (blank where the config has no dev set, as WNUT-2016, "
        "which trains on train + dev, and where a diagnostic run's epoch was chosen on the test "
        "file itself); decide options on dev F1, never on test F1; "
        "Δ = our mean − the paper's number (for table 2, the paper's mean over 10 runs; tables 3 "
        "to 6 report one number per cell). `results.csv` has every run.",
        "",
    ]
    experiments = OrderedDict((key[0], None) for key in cells)
    for experiment in experiments:
        lines += [f"## {experiment}", ""]
        lines += ["| target | data, setting | model | n | test F1 mean ± std | best | paper | Δ | dev F1 mean ± std | failed | unfinished |",
                  "|---|---|---|---|---|---|---|---|---|---|---|"]
        for key, cell in cells.items():
            if key[0] != experiment:
                continue
            paper = cell["paper"] or {}
            paper_text = "–"
            if paper.get("f1") is not None:
                paper_text = f"{paper['f1']:.2f}"
                if paper.get("std") is not None:
                    paper_text += f" ± {paper['std']:.2f} (best {paper['best']:.2f})"
            delta = (cell["mean"] - paper["f1"]) if cell["mean"] is not None and paper.get("f1") is not None else None
            lines.append(
                f"| {key[1]} | {_size(key)} | {key[5]} | {cell['n']} | {_mean_std(cell['mean'], cell['std'])} "
                f"| {_number(cell['best'])} | {paper_text} | {'–' if delta is None else f'{delta:+.2f}'} "
                f"| {_mean_std(cell['dev_mean'], cell['dev_std'])} | {cell['failed']} | {cell['unfinished']} |"
            )
        lines.append("")
        for plot in make_plots(output_dir, experiment, rows, cells):
            lines += [f"![{os.path.basename(plot)}]({os.path.relpath(plot, output_dir)})", ""]
        failures = [row for row in rows if row["experiment"] == experiment and row["status"] == "failed"]
        if failures:
            lines += ["Failed runs (the log's tail is in each run's `status.json`):", ""]
            for row in failures:
                lines.append(f"* `{os.path.dirname(row['serialization_dir'])}`: {row['error']}")
            lines.append("")
    path = os.path.join(output_dir, "report.md")
    temporary = f"{path}.{os.getpid()}.tmp"
    with open(temporary, "w") as report_file:
        report_file.write("\n".join(lines))
    os.replace(temporary, path)
    return path


# --- plots ---------------------------------------------------------------------------------------


def make_plots(output_dir: str, experiment: str, rows: Sequence[Dict[str, Any]], cells) -> List[str]:
    """F1 against target data (where the grid varies it) and the training curves, as PNGs."""
    import matplotlib

    matplotlib.use("Agg")
    plots = []
    mine = [row for row in rows if row["experiment"] == experiment]
    sized = [key for key in cells if key[0] == experiment and (key[2] is not None or key[3] is not None)]
    if sized:
        plots.append(_plot_f1_by_size(output_dir, experiment, sized, cells))
    # Runs whose folders are elsewhere (--earlier-results) have no curves here.
    curves = [(row, _epoch_metrics(row["serialization_dir"])) for row in mine if row["status"] == "finished"]
    curves = [(row, metrics) for row, metrics in curves if metrics]
    if curves:
        plots.append(_plot_curves(output_dir, experiment, curves))
    return plots


def _plot_f1_by_size(output_dir: str, experiment: str, keys: List[Tuple], cells) -> str:
    import matplotlib.pyplot as plt

    by_ratio = keys[0][3] is not None
    series: "OrderedDict[Tuple[str, str, str], List[Tuple]]" = OrderedDict()
    for key in keys:
        series.setdefault((key[1], key[5], key[4]), []).append(key)
    figure, axes = plt.subplots(figsize=(8, 5.5))
    colors = plt.rcParams["axes.prop_cycle"].by_key()["color"]
    # Settings of one model share the paper's numbers: one paper line per model, over the sizes
    # of all its settings, in the colour of its first.
    paper_lines: "OrderedDict[Tuple[str, str], Tuple[str, Dict]]" = OrderedDict()
    for index, ((target, model, setting), series_keys) in enumerate(series.items()):
        color = colors[index % len(colors)]
        label = " ".join(part for part in (model, setting, target if len({k[0] for k in series}) > 1 else "") if part)
        # Draw each line from the smallest size up, whatever order the runs came in.
        series_keys = sorted(series_keys, key=lambda key: key[3] if by_ratio else key[2])
        xs = [key[3] if by_ratio else key[2] for key in series_keys]
        means = [cells[key]["mean"] for key in series_keys]
        stds = [cells[key]["std"] or 0.0 for key in series_keys]
        points = [(x, m, s) for x, m, s in zip(xs, means, stds) if m is not None]
        if points:
            axes.errorbar([p[0] for p in points], [p[1] for p in points], yerr=[p[2] for p in points],
                          color=color, marker="o", capsize=3, label=f"{label} (ours)")
        paper = [(x, (cells[key]["paper"] or {}).get("f1")) for x, key in zip(xs, series_keys)]
        paper = [(x, f1) for x, f1 in paper if f1 is not None]
        if paper:
            paper_lines.setdefault((target, model), (color, {}))[1].update(paper)
    for (target, model), (color, paper) in paper_lines.items():
        label = " ".join(part for part in (model, target if len({k[0] for k in series}) > 1 else "") if part)
        xs = sorted(paper)
        axes.plot(xs, [paper[x] for x in xs], color=color, marker="x", linestyle="--", alpha=0.7,
                  label=f"{label} (paper)")
    axes.set_xscale("log")
    axes.set_xlabel("target training data ratio" if by_ratio else "target training sentences")
    axes.set_ylabel("test F1 (%)")
    axes.set_title(f"{experiment}: test F1, mean ± std over seeds")
    axes.grid(True, alpha=0.3)
    # Below the axes: with many settings a legend inside would hide the lines.
    axes.legend(fontsize=7, ncol=2, loc="upper center", bbox_to_anchor=(0.5, -0.12))
    path = os.path.join(output_dir, f"{experiment}-f1.png")
    figure.tight_layout()
    figure.savefig(path, dpi=110, bbox_inches="tight")
    plt.close(figure)
    return path


def _epoch_metrics(serialization_dir: str) -> List[Dict[str, Any]]:
    epochs = []
    for path in glob.glob(os.path.join(serialization_dir, "metrics_epoch_*.json")):
        metrics = _read_json(path)
        if metrics is not None:
            epochs.append(metrics)
    return sorted(epochs, key=lambda metrics: metrics.get("epoch", 0))


def _plot_curves(output_dir: str, experiment: str, curves: Sequence[Tuple[Dict[str, Any], List[Dict[str, Any]]]]) -> str:
    """`curves`: each run's row and its per-epoch metrics."""
    import matplotlib.pyplot as plt

    has_dev = any("validation_f1-measure-overall" in epoch for _, metrics in curves for epoch in metrics)
    figure, all_axes = plt.subplots(1, 2 if has_dev else 1, figsize=(12 if has_dev else 7, 4.5), squeeze=False)
    loss_axes = all_axes[0][0]
    colors = plt.rcParams["axes.prop_cycle"].by_key()["color"]
    labels = list(OrderedDict((_curve_label(row), None) for row, _ in curves))
    for row, metrics in curves:
        label = _curve_label(row)
        color = colors[labels.index(label) % len(colors)]
        epochs = [epoch.get("epoch", index) + 1 for index, epoch in enumerate(metrics)]
        first = row["seed"] == min(r["seed"] for r, _ in curves if _curve_label(r) == label)
        loss_axes.plot(epochs, [epoch.get("training_loss") for epoch in metrics], color=color,
                       marker=".", alpha=0.7, label=label if first else None)
        if has_dev:
            all_axes[0][1].plot(epochs, [100 * epoch.get("validation_f1-measure-overall", math.nan) for epoch in metrics],
                                color=color, marker=".", alpha=0.7, label=label if first else None)
    loss_axes.set_xlabel("epoch")
    loss_axes.set_ylabel("training loss (per batch)")
    loss_axes.set_yscale("log")
    loss_axes.set_title(f"{experiment}: training loss, one line per run")
    loss_axes.legend(fontsize=7)
    if has_dev:
        all_axes[0][1].set_xlabel("epoch")
        all_axes[0][1].set_ylabel("validation F1 (%)")
        all_axes[0][1].set_title("target dev F1 (test F1 where the label says so)")
    path = os.path.join(output_dir, f"{experiment}-curves.png")
    figure.tight_layout()
    figure.savefig(path, dpi=110)
    plt.close(figure)
    return path


def _curve_label(row: Dict[str, Any]) -> str:
    size = row.get("target_sentences") or (f"ratio {row['target_ratio']:g}" if row.get("target_ratio") else "")
    label = " ".join(str(part) for part in (row["model"], row["target"], size, row.get("setting") or "") if part)
    return label + " [validated on test]" if row.get("validates_on_test") else label
