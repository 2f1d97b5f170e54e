"""Benchmark: reading a client's organisation chart and building its organisation.

Usage: .venv/bin/python benchmarks/bench_chart.py [--repeats R]

Writes invented employees and collaboration CSVs of 1,000 and 10,000 people (a hierarchy with
spans of 4-9 in 5 divisions, 3 collaboration ties per person) to a temporary folder and prints
the median over R repeats of the time to read and check them (uncached) and to build the
organisation from them (ties, trust, spanners, groups).
"""

from __future__ import annotations

import argparse
import csv
import os
import tempfile
from pathlib import Path

import numpy as np
from timing import machine, median_seconds

from sim.engine.params import Params
from sim.org.build import build_organisation
from sim.org.chart import read_chart, read_collaboration


def write_files(folder: Path, n: int, rng: np.random.Generator) -> tuple[Path, Path]:
    """Invented employees and collaboration files of ``n`` people."""
    manager = [-1] + [int(rng.integers(max(0, (i - 1) // 9), max(1, (i - 1) // 4 + 1)))
                      for i in range(1, n)]
    division = [0] + [int(rng.integers(5)) if manager[i] == 0 else -1 for i in range(1, n)]
    for i in range(1, n):
        if division[i] < 0:
            division[i] = division[manager[i]]
    employees, ties = folder / f"employees-{n}.csv", folder / f"ties-{n}.csv"
    with employees.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["id", "manager_id", "division"])
        for i in range(n):
            writer.writerow([f"P{i}", f"P{manager[i]}" if manager[i] >= 0 else "",
                             f"D{division[i]}"])
    with ties.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["a", "b", "weight"])
        for i in range(n):
            for j in rng.choice(n, size=3, replace=False).tolist():
                if j != i:
                    writer.writerow([f"P{i}", f"P{j}", round(float(rng.uniform(0.1, 1)), 3)])
    return employees, ties


def main() -> None:
    """Run the benchmark and print one line per size."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    print(f"machine: {machine()}; median of {args.repeats}")
    print(" employees   read + check s   build s (chart cached, ties read again)")
    with tempfile.TemporaryDirectory() as folder:
        for n in (1_000, 10_000):
            employees, ties = write_files(Path(folder), n, np.random.default_rng(n))

            def read(_seed, employees=employees, ties=ties):
                chart = read_chart(employees)
                read_collaboration(ties, chart)
                os.utime(employees)  # a new modification time defeats the cache next time

            params = Params().replace({"org.chart": str(employees),
                                       "org.collaboration": str(ties)}).org
            read_seconds = median_seconds(read, args.repeats)
            build = median_seconds(
                lambda seed, params=params: build_organisation(params,
                                                               np.random.default_rng(seed)),
                args.repeats)
            print(f"{n:>10,}   {read_seconds:>14.3f}   {build:>7.3f}")


if __name__ == "__main__":
    main()
