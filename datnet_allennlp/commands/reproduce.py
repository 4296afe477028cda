"""
`allennlp reproduce`: runs the paper's tables (or a grid file of your own) over seeds on Ray,
resumably, and writes results.csv, report.md and plots. Also `--report DIR` (rebuild the report)
and `--tsne ARCHIVE` (the paper's figure 3).
"""

import argparse
import logging
import os
import shlex
import signal
import sys
import time
from typing import Any, Dict, List

from allennlp.commands.subcommand import Subcommand

logger = logging.getLogger(__name__)

DESCRIPTION = """Run a grid of experiments: each run is `allennlp train` then `allennlp evaluate` on
the test file, in its own folder under --output-dir, on Ray (started locally, or an existing
cluster with --address). Finished runs are never run again: re-run the same command to resume.
Named experiments: table2, table3-<target>, table4-<target>, fig2-<target> (targets wnut16,
conll02_es), table5-<target>, table6-<target> (targets wnut16, wnut17, conll02_es, conll02_nl);
or the path of a JSON/Jsonnet grid file."""


@Subcommand.register("reproduce")
class Reproduce(Subcommand):
    requires_plugins = False

    def add_subparser(self, parser: argparse._SubParsersAction) -> argparse.ArgumentParser:
        subparser = parser.add_parser(
            self.name, description=DESCRIPTION, help="Reproduce the paper's tables with seeds (DATNet)."
        )
        subparser.add_argument("experiment", nargs="?", help="a named experiment or a grid file")
        subparser.add_argument("--seeds", default="3",
                               help="a count N (seeds 1..N) or a list such as 1,2,3; one seed alone: 3,")
        subparser.add_argument("--output-dir", default="reproduce", help="where the runs and the report go")
        subparser.add_argument("--jobs", type=int, default=os.cpu_count() or 1,
                               help="runs at once (the default is this machine's cores)")
        subparser.add_argument("--threads-per-job", type=int, default=1, help="PyTorch threads of each run")
        subparser.add_argument("--only", action="append", default=[],
                               help="keep runs whose KEY is one of the VALUEs: KEY=VALUE[,VALUE] with KEY "
                                    "model, target, size (sentences, ratio, or all for full data) or setting; "
                                    "a bare VALUE names models; repeatable")
        subparser.add_argument("--dry-run", action="store_true", help="print the planned runs, run nothing")
        subparser.add_argument("--retry-failed", action="store_true", help="run failed runs again")
        subparser.add_argument("--address", help="the address of a running Ray cluster (default: start Ray here)")
        subparser.add_argument("--report", metavar="DIR", help="only rewrite DIR's results.csv, report.md and plots")
        subparser.add_argument("--earlier-results", metavar="CSV",
                               help="--report: also report the runs of this results.csv whose folders are not in DIR")
        subparser.add_argument("--tsne", metavar="ARCHIVE", help="plot a t-SNE of ARCHIVE's shared features (Fig. 3)")
        subparser.add_argument("--tsne-sentences", type=int, default=500, help="--tsne: sentences per resource")
        subparser.add_argument("--tsne-source", help="--tsne: source CoNLL file (default: the archive's source training file)")
        subparser.add_argument("--tsne-target", help="--tsne: target CoNLL file (default: the archive's target training file)")
        subparser.add_argument("--tsne-output", help="--tsne: the PNG to write (default: next to the archive)")
        subparser.set_defaults(func=main)
        return subparser


def main(args: argparse.Namespace) -> None:
    # Plugins are imported by `allennlp` before this runs; the grid code needs our package loaded.
    import datnet_allennlp  # noqa: F401
    from datnet_allennlp.reproduce.experiments import GridError

    try:
        if args.earlier_results and not args.report:
            raise GridError("--earlier-results goes with --report DIR")
        if args.tsne:
            from datnet_allennlp.reproduce.tsne import plot_tsne

            path = plot_tsne(args.tsne, args.tsne_sentences, args.tsne_source, args.tsne_target, args.tsne_output)
            print(f"wrote {path}")
        elif args.report:
            from datnet_allennlp.reproduce.report import write_report

            if not os.path.isdir(args.report):
                raise GridError(f"--report: {args.report} is not a folder")
            print(f"wrote {write_report(args.report, args.earlier_results)}")
        elif args.experiment:
            reproduce(args)
        else:
            raise GridError("name an experiment or a grid file (or give --report DIR or --tsne ARCHIVE)")
    except GridError as error:
        print(f"allennlp reproduce: error: {error}", file=sys.stderr)
        sys.exit(2)


def reproduce(args: argparse.Namespace) -> None:
    from datnet_allennlp.reproduce.experiments import GridError, cells_for, describe, filter_cells, parse_seeds, plan
    from datnet_allennlp.reproduce.report import record_command, write_report
    from datnet_allennlp.reproduce.runner import FAILED, FINISHED, read_status, run_dir

    if args.jobs < 1 or args.threads_per_job < 1:
        raise GridError("--jobs and --threads-per-job must be at least 1")
    seeds = parse_seeds(args.seeds)
    runs = plan(filter_cells(cells_for(args.experiment), args.only), seeds)
    output_dir = os.path.abspath(args.output_dir)
    if args.dry_run:
        for line in describe(runs):
            print(line)
        print(f"{len(runs)} runs planned in {output_dir}")
        return

    statuses = {run: read_status(run_dir(output_dir, run)) for run in runs}
    finished = [run for run in runs if (statuses[run] or {}).get("status") == FINISHED]
    failed = [run for run in runs if (statuses[run] or {}).get("status") == FAILED]
    to_run = [run for run in runs if statuses[run] is None or (args.retry_failed and run in failed)]
    print(
        f"{len(runs)} runs: {len(finished)} finished before (skipped), {len(failed)} failed before "
        f"({'retried' if args.retry_failed else 'skipped; --retry-failed runs them again'}), "
        f"{len(to_run)} to run, {args.jobs} at a time with {args.threads_per_job} thread(s) each"
    )
    os.makedirs(output_dir, exist_ok=True)
    command = "allennlp reproduce " + " ".join(shlex.quote(argument) for argument in sys.argv[2:])
    record_command(output_dir, command)
    if to_run:
        _run_with_progress(to_run, output_dir, args)
    report = write_report(output_dir)
    print(f"wrote {os.path.join(output_dir, 'results.csv')} and {report}")
    failed = [run for run in runs if (read_status(run_dir(output_dir, run)) or {}).get("status") == FAILED]
    if failed:
        print(f"{len(failed)} of {len(runs)} runs failed (see report.md; --retry-failed runs them again)",
              file=sys.stderr)
        sys.exit(1)


def _run_with_progress(runs: List[Any], output_dir: str, args: argparse.Namespace) -> None:
    from tqdm import tqdm

    from datnet_allennlp.reproduce.report import write_report
    from datnet_allennlp.reproduce.runner import BUSY, FINISHED, run_dir, run_grid

    progress = tqdm(total=len(runs), unit="run", desc="reproduce", dynamic_ncols=True)
    counts = {"finished": 0, "failed": 0, "elsewhere": 0}

    def on_finish(run, status: Dict[str, Any]) -> None:
        minutes = (status.get("wall_seconds") or 0) / 60
        if status["status"] == BUSY or status.get("ended_elsewhere"):
            counts["elsewhere"] += 1
            what = "another process is running it" if status["status"] == BUSY else f"it {status['status']} elsewhere"
            progress.write(f"skipped {run.relative_dir}: {what}")
        elif status["status"] == FINISHED:
            counts["finished"] += 1
            f1 = _test_f1(run_dir(output_dir, run))
            progress.write(f"finished {run.relative_dir}: test F1 {f1:.2f} ({minutes:.1f} min)")
        else:
            counts["failed"] += 1
            progress.write(f"FAILED {run.relative_dir}: {status.get('error')} (log: {run_dir(output_dir, run)}/log.txt)")
        progress.update(1)
        # The report is rewritten as runs finish, so an interrupted grid still has one.
        write_report(output_dir)

    def stop(signum, frame):
        raise KeyboardInterrupt

    # `kill` (SIGTERM) stops the grid as cleanly as Ctrl-C; so does Ctrl-C in a shell that started
    # the command in the background (which ignores SIGINT there).
    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    started = time.time()
    try:
        run_grid(runs, output_dir, args.jobs, args.threads_per_job, args.address, on_finish, args.retry_failed)
    except KeyboardInterrupt:
        progress.close()
        print(
            f"\ninterrupted: {counts['finished']} runs finished in this session are kept; the "
            f"unfinished ones run again when you repeat the command.", file=sys.stderr
        )
        write_report(output_dir)
        sys.exit(130)
    progress.close()
    elsewhere = f", {counts['elsewhere']} left to another process" if counts["elsewhere"] else ""
    print(f"{counts['finished']} finished, {counts['failed']} failed{elsewhere} in {(time.time() - started) / 60:.1f} min")


def _test_f1(directory: str) -> float:
    import json

    with open(os.path.join(directory, "test_metrics.json")) as metrics_file:
        return 100.0 * json.load(metrics_file)["f1-measure-overall"]
