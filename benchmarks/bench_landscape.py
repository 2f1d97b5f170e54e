"""Benchmark: an NK landscape's set-up (exhaustive maximum) and a Lazer & Friedman run.

Usage: .venv/bin/python benchmarks/bench_landscape.py [--repeats R]

Prints the median over R repeats of the time to draw an N = 20, K = 5 landscape and find its
maximum by enumeration, and of one 100-week run of scenarios/lazer-friedman-2007.toml (100
people, linear network), set-up included.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np
from timing import machine, median_seconds

from sim import LearningModel
from sim.config.scenario import load_scenario
from sim.engine.landscape import NKLandscape

SCENARIO = Path(__file__).resolve().parents[1] / "scenarios" / "lazer-friedman-2007.toml"


def main() -> None:
    """Run the benchmark and print the two medians."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    params = load_scenario(SCENARIO).replace({"run.steps": 100})
    landscape = median_seconds(
        lambda seed: NKLandscape.generate(20, 5, np.random.default_rng(seed)), args.repeats)
    run = median_seconds(lambda seed: LearningModel(params, seed=seed).run(), args.repeats)
    print(f"machine: {machine()}; median of {args.repeats}")
    print(f"NK landscape N = 20, K = 5 (2^20 practices enumerated): {landscape:.3f} s")
    print(f"Lazer & Friedman run, 100 people x 100 weeks, set-up included: {run:.3f} s")


if __name__ == "__main__":
    main()
