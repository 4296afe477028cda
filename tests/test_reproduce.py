"""`allennlp reproduce`: planning, bad grids, a tiny grid on Ray end to end, resume, failures,
Ctrl-C, the report, the plots and the t-SNE figure."""

import csv
import glob
import json
import os
import signal
import subprocess
import sys
import time

import pytest
from PIL import Image

from datnet_allennlp.reproduce.experiments import (
    GridError,
    NAMED_EXPERIMENTS,
    cells_for,
    filter_cells,
    load_grid_file,
    parse_seeds,
    plan,
)
from datnet_allennlp.reproduce.report import collect, summarise
from datnet_allennlp.reproduce.runner import read_status
from tests.conftest import FIXTURES, REPOSITORY, allennlp_in_process

FIXTURE_DATA = os.path.join(FIXTURES, "data")
GRIDS = os.path.join(FIXTURES, "grids")
SHARED_DATA = os.path.normpath(os.path.join(REPOSITORY, "..", "shared", "data"))
ALLENNLP = os.path.join(os.path.dirname(sys.executable), "allennlp")


def reproduce(*args, data_dir=FIXTURE_DATA, check=True, new_process=False):
    """`allennlp reproduce ARGS`, in this process unless it trains: a grid that trains starts Ray
    and sets signal handlers, which belong to a process of their own, as they do for a user."""
    if new_process:
        env = dict(os.environ, DATNET_DATA_DIR=data_dir)
        result = subprocess.run([ALLENNLP, "reproduce", *args], cwd=REPOSITORY, env=env,
                                capture_output=True, text=True)
    else:
        result = allennlp_in_process("reproduce", *args, env={"DATNET_DATA_DIR": data_dir})
    if check:
        assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-3000:]
    return result


@pytest.fixture
def fixture_data_dir(monkeypatch):
    monkeypatch.setenv("DATNET_DATA_DIR", FIXTURE_DATA)


def write_grid(tmp_path, runs, name="grid.json"):
    path = tmp_path / name
    path.write_text(json.dumps({"runs": runs}))
    return str(path)


def grid_run(**changes):
    run = {
        "model": "Base",
        "config": os.path.join(REPOSITORY, "training_configs", "datnet_base_wnut17.jsonnet"),
        "test_file": "$DATNET_DATA_DIR/wnut2017/test.txt",
    }
    run.update(changes)
    return run


def is_image_with_content(path):
    image = Image.open(path)
    image.verify()
    image = Image.open(path).convert("RGB")
    return image.width >= 300 and image.height >= 200 and len(image.getcolors(1 << 20) or []) > 20


# --- planning ---------------------------------------------------------------------------------


@pytest.mark.skipif(not os.path.isdir(os.path.join(SHARED_DATA, "wnut2016")), reason="needs ../shared/data")
def test_dry_run_of_table3_lists_six_models_by_six_sizes_by_three_seeds():
    result = reproduce("table3-wnut16", "--seeds", "3", "--dry-run", "--output-dir", "/nonexistent/out",
                       data_dir=SHARED_DATA)
    lines = [line for line in result.stdout.splitlines() if line.startswith("table3-wnut16/")]
    assert len(lines) == 6 * 6 * 3 == len(set(lines))
    assert "108 runs planned" in result.stdout
    runs = {(line.split("/")[1].split(".")[0], line.split(".n")[1].split(".")[0], line.split(".seed")[1].split(".")[0])
            for line in lines}
    assert {model for model, _, _ in runs} == {"base", "at", "p-transfer", "f-transfer", "datnet-p", "datnet-f"}
    assert {size for _, size, _ in runs} == {"10", "50", "100", "200", "500", "1000"}
    assert {seed for _, _, seed in runs} == {"1", "2", "3"}
    assert not os.path.exists("/nonexistent/out")


def test_named_experiments_build_their_cells():
    assert len(cells_for("table2")) == 4 * 3
    assert len(cells_for("table4-wnut16")) == 14 and len(cells_for("table4-conll02_es")) == 14
    assert len(cells_for("fig2-wnut16")) == 6 * 6
    assert len(cells_for("table5-conll02_es")) == 4 * 15 and len(cells_for("table6-wnut16")) == 4 * 5
    datnet_f = [cell for cell in cells_for("table4-wnut16") if cell.model == "DATNet-F"][0]
    assert datnet_f.paper.f1 == 53.43 and datnet_f.config.endswith("datnet_f_wnut16.jsonnet")
    with_at = [cell for cell in cells_for("table4-wnut16") if cell.model == "+AT +F-T (AD)"][0]
    assert with_at.overrides == {"trainer.callbacks": [{"type": "adversarial_training"}]}
    assert all(os.path.isfile(cell.config) for name in NAMED_EXPERIMENTS for cell in cells_for(name))


def test_seeds_and_filters():
    assert parse_seeds("3") == [1, 2, 3] and parse_seeds("13,101,202") == [13, 101, 202]
    assert parse_seeds("3,") == [3]  # one seed alone, as the help says
    for bad in ("x", "0", "1,1", "1,a"):
        with pytest.raises(GridError, match="--seeds"):
            parse_seeds(bad)
    cells = cells_for("table3-wnut16")
    kept = filter_cells(cells, ["base,DATNet-F", "size=500"])
    assert [(cell.model, cell.target_sentences) for cell in kept] == [("Base", 500), ("DATNet-F", 500)]
    with pytest.raises(GridError, match=r"no run has model \['datnet-x'\]; choose from"):
        filter_cells(cells, ["DATNet-X"])
    with pytest.raises(GridError, match=r"the key 'target_sentences' must be one of \['model', 'setting', 'size', 'target'\]"):
        filter_cells(cells, ["target_sentences=500"])
    # Full-data cells have no size label; "all" selects them beside sized cells of the same grid.
    mixed = cells_for("table4-wnut16")[:1] + cells
    assert [cell.target_sentences for cell in filter_cells(mixed, ["size=all"])] == [None]
    assert [cell.target_sentences for cell in filter_cells(mixed, ["size=ALL,500", "base"])] == [None, 500]


def test_each_run_gets_the_settings_its_config_reads(fixture_data_dir):
    runs = plan(filter_cells(cells_for("table5-wnut16"), ["setting=alpha=0.5", "size=0.2"]), [4])
    assert len(runs) == 1
    # The named experiments run the paper's text, not the configs' default preset.
    assert runs[0].env == {"DATNET_ALPHA": "0.5", "DATNET_TARGET_RATIO": "0.2", "DATNET_SEED": "4",
                           "DATNET_DATA_DIR": FIXTURE_DATA, "DATNET_OPTIONS": '{"preset": "paper_text"}'}
    assert "shared_projection_dim" not in runs[0].config["model"]
    assert runs[0].name.startswith("datnet-f.wnut16.r0.2.alpha=0.5.seed4.")
    # A changed config is a different run (a new folder), not a finished one.
    other = plan(filter_cells(cells_for("table5-wnut16"), ["setting=alpha=0.55", "size=0.2"]), [4])[0]
    assert other.digest != runs[0].digest


def test_variables_in_overrides_are_expanded_per_run(tmp_path, fixture_data_dir):
    # An override can point at the data folder, which only the run's environment knows.
    grid = write_grid(tmp_path, [grid_run(
        overrides={"validation_data_path": "$DATNET_DATA_DIR/wnut2017/test.txt",
                   "trainer.callbacks": [{"type": "adversarial_training", "note": "${DATNET_SEED}"}]},
    )])
    run = plan(load_grid_file(grid), [7])[0]
    assert run.config["validation_data_path"] == os.path.join(FIXTURE_DATA, "wnut2017", "test.txt")
    assert run.config["trainer"]["callbacks"] == [{"type": "adversarial_training", "note": "7"}]


# --- bad grids are refused before anything runs -----------------------------------------------


@pytest.mark.parametrize(
    "runs, message",
    [
        ([grid_run(config="missing.jsonnet")], r"runs\[0\]|config .*missing.jsonnet does not exist"),
        ([grid_run(test_file="$DATNET_DATA_DIR/wnut2017/nope.txt")], r"test file .*nope.txt does not exist"),
        ([grid_run(target_sentences=1000, config=os.path.join(REPOSITORY, "training_configs", "datnet_base_wnut16.jsonnet"))],
         r"1000 target sentences asked for, but .*wnut2016/train.txt \+ .*wnut2016/dev.txt has only \d+"),
        ([grid_run(epochs=3)], r"runs\[0\]: unknown keys \['epochs'\]"),
        ([grid_run(config=os.path.join(GRIDS, "bad_config.jsonnet"))],
         r"grid.json: runs\[0\] \(Base\): config .*bad_config.jsonnet does not evaluate: .*DATNET_NO_SUCH_SETTING"),
        ([grid_run(target_sentences="many")], r"runs\[0\]: target_sentences must be an integer, got 'many'"),
        ([{"config": "x.jsonnet"}], r'runs\[0\]: "test_file" \(a path\) is required'),
    ],
)
def test_bad_grids_are_refused_with_the_offending_entry(tmp_path, fixture_data_dir, runs, message):
    with pytest.raises(GridError, match=message):
        plan(load_grid_file(write_grid(tmp_path, runs)), [1])


def test_bad_grid_files_and_experiments(tmp_path):
    (tmp_path / "syntax.jsonnet").write_text("{ runs: [ ")
    with pytest.raises(GridError, match="syntax.jsonnet: cannot read the grid file"):
        load_grid_file(str(tmp_path / "syntax.jsonnet"))
    (tmp_path / "empty.json").write_text('{"runs": []}')
    with pytest.raises(GridError, match='needs a non-empty "runs" list'):
        load_grid_file(str(tmp_path / "empty.json"))
    with pytest.raises(GridError, match=r"unknown experiment 'table9'.*'table4-wnut16'"):
        cells_for("table9")


def test_the_command_refuses_a_bad_grid_and_runs_nothing(tmp_path):
    grid = write_grid(tmp_path, [grid_run(), grid_run(model="Other", config="gone.jsonnet")])
    result = reproduce(grid, "--output-dir", str(tmp_path / "out"), check=False)
    assert result.returncode == 2
    assert "allennlp reproduce: error: " + grid + ": runs[1] (Other): config " in result.stderr
    assert "gone.jsonnet does not exist" in result.stderr
    assert not (tmp_path / "out").exists()


# --- a tiny grid on Ray, end to end ------------------------------------------------------------


@pytest.fixture(scope="module")
def tiny_grid(tmp_path_factory):
    """tests/fixtures/grids/tiny.jsonnet: 2 configs x 2 seeds, 1 epoch each, Ray started locally."""
    output = tmp_path_factory.mktemp("reproduce") / "out"
    result = reproduce(os.path.join(GRIDS, "tiny.jsonnet"), "--seeds", "2", "--jobs", "2",
                       "--output-dir", str(output), new_process=True)
    return output, result


def test_tiny_grid_runs_every_run_and_writes_results(tiny_grid):
    output, result = tiny_grid
    assert "4 runs: 0 finished before (skipped)" in result.stdout
    assert result.stdout.count("finished tiny/") == 4
    with open(output / "results.csv") as csv_file:
        rows = list(csv.DictReader(csv_file))
    assert [(row["model"], row["seed"], row["status"]) for row in rows] == [
        ("Base", "1", "finished"), ("Base", "2", "finished"),
        ("F-Transfer", "1", "finished"), ("F-Transfer", "2", "finished"),
    ]
    for row in rows:
        metrics = json.loads(open(os.path.join(os.path.dirname(row["serialization_dir"]), "test_metrics.json")).read())
        assert float(row["f1"]) == round(100 * metrics["f1-measure-overall"], 2)
        assert row["epochs_trained"] == "1" and row["epoch_kept"] == "0"
        assert float(row["wall_seconds"]) > 0 and os.path.isfile(os.path.join(row["serialization_dir"], "model.tar.gz"))
        run = json.loads(open(os.path.join(os.path.dirname(row["serialization_dir"]), "run.json")).read())
        assert run["env"]["DATNET_SEED"] == row["seed"] and run["overrides"]["trainer.num_epochs"] == 1
        # The run trains the config as planned (evaluated, overrides applied), not the file as it is now.
        trained = json.loads(open(os.path.join(os.path.dirname(row["serialization_dir"]), "config.json")).read())
        assert trained == run["evaluated_config"] and trained["trainer"]["num_epochs"] == 1
        assert trained["random_seed"] == int(row["seed"])


def test_report_renders_with_plots(tiny_grid):
    output, _ = tiny_grid
    report = (output / "report.md").read_text()
    assert "## tiny" in report
    assert "allennlp reproduce " + os.path.join(GRIDS, "tiny.jsonnet") + " --seeds 2 --jobs 2 --output-dir" in report
    assert "| wnut17 | all | Base | 2 |" in report and "| wnut17 | all | F-Transfer | 2 |" in report
    assert "![tiny-curves.png](tiny-curves.png)" in report
    assert is_image_with_content(output / "tiny-curves.png")


def test_a_rerun_skips_finished_runs(tiny_grid):
    output, _ = tiny_grid
    archives = sorted(glob.glob(str(output / "tiny" / "*" / "model" / "model.tar.gz")))
    before = [os.path.getmtime(path) for path in archives]
    result = reproduce(os.path.join(GRIDS, "tiny.jsonnet"), "--seeds", "2", "--output-dir", str(output))
    assert "4 runs: 4 finished before (skipped), 0 failed before" in result.stdout and "0 to run" in result.stdout
    assert [os.path.getmtime(path) for path in archives] == before
    # `--report` rewrites the report alone.
    (output / "report.md").unlink()
    reproduce("--report", str(output))
    assert "## tiny" in (output / "report.md").read_text()


def test_earlier_results_join_the_report_once(tiny_grid, tmp_path):
    output, _ = tiny_grid
    with open(output / "results.csv") as csv_file:
        rows = list(csv.DictReader(csv_file))
    assert {row["paper_f1"] for row in rows} == {"34.67", ""}
    # A results.csv written before the paper_f1 column existed, from folders that are gone.
    earlier = tmp_path / "earlier.csv"
    with open(earlier, "w", newline="") as csv_file:
        columns = [column for column in rows[0] if column != "paper_f1"]
        writer = csv.DictWriter(csv_file, fieldnames=columns, extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    reproduce("--report", str(elsewhere), "--earlier-results", str(earlier))
    report = (elsewhere / "report.md").read_text()
    assert "| wnut17 | all | Base | 2 |" in report and "| wnut17 | all | F-Transfer | 2 |" in report
    with open(elsewhere / "results.csv") as csv_file:
        kept = list(csv.DictReader(csv_file))
    assert [(row["model"], row["seed"], row["f1"]) for row in kept] == [
        (row["model"], row["seed"], row["f1"]) for row in rows
    ]
    # The runs found in the folder are not counted twice, and lend their paper number to the
    # earlier rows of their cell.
    reproduce("--report", str(output), "--earlier-results", str(earlier))
    report = (output / "report.md").read_text()
    assert "| wnut17 | all | Base | 2 |" in report and "| 34.67 |" in report
    moved = tmp_path / "moved"
    moved.mkdir()
    (moved / "tiny").mkdir()
    base_run = os.path.dirname(rows[0]["serialization_dir"])
    os.symlink(base_run, moved / "tiny" / os.path.basename(base_run))
    reproduce("--report", str(moved), "--earlier-results", str(earlier))
    assert "| wnut17 | all | Base | 2 | " in (moved / "report.md").read_text()
    assert "| 34.67 |" in (moved / "report.md").read_text()
    # A file that is not a results.csv, or the option without --report, is refused.
    bad = tmp_path / "bad.csv"
    bad.write_text("a,b\n1,2\n")
    refused = reproduce("--report", str(elsewhere), "--earlier-results", str(bad), check=False)
    assert refused.returncode == 2 and "is not a results.csv" in refused.stderr
    refused = reproduce("--earlier-results", str(earlier), check=False)
    assert refused.returncode == 2 and "--earlier-results goes with --report DIR" in refused.stderr


def test_tsne_of_a_transfer_archive(tiny_grid, tmp_path):
    output, _ = tiny_grid
    archive = glob.glob(str(output / "tiny" / "f-transfer.*seed1*" / "model" / "model.tar.gz"))[0]
    result = reproduce("--tsne", archive, "--tsne-output", str(tmp_path / "tsne.png"))
    assert "wrote" in result.stdout and is_image_with_content(tmp_path / "tsne.png")
    base = glob.glob(str(output / "tiny" / "base.*seed1*" / "model" / "model.tar.gz"))[0]
    refused = reproduce("--tsne", base, check=False)
    assert refused.returncode == 2 and "is not a transfer model" in refused.stderr


def test_a_failed_run_is_recorded_and_the_others_finish(tmp_path):
    output = tmp_path / "out"
    grid = os.path.join(GRIDS, "broken_config.json")
    result = reproduce(grid, "--seeds", "1", "--jobs", "2", "--output-dir", str(output), check=False,
                       new_process=True)
    assert result.returncode == 1 and "1 of 2 runs failed" in result.stderr
    assert "FAILED broken/broken.wnut17.seed1." in result.stdout
    with open(output / "results.csv") as csv_file:
        rows = {row["model"]: row for row in csv.DictReader(csv_file)}
    assert rows["Base"]["status"] == "finished" and rows["Broken"]["status"] == "failed"
    assert rows["Broken"]["error"] == "allennlp train exited with code 1"
    status = read_status(os.path.dirname(rows["Broken"]["serialization_dir"]))
    assert "transfer must be one of" in status["log_tail"] and "'sideways'" in status["log_tail"]
    assert "Failed runs" in (output / "report.md").read_text()
    # Failed runs are skipped on a re-run unless --retry-failed.
    again = reproduce(grid, "--seeds", "1", "--output-dir", str(output), "--retry-failed", check=False,
                      new_process=True)
    assert "1 finished before (skipped), 1 failed before (retried), 1 to run" in again.stdout


def test_ctrl_c_stops_the_grid_and_leaves_the_run_to_start_again(tmp_path):
    output = tmp_path / "out"
    grid = write_grid(tmp_path, [grid_run(overrides={"trainer.num_epochs": 1000})])
    process = subprocess.Popen([ALLENNLP, "reproduce", grid, "--seeds", "1", "--jobs", "1", "--output-dir", str(output)],
                               cwd=REPOSITORY, env=dict(os.environ, DATNET_DATA_DIR=FIXTURE_DATA),
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                               start_new_session=True)
    run_dirs = []
    deadline = time.time() + 120
    while time.time() < deadline and not run_dirs:
        time.sleep(1)
        run_dirs = [path for path in glob.glob(str(output / "grid" / "*" / "model" / "metrics_epoch_*.json"))]
    assert run_dirs, "training never got going"
    run_dir = os.path.dirname(os.path.dirname(run_dirs[0]))
    # A terminal's Ctrl-C: SIGINT to the whole foreground process group.
    os.killpg(process.pid, signal.SIGINT)
    _, stderr = process.communicate(timeout=60)
    assert process.returncode == 130 and "interrupted" in stderr
    time.sleep(2)
    assert not _training_processes(run_dir), "a training process outlived the grid"
    assert read_status(run_dir) is None  # unfinished: it runs again next time


def _training_processes(run_dir):
    found = []
    for cmdline in glob.glob("/proc/[0-9]*/cmdline"):
        try:
            text = open(cmdline, "rb").read().decode(errors="replace")
        except OSError:
            continue
        if "train" in text and run_dir in text:
            found.append(cmdline)
    return found


# --- the report's arithmetic --------------------------------------------------------------------


def test_summary_is_mean_and_sample_std_over_finished_seeds():
    rows = [
        {"experiment": "e", "target": "t", "model": "m", "status": "finished", "f1": f1, "paper": {"f1": 3.5}}
        for f1 in (1.0, 2.0, 3.0)
    ] + [{"experiment": "e", "target": "t", "model": "m", "status": "failed", "f1": None, "paper": None}]
    (cell,) = summarise(rows).values()
    assert (cell["n"], cell["mean"], cell["std"], cell["best"], cell["failed"]) == (3, 2.0, 1.0, 3.0, 1)


def test_a_run_validated_on_its_test_file_reports_no_dev_f1(tmp_path):
    # Finished run folders as the runner leaves them; one validates on dev, one on its test file.
    for name, validation in (("dev", "$DATNET_DATA_DIR/c/dev.txt"), ("test", "/data/c/test.txt")):
        folder = tmp_path / "e" / name
        (folder / "model").mkdir(parents=True)
        (folder / "model" / "model.tar.gz").write_bytes(b"")
        (folder / "status.json").write_text(json.dumps({"status": "finished", "wall_seconds": 1.0}))
        (folder / "test_metrics.json").write_text(json.dumps({"f1-measure-overall": 0.5}))
        (folder / "model" / "metrics.json").write_text(json.dumps(
            {"epoch": 4, "best_epoch": 2, "best_validation_f1-measure-overall": 0.6}))
        (folder / "run.json").write_text(json.dumps({
            "experiment": "e", "model": name, "target": "c", "seed": 1, "order": 0,
            "test_file": "$DATNET_DATA_DIR/c/test.txt", "env": {"DATNET_DATA_DIR": "/data"},
            "evaluated_config": {"validation_data_path": validation},
        }))
    rows = {row["model"]: row for row in collect(str(tmp_path))}
    assert rows["dev"]["dev_f1"] == 60.0 and not rows["dev"]["validates_on_test"]
    assert rows["test"].get("dev_f1") is None and rows["test"]["validates_on_test"]
    assert rows["test"]["f1"] == 50.0 and rows["test"]["epoch_kept"] == 2


@pytest.mark.parametrize("grid", sorted(glob.glob(os.path.join(REPOSITORY, "training_configs", "grids", "*.jsonnet"))),
                         ids=os.path.basename)
def test_committed_grid_files_plan(grid, monkeypatch):
    # Planning checks a target size (500 sentences) against the corpus: the real one where it
    # exists; with only the fixtures (2 training sentences) the sized runs are left out.
    real_data = os.path.isdir(os.path.join(SHARED_DATA, "wnut2016"))
    monkeypatch.setenv("DATNET_DATA_DIR", SHARED_DATA if real_data else FIXTURE_DATA)
    cells = load_grid_file(grid)
    if not real_data:
        cells = [cell for cell in cells if cell.target_sentences is None and cell.target_ratio is None]
    runs = plan(cells, [1])
    assert runs and all(os.path.isfile(run.cell.config) for run in runs)
    assert len({run.name for run in runs}) == len(runs)


def test_f1_by_size_plot_draws_our_means_and_the_papers_points(tmp_path):
    from datnet_allennlp.reproduce.report import make_plots

    rows = [
        {"experiment": "table3-wnut16", "target": "wnut16", "model": model, "target_sentences": size,
         "target_ratio": None, "setting": "", "seed": seed, "status": "finished",
         "f1": base + size / 100 + seed, "paper": {"f1": base + size / 90},
         "serialization_dir": str(tmp_path / "missing")}
        for model, base in (("Base", 10.0), ("DATNet-F", 20.0))
        for size in (10, 100, 1000)
        for seed in (1, 2, 3)
    ]
    plots = make_plots(str(tmp_path), "table3-wnut16", rows, summarise(rows))
    # The runs' folders are missing, so they have no training curves to draw.
    assert [os.path.basename(path) for path in plots] == ["table3-wnut16-f1.png"]
    assert is_image_with_content(plots[0])


def test_f1_by_size_plot_draws_a_models_paper_line_once_whatever_its_settings(tmp_path, monkeypatch):
    import matplotlib.axes

    from datnet_allennlp.reproduce.report import make_plots

    paper_labels = []
    plot = matplotlib.axes.Axes.plot

    def recording_plot(self, *args, **kwargs):
        if str(kwargs.get("label", "")).endswith("(paper)"):
            paper_labels.append(kwargs["label"])
        return plot(self, *args, **kwargs)

    monkeypatch.setattr(matplotlib.axes.Axes, "plot", recording_plot)
    rows = [
        {"experiment": "table3-wnut16", "target": "wnut16", "model": model, "target_sentences": size,
         "target_ratio": None, "setting": setting, "seed": 1, "status": "finished",
         "f1": 10.0 + size / 100, "paper": {"f1": base + size / 90},
         "serialization_dir": str(tmp_path / "missing")}
        for model, base in (("Base", 10.0), ("DATNet-F", 20.0))
        for setting in ("random", "first", "per_seed")
        for size in (10, 100)
    ]
    make_plots(str(tmp_path), "table3-wnut16", rows, summarise(rows))
    assert paper_labels == ["Base (paper)", "DATNet-F (paper)"]


def test_a_run_folder_is_claimed_by_one_process_at_a_time(tmp_path):
    from datnet_allennlp.reproduce.runner import BUSY, claim, execute_run, release, write_status

    folder = str(tmp_path / "run")
    assert claim(folder) and not claim(folder)  # held by this (live) process
    release(folder)
    assert claim(folder)
    release(folder)
    # A lock left by a process that is gone is taken over; one from another host is not.
    dead = subprocess.Popen(["true"])
    dead.wait()
    lock = os.path.join(folder, "running.lock")
    with open(lock, "w") as lock_file:
        json.dump({"host": os.uname().nodename, "pid": dead.pid}, lock_file)
    assert claim(folder)
    release(folder)
    with open(lock, "w") as lock_file:
        json.dump({"host": "elsewhere.example", "pid": 1}, lock_file)
    assert execute_run({}, folder, 1) == {"status": BUSY}
    os.remove(lock)
    # A run that finished since the grid was planned (another grid on the same folder) is kept.
    os.makedirs(os.path.join(folder, "model"))
    open(os.path.join(folder, "model", "model.tar.gz"), "w").close()
    open(os.path.join(folder, "test_metrics.json"), "w").write("{}")
    write_status(folder, {"status": "finished", "wall_seconds": 1.0})
    assert execute_run({}, folder, 1) == {"status": "finished", "wall_seconds": 1.0, "ended_elsewhere": True}
    assert os.path.isfile(os.path.join(folder, "model", "model.tar.gz")) and not os.path.exists(lock)


def test_without_address_ray_starts_its_own_instance_even_beside_a_running_cluster(monkeypatch, tmp_path):
    # A plain ray.init() joins a `ray start` cluster of this machine and then refuses num_cpus.
    import ray

    from datnet_allennlp.reproduce.runner import run_grid

    calls = []
    monkeypatch.setattr(ray, "init", lambda **kwargs: calls.append(kwargs))
    monkeypatch.setattr(ray, "shutdown", lambda: None)
    run_grid([], str(tmp_path), jobs=2, threads_per_job=1)
    assert calls[0]["address"] == "local" and calls[0]["num_cpus"] == 2
