"""Benchmark: every performance figure of the project in one run, each beside its target.

Usage: .venv/bin/python benchmarks/bench_performance.py [--quick] [--skip-1m] [--repeats R]

``--quick`` is a smoke run (fewer weeks and repeats, a short comparison; under a minute), whose
figures are only indicative; ``--skip-1m`` leaves out the 1,000,000-person runs; ``--repeats``
sets how many runs the median is taken over (default 3; 1 with ``--quick``). Progress goes to
stderr, the tables to stdout. The default run takes a few minutes on 2 cores, plus about three
more for the 1,000,000-person run.

BLAS and OpenMP are held to one thread (``OMP_NUM_THREADS``, ``OPENBLAS_NUM_THREADS``,
``MKL_NUM_THREADS`` and the like are set to 1 before numpy is imported, and child processes
inherit them): every figure except the runs per minute of several workers is for one core.

The figures:

1. **Microseconds per person-week** of the default scenario (``Params().replace({"org.employees":
   n, "run.steps": 104})``) at n = 1,000, 10,000, 100,000 (median of ``--repeats`` runs, seeds
   1, 2, ...) and 1,000,000 (one run, in a fresh process, see 2). Set-up (``LearningModel(params,
   seed=s)``: building the organisation, the initial state and the agents) is timed apart from
   the run (``model.run()``); the cost per person-week is the run's time divided by people x
   weeks. Target: 100,000 people x 104 weeks in under 6 s. If the engine is slow, the
   1,000,000-person run has fewer weeks (so that it takes about three minutes) and its full
   104-week time is scaled from them, which the output says.
2. **Peak memory per person**: the peak resident memory (``VmHWM``, else ``ru_maxrss``) of a
   fresh process that imports ``sim.experiments.tasks``, builds the model, runs it and computes
   its time series and run KPIs (what ``sim.experiments.tasks.execute`` does, the procedure of
   ``sim.experiments.memory.measure_run_memory``), minus the peak of a 2-person, 1-week run
   (the interpreter with numpy, scipy and mesa imported, about 150 MiB whatever the
   organisation), divided by the number of people, at 100,000 and 1,000,000 people (KB = 1,024
   bytes); the whole peak per person is printed beside it. Target: at most 1 KB per person at
   100,000.
3. **Organisation generation** at 100,000 people: the synthetic organisation
   (``build_organisation(params.org, Streams(seed)["org"])``), and one from a chart: invented
   employees and collaboration CSVs written as ``bench_chart.py`` writes them, read, checked and
   built (uncached). Target: under 10 s each.
4. **Runs per minute** of the default comparison: the wall time of ``orglearn compare
   scenarios/default.toml --replications R --strategies small_groups_first,org_wide_first
   --workers W`` as a subprocess (start-up, runs and report), with 1 and 2 workers; R is chosen
   so that the 2-worker comparison runs for at least about 20 s. Targets: at least 500 runs per
   minute on 2 workers, and 2 workers at least 1.9 times as fast as 1.
5. **Ratio against a per-agent reference**: ``tests.reference.ReferenceModel`` (a Mesa model
   with one agent object and ``step`` methods per person and community, the same rules) and the
   engine run side by side in this process on the same organisation, at 1,000 and at 10,000
   people x 26 weeks; the ratio of their run times per person-week. Target: the engine at
   least 30 times faster at 10,000 (at 1,000 the engine's fixed cost per week dominates, and
   the ratio is printed for information).
6. **Ratio against a plain numpy bound**: :func:`numpy_bound` does comparable work per week in
   the lean fixed-shape way an optimised engine would; the engine's cost per person-week at
   100,000 divided by the bound's. Target: at most 1.5.

A figure that cannot be measured (the schema does not allow 1,000,000 employees, the reference
model does not exist, a run failed) is printed as ``n/a (reason)``. A summary table ends the
output: figure, measured, target, met.
"""

from __future__ import annotations

import os

os.environ.update(dict.fromkeys(
    ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "BLIS_NUM_THREADS",
     "VECLIB_MAXIMUM_THREADS", "NUMEXPR_NUM_THREADS"), "1"))

import argparse
import math
import re
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import scipy.sparse as sp
from bench_chart import write_files
from timing import machine

from sim import LearningModel, ParameterError, Params
from sim.engine.rng import Streams
from sim.experiments.memory import measure_run_memory
from sim.org.build import build_organisation

ROOT = Path(__file__).resolve().parent.parent
"""The project root (holds ``scenarios/`` and ``tests/``)."""

FULL_WEEKS = 104
"""Weeks of the default scenario, and of the run-time target."""

SIZES = (1_000, 10_000, 100_000)
"""Organisation sizes timed in this process (1,000,000 runs in a fresh process)."""

MILLION = 1_000_000

MILLION_SECONDS = 180.0
"""Longest the 1,000,000-person run should take; above it, fewer weeks are run and scaled."""

COMPARE_SECONDS = 20.0
"""Least wall time of the 2-worker comparison (the 1-worker one takes about twice as long)."""

COMPARE_STRATEGIES = "small_groups_first,org_wide_first"

REFERENCE_SIZES = (1_000, 10_000)
"""Organisation sizes of the side-by-side runs with the per-agent reference (the target is for
the last)."""

REFERENCE_WEEKS = 26

KB = 1024

_STARTED = time.perf_counter()


def log(message: str) -> None:
    """Print a progress line with the elapsed time to stderr."""
    print(f"[{time.perf_counter() - _STARTED:7.1f} s] {message}", file=sys.stderr, flush=True)


@dataclass
class Figure:
    """One row of the summary table.

    Attributes:
        name: What is measured.
        measured: The measurement as printed (or ``n/a (reason)``).
        target: The target as printed, ``—`` if the figure has none.
        met: Whether the target is met; ``None`` if there is no target or no measurement.
    """

    name: str
    measured: str
    target: str = "—"
    met: bool | None = None


def default_params(n: int, weeks: int) -> Params | str:
    """The default scenario with ``n`` employees and ``weeks`` weeks, or why it is not allowed.

    Returns:
        The parameters, or ``"n/a (schema cap)"`` if the schema does not allow ``n`` employees.

    Raises:
        ParameterError: If another value is rejected.
    """
    try:
        return Params().replace({"org.employees": n, "run.steps": weeks})
    except ParameterError as error:
        if "org.employees" in str(error):
            return "n/a (schema cap)"
        raise


def us_per_person_week(seconds: float, n: int, weeks: int) -> float:
    """Microseconds per person-week of a run of ``n`` people over ``weeks`` weeks."""
    return 1e6 * seconds / (n * weeks)


# --- 1. time per person-week ---------------------------------------------------------------------


def time_engine(params: Params, repeats: int) -> tuple[float, float]:
    """Median set-up and run seconds of the engine over seeds 1..repeats, in this process."""
    setups, runs = [], []
    for seed in range(1, repeats + 1):
        t0 = time.perf_counter()
        model = LearningModel(params, seed=seed)
        t1 = time.perf_counter()
        model.run()
        t2 = time.perf_counter()
        setups.append(t1 - t0)
        runs.append(t2 - t1)
        del model
    return statistics.median(setups), statistics.median(runs)


# --- 2. memory (and the 1,000,000-person run), in a fresh process --------------------------------

def fresh_run(values: dict[str, Any], timeout: float) -> dict[str, float]:
    """Run the default scenario with ``values`` changed in a fresh process.

    :func:`sim.experiments.memory.measure_run_memory`: what executing one task does, with the
    set-up and the weeks timed apart, then the peak resident memory.

    Returns:
        ``{"peak": bytes, "baseline": bytes after the imports, "setup": s, "run": s, ...}``.

    Raises:
        RuntimeError: If the child fails (its last line of stderr says why).
        subprocess.TimeoutExpired: If it takes longer than ``timeout``.
    """
    try:
        return measure_run_memory(values, timeout=timeout)
    except subprocess.CalledProcessError as error:
        lines = (error.stderr or "").strip().splitlines() or [f"exit status {error.returncode}"]
        raise RuntimeError(lines[-1]) from None


def failure(error: Exception) -> str:
    """The ``n/a`` text of a fresh run that failed or took too long."""
    if isinstance(error, subprocess.TimeoutExpired):
        return f"n/a (run took over {error.timeout:.0f} s)"
    return f"n/a (run failed: {error})"


def million_plan(us_100k: float | None, quick: bool) -> int:
    """Weeks of the 1,000,000-person run: 104 if it should take under three minutes, else fewer.

    Args:
        us_100k: The engine's microseconds per person-week at 100,000 (``None`` if unknown).
        quick: A smoke run: 2 weeks.
    """
    if quick:
        return 2
    if us_100k is None:
        return FULL_WEEKS
    seconds_per_week = 1.15 * us_100k * MILLION / 1e6  # a little slower per person at 1M
    if seconds_per_week * FULL_WEEKS <= MILLION_SECONDS:
        return FULL_WEEKS
    return max(4, int(MILLION_SECONDS / seconds_per_week))


def memory_fits(params: Params) -> str | None:
    """Why a run of ``params`` should not be started here (its estimate exceeds the memory)."""
    try:
        from sim.engine.memory_limit import available_memory
        from sim.engine.resources import estimate_run_memory, format_bytes
        estimate, available = estimate_run_memory(params).total, available_memory()
    except Exception:  # an estimate that fails must not stop the measurement
        return None
    if estimate > 0.9 * available:
        return (f"n/a (estimated {format_bytes(estimate)}, above the "
                f"{format_bytes(available)} available)")
    return None


# --- 3. organisation generation -------------------------------------------------------------------


def time_synthetic(n: int, repeats: int) -> float:
    """Median seconds to build the synthetic organisation of the default scenario at ``n``."""
    org = Params().replace({"org.employees": n}).org
    times = []
    for seed in range(1, repeats + 1):
        started = time.perf_counter()
        build_organisation(org, Streams(seed)["org"])
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def time_chart(n: int, repeats: int) -> tuple[float, float, float]:
    """Seconds to write chart CSVs of ``n`` people, and median seconds to read + build them.

    Returns:
        ``(write seconds, read + check + build seconds, mean ties per person)``; the files are
        read uncached every time (their modification time is changed before each build).
    """
    with tempfile.TemporaryDirectory() as folder:
        started = time.perf_counter()
        employees, ties = write_files(Path(folder), n, np.random.default_rng(n))
        written = time.perf_counter() - started
        org = Params().replace({"org.chart": str(employees),
                                "org.collaboration": str(ties)}).org
        times, degree = [], 0.0
        for seed in range(1, repeats + 1):
            stamp = time.time_ns()
            for path in (employees, ties):
                os.utime(path, ns=(stamp, stamp))
            started = time.perf_counter()
            built = build_organisation(org, Streams(seed)["org"])
            times.append(time.perf_counter() - started)
            degree = built.ties.nnz / built.n
    return written, statistics.median(times), degree


# --- 4. runs per minute ---------------------------------------------------------------------------


def orglearn_command() -> list[str]:
    """The command that runs the ``orglearn`` CLI with this interpreter."""
    script = Path(sys.executable).with_name("orglearn")
    if script.exists():
        return [str(script)]
    return [sys.executable, "-c", "from sim.cli import main; main()"]


def time_compare(replications: int, workers: int) -> tuple[float, int, str]:
    """Wall time of the default comparison of two strategies, as a subprocess.

    Returns:
        ``(seconds, runs, the CLI's own "N runs in S s" line or "")``.

    Raises:
        RuntimeError: If the command fails (its last line of stderr says why).
    """
    with tempfile.TemporaryDirectory() as folder:
        command = orglearn_command() + [
            "compare", "scenarios/default.toml", "--replications", str(replications),
            "--strategies", COMPARE_STRATEGIES, "--workers", str(workers),
            "--out", str(Path(folder) / "out")]
        started = time.perf_counter()
        done = subprocess.run(command, capture_output=True, text=True, cwd=ROOT)
        seconds = time.perf_counter() - started
    if done.returncode != 0:
        lines = (done.stderr + done.stdout).strip().splitlines() or [
            f"exit status {done.returncode}"]
        raise RuntimeError(lines[-1])
    own = re.search(r"(\d+) runs in ([\d.]+) s", done.stdout)
    return seconds, replications * len(COMPARE_STRATEGIES.split(",")), own.group(0) if own else ""


# --- 5. per-agent reference -----------------------------------------------------------------------


def load_reference() -> tuple[Any, str]:
    """``tests.reference.ReferenceModel``, or ``None`` and why it cannot be imported."""
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    try:
        from tests.reference import ReferenceModel
    except ImportError as error:
        missing = getattr(error, "name", None) in ("tests", "tests.reference")
        return None, ("n/a (reference not found)" if missing
                      else f"n/a (reference not importable: {error})")
    return ReferenceModel, ""


def organisation(params: Params, seed: int) -> Any:
    """The organisation a run of ``params`` with ``seed`` builds (a new copy each call)."""
    return build_organisation(params.org, Streams(seed)["org"])


def make_reference(reference: Any, params: Params, seed: int, org: Any) -> Any:
    """``reference(params, seed, org=org)``, or with ``seed=`` if it takes the seed by keyword."""
    try:
        return reference(params, seed, org=org)
    except TypeError:
        return reference(params, seed=seed, org=org)


def compare_series(engine: dict[str, np.ndarray], reference: Any) -> str:
    """How the reference's time series agree with the engine's (common KPIs)."""
    try:
        other = {k: np.asarray(v, float) for k, v in dict(reference).items()}
    except (TypeError, ValueError):
        return "reference time series not comparable"
    common = [k for k in engine if k in other and np.shape(engine[k]) == np.shape(other[k])]
    if not common:
        return "no KPI in common with the engine's time series"
    worst = max(float(np.nanmax(np.abs(np.asarray(engine[k], float) - other[k]), initial=0.0))
                for k in common)
    return (f"{len(common)} KPI series in common; largest difference {worst:.3g}"
            + (" (identical)" if worst == 0 else ""))


def time_reference(reference: Any, n: int, weeks: int, repeats: int) -> dict[str, Any]:
    """Engine and reference side by side on the same organisation: n people, ``weeks`` weeks.

    Each repeat ``s`` (seeds 1..repeats; the reference once if it takes over 5 s) builds the
    organisation of seed ``s`` afresh for each model and times its set-up and run.

    Returns:
        Median set-up and run seconds of both, and how their time series agree (seed 1).
    """
    params = Params().replace({"org.employees": n, "run.steps": weeks})
    out: dict[str, list[float]] = {k: [] for k in ("engine_setup", "engine_run",
                                                   "ref_setup", "ref_run")}
    agreement = ""
    for seed in range(1, repeats + 1):
        org = organisation(params, seed)
        t0 = time.perf_counter()
        engine = LearningModel(params, seed=seed, org=org)
        t1 = time.perf_counter()
        engine.run(weeks)
        t2 = time.perf_counter()
        out["engine_setup"].append(t1 - t0)
        out["engine_run"].append(t2 - t1)
        if seed == 1 or out["ref_run"][-1] < 5.0:
            org = organisation(params, seed)
            t0 = time.perf_counter()
            model = make_reference(reference, params, seed, org)
            t1 = time.perf_counter()
            model.run(weeks)
            t2 = time.perf_counter()
            out["ref_setup"].append(t1 - t0)
            out["ref_run"].append(t2 - t1)
            if seed == 1:
                try:
                    agreement = compare_series(engine.timeseries(), model.timeseries())
                except Exception as error:  # the agreement is a side note, not a figure
                    agreement = f"time series not compared ({error})"
    result: dict[str, Any] = {k: statistics.median(v) for k, v in out.items()}
    result["agreement"] = agreement
    result["ref_repeats"] = len(out["ref_run"])
    return result


# --- 6. plain numpy bound -------------------------------------------------------------------------


def numpy_bound(ties: sp.csr_array, weeks: int, seed: int, m: int = 30,
                communities: int = 64) -> float:
    """Seconds of ``weeks`` weeks of a lean, fixed-shape numpy model of the engine's main work.

    The lower bound the engine is measured against: roughly the work one week of the default
    scenario must do, written as plainly as numpy allows, with every array of a fixed shape.

    Set-up (not timed): ``n = ties.shape[0]`` people with int8 beliefs ``(n, m)`` in
    {-1, 0, +1} and an int8 reality ``(m,)`` in {-1, +1}; the ties' CSR arrays (int32 column
    indices, float32 trust) and, for the peer pick, each tie's cumulative trust within its row
    over the row's total (float32; above 1 for a row's last tie) and each tie's row; each
    person's total trust; 5% of the people
    participating, 10% aware, a tenth of the participants contributors; one of ``communities``
    communities per person, whose int8 code ``(communities, m)`` participants learn from.

    Each week (timed), from one ``numpy.random.Generator`` (PCG64):

    1. **scores**: ``(beliefs == reality)`` counted per person (a float32 matrix-vector
       product with a vector of ones);
    2. **draws**: five float32 uniforms per person (peer pick, meeting partner, awareness,
       joining, attendance) and three float32 uniform fields of ``(n, m)`` (peer learning,
       meeting learning, code socialisation), all drawn whatever the state;
    3. **peer learning**: one tie per person in proportion to trust (inverse CDF: the number
       of the row's ties whose cumulative share is below the person's uniform, counted with
       ``np.add.reduceat`` over all ties); where the colleague scores better, each dimension on
       which their belief is non-zero and differs moves one step toward it with chance
       ``peer_learning_rate * trust * safety * (1 - competitiveness)`` (full ``(n, m)`` arrays);
    4. **attendance**: each participant attends with chance 0.6;
    5. **meeting learning**: each attendee meets an attendee drawn uniformly; where that one is
       a contributor and scores better, the same step-toward update with chance
       ``meeting_learning_rate * safety``, on the attendees' rows;
    6. **code socialisation**: each participant moves toward their community's code, on
       dimensions where it is non-zero and differs, with chance ``socialisation_rate`` (times
       ``reading_socialisation`` without a meeting), on the participants' rows;
    7. **update**: the proposals are summed per (person, dimension) and beliefs move one step in
       the sign of the sum (int8, clipped to {-1, 0, +1});
    8. **exposure and participation**: one sparse matrix-vector product ``ties @ participating``
       (scipy CSR, float32) over each person's total trust gives the trust-weighted share of
       participating ties; people become aware with chance ``0.02 + 0.2 * share``, aware
       non-participants join with chance ``p + q * share`` (the Bass hazard of
       ``participation``), and joiners become participants of their community;
    9. **KPIs**: the means of score / m, participating, aware, attending and contributing.

    It leaves out what the engine does besides: acting on beliefs (guesses on zero beliefs),
    standards, exploration, code learning, turnover, turbulence, the engagement ladder, fatigue
    and drop-out, community energy and choice among several communities, the second tie matrix,
    and the rest of the KPIs. The rates are the schema defaults; they do not change the work,
    which is the same every week.

    Args:
        ties: ``(n, n)`` CSR tie matrix with positive trust (the engine's organisation's).
        weeks: Weeks to run.
        seed: Seed of the generator.
        m: Dimensions.
        communities: Communities (codes).

    Returns:
        The seconds the ``weeks`` weeks took.
    """
    defaults = Params()
    kp, culture, pp = defaults.knowledge, defaults.culture, defaults.participation
    peer_rate = np.float32(kp.peer_learning_rate * culture.psychological_safety
                           * (1.0 - culture.competitiveness))
    meet_rate = np.float32(kp.meeting_learning_rate * culture.psychological_safety)
    code_rate = np.float32(kp.socialisation_rate)
    reading = np.float32(kp.reading_socialisation)
    join_p, join_q = np.float32(pp.spontaneous_join_rate), np.float32(pp.imitation_rate)

    rng = np.random.default_rng(seed)
    n = ties.shape[0]
    ties = sp.csr_array((ties.data.astype(np.float32), ties.indices.astype(np.int32),
                         ties.indptr), shape=ties.shape)
    indices, trust = ties.indices, ties.data
    starts, degree = ties.indptr[:-1], np.diff(ties.indptr)
    has_ties = degree > 0
    row_of_tie = np.repeat(np.arange(n), degree)
    cumulative = np.cumsum(trust, dtype=np.float64)
    before = np.concatenate(([0.0], cumulative))
    strength = before[ties.indptr[1:]] - before[starts]
    within = ((cumulative - before[starts][row_of_tie]) / strength[row_of_tie]).astype(np.float32)
    within[ties.indptr[1:][has_ties] - 1] = 2.0  # a row's last tie is never passed over
    last_tie = max(indices.size - 1, 0)
    first_tie = np.minimum(starts, last_tie)
    everyone = np.arange(n)
    strength32 = np.where(has_ties, strength, 1.0).astype(np.float32)
    ones = np.ones(m, np.float32)

    reality = rng.choice(np.array([-1, 1], np.int8), m)
    beliefs = rng.integers(-1, 2, (n, m), dtype=np.int8)
    participating = rng.random(n) < 0.05
    aware = participating | (rng.random(n) < 0.10)
    contributor = participating & (rng.random(n) < 0.10)
    community = rng.integers(0, communities, n).astype(np.int32)
    codes = rng.integers(-1, 2, (communities, m), dtype=np.int8)
    kpis = np.zeros((weeks, 5))

    started = time.perf_counter()
    for week in range(weeks):
        score = (beliefs == reality).astype(np.float32) @ ones
        u_pick, u_partner, u_aware, u_join, u_attend = rng.random((5, n), dtype=np.float32)
        u_peer, u_meet, u_code = rng.random((3, n, m), dtype=np.float32)
        push = np.zeros((n, m), np.int8)

        # Peer learning along one trust-weighted tie per person.
        passed = (within < u_pick[row_of_tie]).view(np.uint8)
        tie = np.minimum(first_tie + np.add.reduceat(passed, first_tie, dtype=np.int32),
                         last_tie)
        peer = np.where(has_ties, indices[tie], everyone)
        better = score[peer] > score
        theirs = beliefs[peer]
        moves = ((u_peer < (peer_rate * trust[tie])[:, None]) & better[:, None]
                 & (theirs != 0) & (theirs != beliefs))
        push += np.sign(theirs - beliefs) * moves

        # Meetings: each attendee meets one attendee; contributors who score better teach.
        attending = participating & (u_attend < 0.6)
        attendees = np.flatnonzero(attending)
        if attendees.size:
            met = attendees[(u_partner[attendees] * attendees.size).astype(np.int64)]
            ok = contributor[met] & (score[met] > score[attendees])
            learners, sources = attendees[ok], met[ok]
            mine, theirs = beliefs[learners], beliefs[sources]
            moves = (u_meet[learners] < meet_rate) & (theirs != 0) & (theirs != mine)
            push[learners] += np.sign(theirs - mine) * moves

        # Socialisation from the code of one's community.
        readers = np.flatnonzero(participating)
        mine, code = beliefs[readers], codes[community[readers]]
        rate = code_rate * np.where(attending[readers], np.float32(1), reading)
        moves = (u_code[readers] < rate[:, None]) & (code != 0) & (code != mine)
        push[readers] += np.sign(code - mine) * moves

        beliefs += np.sign(push)
        np.clip(beliefs, -1, 1, out=beliefs)

        # Exposure, awareness and joining.
        share = (ties @ participating.astype(np.float32)) / strength32
        aware |= u_aware < 0.02 + 0.2 * share
        joins = aware & ~participating & (u_join < join_p + join_q * share)
        participating |= joins

        kpis[week] = (score.mean() / m, participating.mean(), aware.mean(), attending.mean(),
                      contributor.mean())
    return time.perf_counter() - started


# --- output ---------------------------------------------------------------------------------------


def met_text(met: bool | None) -> str:
    """``yes``, ``no`` or ``—``."""
    return "—" if met is None else ("yes" if met else "no")


def table(rows: list[list[str]], header: list[str], right: set[int] | None = None) -> None:
    """Print a plain text table, columns padded to their widest cell."""
    right = right or set()
    widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(len(header))]

    def line(cells: list[str]) -> str:
        return "  ".join(str(c).rjust(w) if i in right else str(c).ljust(w)
                         for i, (c, w) in enumerate(zip(cells, widths, strict=True))).rstrip()

    print(line(header))
    print("  ".join("-" * w for w in widths))
    for row in rows:
        print(line(row))


def main() -> None:
    """Measure every figure, print a table per figure and the summary."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true",
                        help="smoke run: fewer weeks and repeats, a short comparison")
    parser.add_argument("--skip-1m", action="store_true",
                        help="leave out the 1,000,000-person runs")
    parser.add_argument("--repeats", type=int, default=None,
                        help="runs to take the median over (default 3; 1 with --quick)")
    args = parser.parse_args()
    sys.stdout.reconfigure(line_buffering=True)  # tables and progress lines in order
    quick = args.quick
    repeats = max(1, args.repeats if args.repeats is not None else (1 if quick else 3))
    weeks = 13 if quick else FULL_WEEKS
    summary: list[Figure] = []

    print(f"machine: {machine()}; BLAS/OpenMP threads: 1 (OMP_NUM_THREADS and the like set "
          f"before numpy is imported)")
    print(f"mode: {'quick (indicative figures only)' if quick else 'full'}; {weeks} weeks; "
          f"median of {repeats}\n")

    # 1. Time per person-week.
    print("1. Engine time per person-week, default scenario (set-up timed apart from the run)")
    rows: list[list[str]] = []
    notes: list[str] = []
    measured: dict[int, tuple[float, float]] = {}
    for n in SIZES:
        params = default_params(n, weeks)
        if isinstance(params, str):
            rows.append([f"{n:,}", str(weeks), "", "n/a", "", "", ""])
            notes.append(f"{n:,} people: {params}")
            continue
        log(f"engine: {n:,} people x {weeks} weeks, {repeats} repeat(s)")
        setup, run = time_engine(params, repeats)
        measured[n] = (setup, run)
        us = us_per_person_week(run, n, weeks)
        rows.append([f"{n:,}", str(weeks), str(repeats), f"{setup:.3f}", f"{run:.3f}",
                     f"{us:.3f}", f"{us * n * FULL_WEEKS / 1e6:.2f}"])
    million: dict[str, Any] | str = "n/a (--skip-1m)"
    million_weeks = 0
    if not args.skip_1m:
        params = default_params(MILLION, weeks)
        million = params if isinstance(params, str) else ""
        if not million:
            us_100k = (us_per_person_week(measured[100_000][1], 100_000, weeks)
                       if 100_000 in measured else None)
            million_weeks = million_plan(us_100k, quick)
            values = {"org.employees": MILLION, "run.steps": million_weeks}
            million = memory_fits(Params().replace(values)) or ""
        if not million:
            log(f"engine: {MILLION:,} people x {million_weeks} weeks in a fresh process")
            try:
                million = fresh_run(values, timeout=1800.0)
            except (RuntimeError, subprocess.TimeoutExpired) as error:
                million = failure(error)
    if isinstance(million, dict):
        us = us_per_person_week(million["run"], MILLION, million_weeks)
        scaled = "" if million_weeks == FULL_WEEKS else " (scaled)"
        rows.append([f"{MILLION:,}", str(million_weeks), "1", f"{million['setup']:.3f}",
                     f"{million['run']:.3f}", f"{us:.3f}",
                     f"{us * MILLION * FULL_WEEKS / 1e6:.2f}{scaled}"])
    else:
        rows.append([f"{MILLION:,}", "", "", "n/a", "", "", ""])
        notes.append(f"{MILLION:,} people: {million}")
    table(rows, ["people", "weeks", "repeats", "set-up s", "run s", "us/person-week",
                 f"run s at {FULL_WEEKS} wk"], right={0, 1, 2, 3, 4, 5, 6})
    if isinstance(million, dict):
        notes.append(f"{MILLION:,} people: one run in a fresh process (the run of figure 2)")
        if million_weeks != FULL_WEEKS and not quick:
            notes.append(f"{MILLION:,} people: {million_weeks} weeks run ({FULL_WEEKS} would "
                         f"take over {MILLION_SECONDS:.0f} s); the {FULL_WEEKS}-week time is "
                         f"scaled from them")
    if weeks != FULL_WEEKS:
        notes.append(f"the last column is scaled from {weeks} weeks")
    print("\n".join(notes) + "\n")
    for n in SIZES:
        if n in measured:
            setup, run = measured[n]
            us = us_per_person_week(run, n, weeks)
            if n == 100_000:
                full = us * n * FULL_WEEKS / 1e6
                note = "" if weeks == FULL_WEEKS else f", scaled from {weeks} weeks"
                summary.append(Figure(f"run 100,000 x {FULL_WEEKS} weeks, 1 core",
                                      f"{full:.2f} s ({us:.3f} us/person-week; set-up "
                                      f"{setup:.2f} s{note})", "< 6 s", full < 6.0))
            else:
                summary.append(Figure(f"us/person-week at {n:,}", f"{us:.3f}"))
        else:
            summary.append(Figure(f"us/person-week at {n:,}", "n/a (schema cap)",
                                  "< 6 s" if n == 100_000 else "—"))
    if isinstance(million, dict):
        us = us_per_person_week(million["run"], MILLION, million_weeks)
        summary.append(Figure(f"us/person-week at {MILLION:,}",
                              f"{us:.3f} ({million_weeks} weeks; set-up "
                              f"{million['setup']:.1f} s)"))
    else:
        summary.append(Figure(f"us/person-week at {MILLION:,}", million))

    # 2. Peak memory per person.
    print("2. Peak resident memory of a whole run in a fresh process (interpreter and imports "
          "included)")
    rows = []
    log("memory: 2-person baseline run")
    baseline = fresh_run({"org.employees": 2, "org.divisions": 1, "org.unofficial_groups": 0,
                          "run.steps": 1}, timeout=300.0)
    rows.append(["2 (baseline)", "1", f"{baseline['baseline'] / 2**20:.0f}",
                 f"{baseline['peak'] / 2**20:.0f}", "", ""])
    per_person: dict[int, float | str] = {}
    print_later: list[str] = []
    memory_weeks = {100_000: weeks, MILLION: million_weeks}
    for n in (100_000, MILLION):
        if n == MILLION:
            got: dict[str, float] | str = million
        else:
            params = default_params(n, weeks)
            got = params if isinstance(params, str) else ""
            if not got:
                log(f"memory: {n:,} people x {weeks} weeks in a fresh process")
                try:
                    got = fresh_run({"org.employees": n, "run.steps": weeks}, timeout=1800.0)
                except (RuntimeError, subprocess.TimeoutExpired) as error:
                    got = failure(error)
        if isinstance(got, dict):
            per_person[n] = (got["peak"] - baseline["peak"]) / n / KB
            rows.append([f"{n:,}", str(memory_weeks[n]), f"{got['baseline'] / 2**20:.0f}",
                         f"{got['peak'] / 2**20:.0f}", f"{got['peak'] / n / KB:.2f}",
                         f"{per_person[n]:.2f}"])
        else:
            per_person[n] = got
            rows.append([f"{n:,}", "", "", "n/a", "", ""])
            print_later.append(f"{n:,} people: {got}")
    table(rows, ["people", "weeks", "after imports MiB", "peak MiB", "KB/person, all",
                 "KB/person above baseline"], right={1, 2, 3, 4, 5})
    for line in print_later:
        print(line)
    print("KB = 1,024 bytes. The figure is the last column: the peak minus the peak of a "
          "2-person run (the interpreter with numpy, scipy and mesa, about 150 MiB whatever the "
          "organisation), per person; the column before divides the whole peak\n")
    for n in (100_000, MILLION):
        value = per_person[n]
        note = "" if memory_weeks[n] in (FULL_WEEKS, 0) else f" ({memory_weeks[n]} weeks)"
        if isinstance(value, str):
            summary.append(Figure(f"peak memory per person at {n:,}", value,
                                  "<= 1 KB" if n == 100_000 else "—"))
        elif n == 100_000:
            summary.append(Figure(f"peak memory per person at {n:,} (above baseline)",
                                  f"{value:.2f} KB{note}", "<= 1 KB", value <= 1.0))
        else:
            summary.append(Figure(f"peak memory per person at {n:,}", f"{value:.2f} KB{note}"))
    summary.append(Figure("baseline: peak of a 2-person run",
                          f"{baseline['peak'] / 2**20:.0f} MiB "
                          f"({baseline['peak'] / 100_000 / KB:.2f} KB/person at 100,000)"))

    # 3. Organisation generation.
    print("3. Organisation generation, 100,000 people")
    org_repeats = repeats
    log(f"organisation: synthetic, 100,000 people, {org_repeats} repeat(s)")
    synthetic = time_synthetic(100_000, org_repeats)
    log("organisation: writing and building a 100,000-person chart")
    written, chart, chart_degree = time_chart(100_000, org_repeats)
    table([["synthetic (default scenario)", f"{synthetic:.2f}"],
           [f"from a chart: read, check, build ({chart_degree:.1f} ties/person)", f"{chart:.2f}"]],
          ["organisation", "seconds"], right={1})
    print(f"median of {org_repeats}; writing the chart's CSVs took {written:.1f} s (not "
          f"counted)\n")
    summary.append(Figure("organisation, 100,000 synthetic", f"{synthetic:.2f} s", "< 10 s",
                          synthetic < 10.0))
    summary.append(Figure("organisation, 100,000 from a chart", f"{chart:.2f} s", "< 10 s",
                          chart < 10.0))

    # 4. Runs per minute.
    print(f"4. Runs per minute: orglearn compare scenarios/default.toml --strategies "
          f"{COMPARE_STRATEGIES}")
    if quick:
        replications = 3
    else:
        one_run = sum(measured[1_000]) if 1_000 in measured else 0.5
        replications = min(2000, max(10, math.ceil(COMPARE_SECONDS / one_run)))
    rows, rpm = [], {}
    for workers in (1, 2):
        log(f"compare: {replications} replications x 2 strategies, {workers} worker(s)")
        try:
            seconds, runs, own = time_compare(replications, workers)
        except RuntimeError as error:
            rows.append([str(workers), str(replications), "", f"n/a ({error})", "", ""])
            continue
        found = re.search(r"in ([\d.]+) s", own)
        running = float(found.group(1)) if found else seconds
        rpm[workers] = 60.0 * runs / running
        rows.append([str(workers), str(replications), str(runs), f"{seconds:.1f}",
                     f"{60.0 * runs / seconds:.0f}", f"{running:.1f}", f"{rpm[workers]:.0f}"])
    table(rows, ["workers", "replications", "runs", "command s", "runs/min (command)",
                 "runs s", "runs/min"], right={0, 1, 2, 3, 4, 5, 6})
    print("command: the whole command's wall time (start-up, runs, consolidation, summary, "
          "figures and report); runs: the time the command reports for its runs (from the "
          "first run started to the last one stored and the tables written); runs/min is "
          "taken from the latter\n")
    summary.append(Figure("runs/min, 1 worker", f"{rpm[1]:.0f}" if 1 in rpm else "n/a"))
    if 2 in rpm:
        summary.append(Figure("runs/min, 2 workers", f"{rpm[2]:.0f}", ">= 500", rpm[2] >= 500))
    else:
        summary.append(Figure("runs/min, 2 workers", "n/a (compare failed)", ">= 500"))
    if 1 in rpm and 2 in rpm:
        ratio = rpm[2] / rpm[1]
        summary.append(Figure("speed-up, 2 workers vs 1", f"{ratio:.2f}x", ">= 1.9x",
                              ratio >= 1.9))
    else:
        summary.append(Figure("speed-up, 2 workers vs 1", "n/a (compare failed)", ">= 1.9x"))

    # 5. Per-agent reference.
    print("5. Engine against the per-agent reference (tests.reference.ReferenceModel), same "
          "organisation")
    reference, why = load_reference()
    ref_weeks = 4 if quick else REFERENCE_WEEKS
    if reference is None:
        print(f"{why}\n")
        summary.append(Figure("engine vs per-agent reference", why, ">= 30x"))
    else:
        rows, ratios = [], {}
        try:
            for n in REFERENCE_SIZES:
                log(f"reference: engine and reference side by side, {n:,} people x "
                    f"{ref_weeks} weeks")
                got = time_reference(reference, n, ref_weeks, max(3, repeats))
                engine_us = us_per_person_week(got["engine_run"], n, ref_weeks)
                ref_us = us_per_person_week(got["ref_run"], n, ref_weeks)
                ratios[n] = ref_us / engine_us
                rows.append([f"{n:,}", f"{got['engine_run']:.3f}", f"{engine_us:.2f}",
                             f"{got['ref_run']:.3f}", f"{ref_us:.2f}", f"{ratios[n]:.1f}x",
                             got["agreement"]])
        except Exception as error:  # noqa: BLE001 - a failing reference is reported, not fatal
            why = f"n/a (reference failed: {type(error).__name__}: {error})"
            print(f"{why}\n")
            summary.append(Figure("engine vs per-agent reference", why, ">= 30x"))
        else:
            table(rows, ["people", "engine run s", "engine us/pw", "reference run s",
                         "reference us/pw", "ratio", "time series"], right={0, 1, 2, 3, 4, 5})
            print(f"{ref_weeks} weeks; runs only (set-up apart); median of {max(3, repeats)} for "
                  "the engine and of up to as many for the reference (once if it takes over "
                  "5 s). At 1,000 people the engine's fixed cost per week (about a thousand "
                  "numpy calls) dominates; the target is taken at 10,000.\n")
            for n in REFERENCE_SIZES:
                target = n == REFERENCE_SIZES[-1]
                summary.append(Figure(f"engine vs per-agent reference, {n:,} x {ref_weeks} wk",
                                      f"{ratios[n]:.1f}x faster", ">= 30x" if target else "—",
                                      ratios[n] >= 30.0 if target else None))

    # 6. Plain numpy bound.
    print("6. Engine against a plain numpy bound (numpy_bound), 100,000 people")
    params = default_params(100_000, weeks)
    if isinstance(params, str) or 100_000 not in measured:
        print("n/a (no engine figure at 100,000)\n")
        summary.append(Figure("engine vs numpy bound", "n/a", "<= 1.5x"))
    else:
        ties = organisation(params, 1).ties
        log(f"bound: 100,000 people x {weeks} weeks, {repeats} repeat(s)")
        bound = statistics.median(numpy_bound(ties, weeks, seed) for seed in
                                  range(1, repeats + 1))
        bound_us = us_per_person_week(bound, 100_000, weeks)
        engine_us = us_per_person_week(measured[100_000][1], 100_000, weeks)
        ratio = engine_us / bound_us
        table([["engine (run)", f"{measured[100_000][1]:.3f}", f"{engine_us:.3f}"],
               ["numpy bound", f"{bound:.3f}", f"{bound_us:.3f}"]],
              ["model", "run s", "us/person-week"], right={1, 2})
        print(f"{weeks} weeks, median of {repeats}; the bound on the default organisation's "
              f"ties ({ties.nnz / ties.shape[0]:.1f} per person), m = 30\n")
        summary.append(Figure("engine vs numpy bound", f"{ratio:.2f}x", "<= 1.5x",
                              ratio <= 1.5))

    # 7. Summary.
    print("Summary" + (" (quick run: indicative only)" if quick else ""))
    table([[f.name, f.measured, f.target, met_text(f.met)] for f in summary],
          ["figure", "measured", "target", "met?"])
    log("done")


if __name__ == "__main__":
    main()
