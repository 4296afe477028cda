"""
Runs a grid on Ray: each run is `allennlp train` then `allennlp evaluate` on the test file, as its
own process with a bounded number of threads, in its own folder under the output directory.

A run folder holds ``run.json`` (what runs), ``config.json`` (the evaluated config it trains),
``log.txt`` (both commands' output), ``model/`` (the serialization directory), then
``test_metrics.json`` and ``status.json``. A run is finished when
``model/model.tar.gz`` and ``test_metrics.json`` exist and ``status.json`` says so; a failed run
has ``status.json`` with its error; anything else is unfinished and starts again from scratch.
"""

import ctypes
import json
import logging
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from typing import Any, Callable, Dict, List, Optional, Sequence

from datnet_allennlp.reproduce.experiments import Run, expand

logger = logging.getLogger(__name__)

FINISHED = "finished"
FAILED = "failed"
# Returned (never written) when another process holds the run folder.
BUSY = "busy"
LOG_TAIL_LINES = 40
LOCK_FILE = "running.lock"


def run_dir(output_dir: str, run: Run) -> str:
    return os.path.join(output_dir, run.relative_dir)


def read_status(directory: str) -> Optional[Dict[str, Any]]:
    """The run's status.json, or None for a run that has not ended (or never started)."""
    try:
        with open(os.path.join(directory, "status.json")) as status_file:
            status = json.load(status_file)
    except (OSError, ValueError):
        return None
    if status.get("status") == FINISHED and not (
        os.path.isfile(os.path.join(directory, "model", "model.tar.gz"))
        and os.path.isfile(os.path.join(directory, "test_metrics.json"))
    ):
        return None
    return status


def claim(directory: str) -> bool:
    """
    Takes the run folder for this process (``running.lock`` with host and pid), so that two grids
    sharing an output folder never run the same run at once. False if a live process holds it; a
    lock whose process is gone is taken over. A lock from another host counts as live (delete it
    by hand if that host died).
    """
    os.makedirs(directory, exist_ok=True)
    path = os.path.join(directory, LOCK_FILE)
    for _ in range(2):
        try:
            descriptor = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY)
        except FileExistsError:
            if _lock_is_live(path):
                return False
            os.remove(path)
            continue
        with os.fdopen(descriptor, "w") as lock_file:
            json.dump({"host": socket.gethostname(), "pid": os.getpid()}, lock_file)
        return True
    return False


def _lock_is_live(path: str) -> bool:
    try:
        with open(path) as lock_file:
            holder = json.load(lock_file)
    except (OSError, ValueError):
        return False
    if holder.get("host") != socket.gethostname():
        return True
    try:
        os.kill(int(holder["pid"]), 0)
    except ProcessLookupError:
        return False
    except (PermissionError, KeyError, ValueError, TypeError):
        return True
    return True


def release(directory: str) -> None:
    path = os.path.join(directory, LOCK_FILE)
    try:
        with open(path) as lock_file:
            holder = json.load(lock_file)
        if holder == {"host": socket.gethostname(), "pid": os.getpid()}:
            os.remove(path)
    except (OSError, ValueError):
        pass


def _die_with_parent() -> None:
    # Linux: the training process gets SIGKILL when the Ray worker that started it dies, so no run
    # outlives a cancelled grid.
    try:
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


def _run_command(command: List[str], env: Dict[str, str], log_file, cwd: str) -> int:
    """Runs one command, its output appended to the log; on interruption, kills it and re-raises."""
    log_file.write(f"$ {' '.join(command)}\n")
    log_file.flush()
    process = subprocess.Popen(
        command, stdout=log_file, stderr=subprocess.STDOUT, env=env, cwd=cwd,
        start_new_session=True, preexec_fn=_die_with_parent,
    )
    try:
        while True:
            try:
                return process.wait(timeout=1.0)
            except subprocess.TimeoutExpired:
                continue
    except BaseException:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
        raise


def log_tail(directory: str, lines: int = LOG_TAIL_LINES) -> str:
    try:
        with open(os.path.join(directory, "log.txt"), errors="replace") as log_file:
            return "".join(log_file.readlines()[-lines:])
    except OSError:
        return ""


def execute_run(run_json: Dict[str, Any], directory: str, threads: int, retry_failed: bool = False) -> Dict[str, Any]:
    """
    Trains and evaluates one run in `directory` (whatever an earlier, unfinished attempt left
    there is removed first) and writes its status.json. Runs in a Ray worker, or anywhere. A run
    that another process is running, or that ended since the grid was planned, is left alone.
    """
    if not claim(directory):
        return {"status": BUSY}
    try:
        ended = read_status(directory)
        if ended and (ended["status"] == FINISHED or not retry_failed):
            return dict(ended, ended_elsewhere=True)
        return _train_and_evaluate(run_json, directory, threads)
    finally:
        release(directory)


def _train_and_evaluate(run_json: Dict[str, Any], directory: str, threads: int) -> Dict[str, Any]:
    model_dir = os.path.join(directory, "model")
    for leftover in ("model", "test_metrics.json", "status.json", "log.txt", "config.json"):
        path = os.path.join(directory, leftover)
        if os.path.isdir(path):
            shutil.rmtree(path)
        elif os.path.exists(path):
            os.remove(path)
    os.makedirs(directory, exist_ok=True)
    with open(os.path.join(directory, "run.json"), "w") as spec_file:
        json.dump(run_json, spec_file, indent=2)

    env = dict(os.environ)
    env.update(run_json["env"])
    for variable in ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS"):
        env[variable] = str(threads)
    env["PYTHONUNBUFFERED"] = "1"
    allennlp = os.path.join(os.path.dirname(sys.executable), "allennlp")
    test_file = expand(run_json["test_file"], run_json["env"])
    # Train what was planned (and digested), whatever happened to the config file since.
    config_file = os.path.join(directory, "config.json")
    with open(config_file, "w") as config_out:
        json.dump(run_json["evaluated_config"], config_out, indent=2)
    train = [allennlp, "train", config_file, "-s", model_dir, "--file-friendly-logging",
             "--include-package", "datnet_allennlp"]
    evaluate = [allennlp, "evaluate", os.path.join(model_dir, "model.tar.gz"), test_file,
                "--output-file", os.path.join(directory, "test_metrics.json"),
                "--include-package", "datnet_allennlp"]

    start = time.time()
    with open(os.path.join(directory, "log.txt"), "a") as log_file:
        code = _run_command(train, env, log_file, directory)
        failed_step = "allennlp train" if code else None
        if not code:
            code = _run_command(evaluate, env, log_file, directory)
            failed_step = "allennlp evaluate" if code else None
    status: Dict[str, Any] = {"status": FINISHED, "wall_seconds": round(time.time() - start, 1)}
    if failed_step:
        status.update(status=FAILED, error=f"{failed_step} exited with code {code}",
                      log_tail=log_tail(directory))
    write_status(directory, status)
    return status


def write_status(directory: str, status: Dict[str, Any]) -> None:
    os.makedirs(directory, exist_ok=True)
    path = os.path.join(directory, "status.json")
    with open(path + ".tmp", "w") as status_file:
        json.dump(status, status_file, indent=2)
    os.replace(path + ".tmp", path)


def run_grid(
    runs: Sequence[Run],
    output_dir: str,
    jobs: int,
    threads_per_job: int,
    address: Optional[str] = None,
    on_finish: Optional[Callable[[Run, Dict[str, Any]], None]] = None,
    retry_failed: bool = False,
) -> None:
    """
    Runs `runs` on Ray, at most `jobs` at a time, calling `on_finish(run, status)` as each one
    ends. Ray starts locally (this machine's cores) unless `address` names a running cluster; then
    `output_dir` must be a folder every node sees at the same path. Ctrl-C cancels the runs in
    flight (their folders stay unfinished and run again next time) and re-raises.
    """
    import ray

    if address:
        ray.init(address=address, logging_level=logging.ERROR, log_to_driver=False)
    else:
        # "local": a new instance even where a `ray start` cluster runs on this machine, which a
        # plain ray.init() would join, refusing num_cpus.
        ray.init(
            address="local", num_cpus=jobs * threads_per_job, include_dashboard=False, log_to_driver=False,
            logging_level=logging.ERROR, object_store_memory=100 * 1024 * 1024,
        )
    remote_run = ray.remote(num_cpus=threads_per_job, max_retries=0)(execute_run)
    waiting = list(runs)
    in_flight: Dict[Any, Run] = {}
    try:
        while waiting or in_flight:
            while waiting and len(in_flight) < jobs:
                run = waiting.pop(0)
                ref = remote_run.remote(run.to_json(), run_dir(output_dir, run), threads_per_job, retry_failed)
                in_flight[ref] = run
            done, _ = ray.wait(list(in_flight), num_returns=1, timeout=1.0)
            for ref in done:
                run = in_flight.pop(ref)
                try:
                    status = ray.get(ref)
                except Exception as error:  # the worker died (killed, out of memory, ...)
                    status = {"status": FAILED, "error": f"the Ray task failed: {error}",
                              "log_tail": log_tail(run_dir(output_dir, run))}
                    write_status(run_dir(output_dir, run), status)
                    release(run_dir(output_dir, run))
                if on_finish:
                    on_finish(run, status)
    except BaseException:
        for ref in in_flight:
            ray.cancel(ref)
        # Give the cancelled runs a moment to stop their training processes.
        ray.wait(list(in_flight), num_returns=len(in_flight), timeout=15.0)
        raise
    finally:
        ray.shutdown()
