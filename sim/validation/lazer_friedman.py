"""Lazer & Friedman (2007): the network structure of exploration and exploitation.

Check of the experiment ``lazer-friedman-2007``: the same 100 people search the same NK
landscapes from the same starting practices on networks that spread information slowly (linear)
or fast (totally connected). The paper's central result, stated in its abstract, is that the
efficient network does better in the short run and worse in the long run. Its curves are not
available as numbers (see ``docs/validation.md``), so the claims are the result's parts — the
early lead, the crossover, the long-run ranking and who wins the paired contests — each tested
on our paired runs.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pyarrow as pa

from sim.experiments.manifest import Manifest
from sim.experiments.statistics import CONFIDENCE_TEXT, t_interval
from sim.validation.common import Claim, Panel, axis_values, paired, plot_panels, weekly_by_run

__all__ = ["EARLY_WEEK", "lazer_friedman"]

SOURCE = ("Lazer & Friedman (2007), Administrative Science Quarterly 52(4), 667-694, abstract "
          "and the linear vs totally connected comparison")
EARLY_WEEK = 5
"""The short run: five rounds, when the connected network has spread its best start."""
_NAMES = {2: "linear", 4: "lattice (4 neighbours)"}


def lazer_friedman(runs: pa.Table, timeseries: pa.Table, manifest: Manifest,
                   out: Path) -> list[Claim]:
    """Early lead, crossover, long-run ranking and paired contests, linear vs connected."""
    degrees = axis_values(manifest, "org.informal_degree")
    curves = {c: weekly_by_run(timeseries, "performance", c) for c in range(len(degrees))}
    linear, connected = curves[int(np.argmin(degrees))], curves[int(np.argmax(degrees))]
    end = linear.shape[1] - 1
    gap = linear.mean(axis=0) - connected.mean(axis=0)
    ahead = np.flatnonzero(gap[1:] <= 0) + 1  # weeks (>= 1) the connected network is not behind
    crossover = int(ahead[-1] + 1) if ahead.size else 1
    early_diff = t_interval(connected[:, EARLY_WEEK] - linear[:, EARLY_WEEK])
    late_diff = t_interval(linear[:, end] - connected[:, end])
    n = linear.shape[0]
    wins_late = float((linear[:, end] > connected[:, end]).mean())
    wins_early = float((linear[:, EARLY_WEEK] > connected[:, EARLY_WEEK]).mean())
    claims = [
        Claim(SOURCE, f"The efficient (totally connected) network leads in the short run "
              f"(week {EARLY_WEEK})",
              f"connected {connected[:, EARLY_WEEK].mean():.3f}, linear "
              f"{linear[:, EARLY_WEEK].mean():.3f}; "
              + paired(connected[:, EARLY_WEEK], linear[:, EARLY_WEEK]),
              f"paired difference > 0 with {CONFIDENCE_TEXT} confidence", bool(early_diff[2] > 0)),
        Claim(SOURCE, "The inefficient (linear) network overtakes it and stays ahead",
              f"the linear network's mean is ahead from week {crossover} to the end "
              f"(week {end})", f"a crossover before the last week ({end})",
              bool(crossover < end)),
        Claim(SOURCE, "In the long run the linear network finds better practices",
              f"week {end}: linear {linear[:, end].mean():.3f}, connected "
              f"{connected[:, end].mean():.3f}; " + paired(linear[:, end], connected[:, end]),
              f"paired difference > 0 with {CONFIDENCE_TEXT} confidence", bool(late_diff[2] > 0)),
        Claim(SOURCE, "Paired on the same landscape and starts, the linear network wins most "
              "long-run contests and loses most short-run ones",
              f"linear wins {wins_late:.0%} of the {n} contests at week {end} and "
              f"{wins_early:.0%} at week {EARLY_WEEK}", "over 50% at the end, under 50% early",
              bool(wins_late > 0.5 and wins_early < 0.5)),
    ]
    if len(degrees) > 2:
        claims.append(_inverted_u(curves, degrees, end))
    weeks = np.arange(end + 1)
    names = [_NAMES.get(int(d), "totally connected" if d == max(degrees) else f"degree {d}")
             for d in degrees]
    ours = [(name, weeks, curves[c].mean(axis=0)) for c, name in enumerate(names)]
    plot_panels(out, [Panel(
        "Lazer & Friedman (2007): NK search (N = 20, K = 5) by network", "week (round)",
        "mean score, (score / max)^8", ours,
        note="The paper's curves are not available as numbers; the claims are its orderings.")])
    return claims


def _inverted_u(curves: dict[int, np.ndarray], degrees: list, end: int) -> Claim:
    """At intermediate times the intermediate network leads both extremes (an inverted U)."""
    order = np.argsort(degrees)
    low, middle, high = (curves[int(c)] for c in (order[0], order[1], order[-1]))
    lead = middle.mean(axis=0) - np.maximum(low.mean(axis=0), high.mean(axis=0))
    leading = np.flatnonzero(lead[1:end] > 0) + 1
    week = int(np.argmax(lead))
    over_low, over_high = (t_interval(middle[:, week] - other[:, week]) for other in (low, high))
    span = f"weeks {leading[0]}-{leading[-1]}" if leading.size else "no week"
    return Claim(
        SOURCE + " (connectedness and performance at intermediate times)",
        f"At intermediate times the intermediate network (degree {degrees[order[1]]}) does "
        "better than both the linear and the totally connected one",
        f"its mean leads both in {span}; at week {week} by {over_low[0]:+.3f} over linear "
        f"({CONFIDENCE_TEXT} CI lower bound {over_low[2]:+.3f}) and {over_high[0]:+.3f} over "
        f"connected ({over_high[2]:+.3f})",
        f"both paired differences > 0 with {CONFIDENCE_TEXT} confidence at the "
        "week of its largest lead", bool(leading.size and over_low[2] > 0 and over_high[2] > 0))
