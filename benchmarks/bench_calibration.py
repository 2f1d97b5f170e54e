"""Benchmark: does a calibration recover the values its data were generated with?

Usage: .venv/bin/python benchmarks/bench_calibration.py [--repeats R] [--budget N] [--workers W]

A recovery study in the manner of simulation-based calibration (Talts, Betancourt, Simpson,
Vehtari & Gelman 2018, arXiv:1804.06788): ``R`` true values of two parameters are drawn from
their priors (awareness rate, uniform on 0-0.1, and word of mouth, uniform on its plausible range
0.1-0.6); for each, one run of the model at those values on a 150-person organisation gives
the observed aware and participating shares every third week up to week 30, and
``orglearn calibrate``'s sampler (``budget`` runs in 3 generations) fits both parameters to them.
A calibrated sampler puts the true value inside its 90 % interval in about 90 % of repeats;
much less means overconfident intervals, much more too wide ones. The study also gives each
parameter's posterior sd as a share of its prior sd (how much the data identify it), and the
wall time.

The table goes to stdout, and with ``--write`` to ``results/calibration-recovery/``
(``recovery.csv`` and ``README.md``), where the committed figures are.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sim.calibration import abc  # noqa: E402
from sim.calibration.observed import read_observed  # noqa: E402
from sim.calibration.run import Settings, calibrate, prior_of  # noqa: E402
from sim.config.scenario import load_scenario  # noqa: E402
from sim.engine.model import LearningModel  # noqa: E402

SCENARIO = ROOT / "scenarios" / "default.toml"
SMALL = ["org.employees=150", "org.divisions=3", "strategy.name=small_groups_first"]
RANGES = {"participation.awareness_rate": (0.0, 0.1), "participation.word_of_mouth": (0.1, 0.6)}
WEEKS = range(3, 31, 3)
LEVEL = 0.9


def observe(truth: dict[str, float], seed: int, folder: Path) -> Path:
    """A CSV of one run's aware and participating shares at ``truth``."""
    params = load_scenario(SCENARIO, [*SMALL, f"run.steps={WEEKS[-1]}",
                                      *(f"{k}={v}" for k, v in truth.items())], seed=seed)
    series = LearningModel(params).run().timeseries()
    path = folder / f"observed-{seed}.csv"
    path.write_text("week,aware_share,participating_share\n" + "".join(
        f"{w},{series['aware_share'][w]:.3f},{series['participating_share'][w]:.3f}\n"
        for w in WEEKS), encoding="utf-8")
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=20)
    parser.add_argument("--budget", type=int, default=300)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--write", action="store_true", help="write results/calibration-recovery")
    args = parser.parse_args()
    params = load_scenario(SCENARIO, SMALL)
    prior = prior_of(list(RANGES), RANGES, "benchmark")
    truths = prior.draw(np.random.default_rng(2018), args.repeats)
    rows = []
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch)
        for r, values in enumerate(truths):
            truth = dict(zip(prior.keys, (float(v) for v in values), strict=True))
            seed = 500 + r
            observed = read_observed(observe(truth, seed, folder), steps=params.run.steps,
                                     employees=150)
            started = time.perf_counter()
            result = calibrate(params, observed, prior, folder / f"fit-{r}",
                               settings=Settings(budget=args.budget, generations=3,
                                                 predictive=4, seed=seed),
                               employees=150, workers=args.workers)
            seconds = time.perf_counter() - started
            spans = abc.intervals(result.posterior, LEVEL)
            ratio = result.posterior.sd() / prior.sd
            row = {"repeat": r, "seconds": round(seconds, 1)}
            for k, key in enumerate(prior.keys):
                low, high = spans[k]
                row |= {f"{key}:truth": round(truth[key], 4),
                        f"{key}:mean": round(float(result.posterior.mean()[k]), 4),
                        f"{key}:low": round(float(low), 4), f"{key}:high": round(float(high), 4),
                        f"{key}:inside": bool(low <= truth[key] <= high),
                        f"{key}:sd_ratio": round(float(ratio[k]), 3)}
            rows.append(row)
            print(f"repeat {r + 1}/{args.repeats}: {seconds:.1f} s", file=sys.stderr)
    lines = [f"Recovery over {args.repeats} repeats, {args.budget} runs each (3 generations), "
             f"{LEVEL:.0%} intervals:", "",
             "| parameter | prior | truth inside the 90% interval | median posterior sd / prior "
             "sd |", "|---|---|---:|---:|"]
    for key, (lo, hi) in RANGES.items():
        inside = sum(row[f"{key}:inside"] for row in rows)
        median = float(np.median([row[f"{key}:sd_ratio"] for row in rows]))
        share = inside / len(rows)
        lines.append(f"| {key} | {lo:g}-{hi:g} | {inside} of {len(rows)} ({share:.0%}) "
                     f"| {median:.2f} |")
    mean_seconds = float(np.mean([row["seconds"] for row in rows]))
    lines += ["", f"Mean wall time per calibration: {mean_seconds:.1f} s with {args.workers} "
              "worker(s)."]
    text = "\n".join(lines)
    print(text)
    if args.write:
        import pyarrow as pa
        import pyarrow.csv as pacsv

        out = ROOT / "results" / "calibration-recovery"
        out.mkdir(parents=True, exist_ok=True)
        pacsv.write_csv(pa.Table.from_pylist(rows), out / "recovery.csv")
        (out / "README.md").write_text(
            "# Calibration: parameter recovery\n\nWritten by `benchmarks/bench_calibration.py "
            f"--write` (see its docstring for the set-up).\n\n{text}\n\n`recovery.csv` has every "
            "repeat: the true values, posterior means, 90% intervals and sd ratios.\n",
            encoding="utf-8")


if __name__ == "__main__":
    main()
