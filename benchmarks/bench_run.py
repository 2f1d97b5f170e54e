"""Benchmark: wall time of one run of the default scenario, and per agent-step cost.

Usage: .venv/bin/python benchmarks/bench_run.py [--employees N ...] [--repeats R]

Prints, for each organisation size, the median over R repeats of the set-up time, the time to
run 104 weeks, and the cost per agent-step in microseconds.
"""

from __future__ import annotations

import argparse
import statistics
import time

from timing import machine

from sim import LearningModel, Params


def measure(employees: int, steps: int, repeats: int) -> tuple[float, float]:
    """Median set-up and run seconds over ``repeats`` runs with seeds 1..repeats."""
    setups, runs = [], []
    params = Params().replace({"org.employees": employees, "run.steps": steps,
                               "community.max_communities": 64})
    for seed in range(1, repeats + 1):
        t0 = time.perf_counter()
        model = LearningModel(params, seed=seed)
        t1 = time.perf_counter()
        model.run()
        t2 = time.perf_counter()
        setups.append(t1 - t0)
        runs.append(t2 - t1)
    return statistics.median(setups), statistics.median(runs)


def main() -> None:
    """Run the benchmark and print a table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--employees", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--steps", type=int, default=104)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    print(f"machine: {machine()}; default scenario, {args.steps} weeks, "
          f"median of {args.repeats}")
    print(f"{'employees':>10} {'setup s':>9} {'run s':>8} {'us/agent-step':>14}")
    for n in args.employees:
        setup, run = measure(n, args.steps, args.repeats)
        print(f"{n:>10} {setup:>9.3f} {run:>8.3f} {1e6 * run / (n * args.steps):>14.2f}")


if __name__ == "__main__":
    main()
