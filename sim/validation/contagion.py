"""Contagion of participation: Bass (1969), Centola (2010) and Watts (2002).

Each function is the check of one experiment under ``experiments/validation/``; see
``docs/validation.md`` for how the engine expresses each model.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa

from sim.report import t_interval
from sim.validation.common import Claim, by_context, plot_overlay, run_means, weekly_mean

__all__ = ["bass", "bass_closed_form", "centola", "watts"]


def bass_closed_form(t: np.ndarray, p: float, q: float) -> np.ndarray:
    """Bass (1969) cumulative adoption: ``(1 - e^{-(p+q)t}) / (1 + (q/p) e^{-(p+q)t})``."""
    decay = np.exp(-(p + q) * np.asarray(t, dtype=float))
    return (1.0 - decay) / (1.0 + (q / p) * decay)


def bass(runs: pa.Table, timeseries: pa.Table, manifest: dict[str, Any],
         out: Path) -> list[Claim]:
    """Bass (1969): the mean adoption curve against the closed form, every week."""
    participation = manifest["parameters"]["participation"]
    p, q = participation["spontaneous_join_rate"], participation["imitation_rate"]
    launch = manifest["parameters"]["strategy"]["launch_week"]
    ours = weekly_mean(timeseries, "participating_share")
    weeks = np.arange(ours.size)
    published = bass_closed_form(np.clip(weeks - launch + 1, 0, None), p, q)
    error = float(np.abs(ours - published).max())
    plot_overlay(out, "Bass (1969) in a fully mixed population",
          [("closed form (Bass 1969)", weeks, published, "k--")],
          [("orglearn, mean of runs", weeks, ours)], "week", "share participating")
    return [Claim(
        "Bass (1969), Management Science 15(5), eq. (4); p, q: Sultan, Farley & Lehmann (1990)",
        f"Cumulative adoption F(t) = (1 - e^-(p+q)t) / (1 + (q/p) e^-(p+q)t) with p = {p}, "
        f"q = {q} per week",
        f"largest gap between our mean curve and F(t) over {ours.size - 1} weeks: "
        f"{error:.4f} (F at the end: ours {ours[-1]:.3f}, closed form {published[-1]:.3f})",
        "largest gap <= 0.02", error <= 0.02)]


def centola(runs: pa.Table, timeseries: pa.Table, manifest: dict[str, Any],
            out: Path) -> list[Claim]:
    """Centola (2010): further and faster on the clustered network than on the random one."""
    clustered, random = (by_context(runs, c) for c in (0, 1))
    for context, kpis in ((0, clustered), (1, random)):
        kpis["mean_adoption"] = run_means(timeseries, "participating_share", context)
    claims = []
    for kpi, text in (
            ("reach_participating", "spreads further (share adopting at the end)"),
            ("mean_adoption", "spreads faster (share adopting averaged over the weeks: the "
                              "earlier people adopt, the higher)")):
        diff = clustered[kpi] - random[kpi]
        mean, _, low, _ = t_interval(diff)
        claims.append(Claim(
            "Centola (2010), Science 329, 1194-1197, Fig. 2",
            f"A behaviour needing reinforcement {text} on a clustered network than on a random "
            "network of the same degree",
            f"clustered {clustered[kpi].mean():.3g}, random {random[kpi].mean():.3g}; paired "
            f"advantage of clustered {mean:+.3g} (95% CI lower bound {low:+.3g})",
            "advantage > 0 with 95% confidence", bool(low > 0)))
    weeks = np.arange(int(timeseries["step"].to_numpy().max()) + 1)
    curves = [(label, weeks, weekly_mean(timeseries, "participating_share", context))
              for context, label in ((0, "clustered (ring lattice)"), (1, "random (rewired)"))]
    plot_overlay(out, "Centola (2010): clustered vs random network, same degree", [], curves,
          "week", "share adopting")
    return claims


def watts(runs: pa.Table, timeseries: pa.Table, manifest: dict[str, Any],
          out: Path) -> list[Claim]:
    """Watts (2002): global cascades from one seed inside the window, none above it."""
    degrees = [value for key, values in manifest["axes"] if key == "org.informal_degree"
               for value in values]
    frequency = [float((by_context(runs, c)["reach_participating"] > 0.5).mean())
                 for c in range(len(degrees))]
    inside, above = frequency
    claims = [
        Claim("Watts (2002), PNAS 99(9), 5766-5771, Fig. 1a (phi = 0.18)",
              f"Inside the cascade window (mean degree z = {degrees[0]}) a single seed often "
              "sets off a global cascade",
              f"global cascades (over half adopting) in {inside:.0%} of runs",
              "at least 50 % of runs", inside >= 0.5),
        Claim("Watts (2002), PNAS 99(9), 5766-5771, Fig. 1a (phi = 0.18)",
              f"Above the window (z = {degrees[1]} > 1/phi) no global cascades occur",
              f"global cascades in {above:.0%} of runs", "at most 5 % of runs", above <= 0.05),
    ]
    weeks = np.arange(int(timeseries["step"].to_numpy().max()) + 1)
    curves = [(f"z = {z}", weeks, weekly_mean(timeseries, "participating_share", c))
              for c, z in enumerate(degrees)]
    plot_overlay(out, "Watts (2002): one seed, thresholds 0.18, random networks", [], curves,
          "week", "share adopting (mean of runs)")
    return claims
