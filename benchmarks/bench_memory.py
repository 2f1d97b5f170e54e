"""Benchmark: peak resident memory of one run, measured, against sim.engine.resources' estimate.

Usage: .venv/bin/python benchmarks/bench_memory.py [--max-gib G] [--only TEXT]

Each configuration is the default scenario with a few keys changed and 3 weeks
(``run.steps = 3``). ``sim.experiments.memory.measure_run_memory`` runs it in a fresh process
that imports ``sim.experiments.tasks`` and executes one task (build the model, run it, time
series, run KPIs), then reads its peak resident memory (``VmHWM`` in /proc/self/status, else
``ru_maxrss``). The table prints the estimate of ``sim.engine.resources.estimate_run_memory``,
the measured peak, their ratio (above 1: the estimate is above the measurement) and the
estimate's largest term. A second table runs two configurations
for more weeks: memory should not grow with the weeks beyond the KPI recorder (one row of
floats per week, a column per division) and the communities a strategy opens later.
Configurations estimated above ``--max-gib`` (default 6) are skipped; the largest need 1 to 2.3
GiB (1,000,000 default employees; 200,000 employees with every belief a candidate for
standards; 100,000 employees with membership caps of 100, all joining at once). The whole
benchmark takes about a minute and a half on 2 cores.
"""

from __future__ import annotations

import argparse
import time

from timing import machine

STEPS = 3

CONFIGS: tuple[tuple[str, dict], ...] = (
    ("default, 1,000 employees", {"org.employees": 1_000}),
    ("default, 10,000", {"org.employees": 10_000}),
    ("default, 50,000", {"org.employees": 50_000}),
    ("default, 100,000", {"org.employees": 100_000}),
    ("default, 1,000,000", {"org.employees": 1_000_000}),
    ("10,000, informal_degree 50", {"org.employees": 10_000, "org.informal_degree": 50}),
    ("10,000, informal_degree 200", {"org.employees": 10_000, "org.informal_degree": 200}),
    ("50,000, informal_degree 50", {"org.employees": 50_000, "org.informal_degree": 50}),
    ("50,000, informal_degree 200", {"org.employees": 50_000, "org.informal_degree": 200}),
    ("100,000, informal_degree 50", {"org.employees": 100_000, "org.informal_degree": 50}),
    ("100,000, informal_degree 200", {"org.employees": 100_000, "org.informal_degree": 200}),
    ("50,000, degree 200, random ties", {"org.employees": 50_000, "org.informal_degree": 200,
                                         "org.informal_network": "random"}),
    ("2,000 in 10 div., degree 5000, random", {"org.employees": 2_000, "org.divisions": 10,
                                               "org.informal_degree": 5_000,
                                               "org.informal_network": "random"}),
    ("50,000, degree 50, peer_choice best", {"org.employees": 50_000,
                                             "org.informal_degree": 50,
                                             "knowledge.peer_choice": "best"}),
    ("10,000, dimensions 200", {"org.employees": 10_000, "knowledge.dimensions": 200}),
    ("10,000, dimensions 1000", {"org.employees": 10_000, "knowledge.dimensions": 1_000}),
    ("50,000, dimensions 200", {"org.employees": 50_000, "knowledge.dimensions": 200}),
    ("50,000, dimensions 1000", {"org.employees": 50_000, "knowledge.dimensions": 1_000}),
    ("200,000, dim. 200, formal rate 1", {"org.employees": 200_000, "knowledge.dimensions": 200,
                                          "standards.formal_learning_rate": 1.0}),
    ("10,000, max_communities 500", {"org.employees": 10_000,
                                     "community.max_communities": 500}),
    ("50,000, max_communities 500", {"org.employees": 50_000,
                                     "community.max_communities": 500}),
    ("100,000, max_communities 500", {"org.employees": 100_000,
                                      "community.max_communities": 500}),
    ("20,000, 200 division networks, C 500", {"org.employees": 20_000, "org.divisions": 200,
                                              "community.max_communities": 500,
                                              "strategy.name": "division_networks"}),
    ("10,000 in 1,000 div. networks, all join", {"org.employees": 10_000, "org.divisions": 1_000,
                                                 "community.max_communities": 2_000,
                                                 "strategy.name": "division_networks",
                                                 "participation.spontaneous_join_rate": 1.0}),
    ("100,000, caps 100, all join", {"org.employees": 100_000,
                                     "participation.max_memberships": 100,
                                     "participation.spanner_max_memberships": 100,
                                     "participation.spontaneous_join_rate": 1.0}),
    ("50,000 in 1,000 divisions", {"org.employees": 50_000, "org.divisions": 1_000}),
    ("10,000, NK N=20 K=5", {"org.employees": 10_000, "knowledge.landscape": "nk",
                             "knowledge.dimensions": 20, "environment.turbulence": 0.0}),
    ("10,000, NK N=24 K=5", {"org.employees": 10_000, "knowledge.landscape": "nk",
                             "knowledge.dimensions": 24, "environment.turbulence": 0.0}),
    ("10,000, NK N=22 K=19", {"org.employees": 10_000, "knowledge.landscape": "nk",
                              "knowledge.dimensions": 22, "knowledge.nk_interactions": 19,
                              "environment.turbulence": 0.0}),
)
"""(label, keys changed from the default scenario); every run has ``run.steps = 3``."""

WEEKS: tuple[tuple[str, dict, tuple[int, ...]], ...] = (
    ("10,000 in 100 divisions", {"org.employees": 10_000, "org.divisions": 100}, (3, 26, 104)),
    ("2,000 in 1,000 divisions", {"org.employees": 2_000, "org.divisions": 1_000,
                                  "org.unofficial_groups": 0}, (3, 520)),
)
"""(label, keys changed, weeks): the same configuration run for more and more weeks."""

def main() -> None:
    """Run the benchmark and print the two tables."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--max-gib", type=float, default=6.0,
                        help="skip configurations estimated above this many GiB")
    parser.add_argument("--only", default="", help="run only labels containing this text")
    args = parser.parse_args()

    from sim.engine.params import Params
    from sim.engine.resources import estimate_run_memory, format_bytes
    from sim.experiments.memory import measure_run_memory as measure

    def row(label: str, values: dict) -> None:
        estimate = estimate_run_memory(Params().replace(values))
        if estimate.total > args.max_gib * 2**30:
            print(f"{label:<40} {format_bytes(estimate.total):>10}   (skipped: above "
                  f"--max-gib)")
            return
        started = time.perf_counter()
        got = measure(values)
        print(f"{label:<40} {format_bytes(estimate.total):>10} {format_bytes(got['peak']):>10} "
              f"{estimate.total / got['peak']:>8.2f} {time.perf_counter() - started:>6.1f}   "
              f"{estimate.largest().name}", flush=True)

    print(f"machine: {machine()}; default scenario, {STEPS} weeks, one run per fresh process")
    baseline = measure({"org.employees": 2, "org.divisions": 1, "org.unofficial_groups": 0,
                        "run.steps": 1})
    print(f"after `import sim.experiments.tasks`: {format_bytes(baseline['baseline'])}; a 2-person "
          f"1-week run: {format_bytes(baseline['peak'])}")
    print(f"{'configuration':<40} {'estimate':>10} {'measured':>10} {'est/meas':>8} "
          f"{'wall s':>6}   largest term")
    for label, changes in CONFIGS:
        if args.only in label:
            row(label, {**changes, "run.steps": STEPS})
    if args.only:
        return
    print(f"\n{'configuration, weeks':<40} {'estimate':>10} {'measured':>10} {'est/meas':>8} "
          f"{'wall s':>6}   largest term")
    for label, changes, weeks in WEEKS:
        for steps in weeks:
            row(f"{label}, {steps} weeks", {**changes, "run.steps": steps})


if __name__ == "__main__":
    main()
