"""Validation checks: published results set against the engine's runs of an experiment.

Each check belongs to one experiment under ``experiments/validation/`` (by experiment name) and
turns its stored runs into :class:`Claim` rows — the source, the published claim, our number,
the tolerance, pass or fail — plus a figure that overlays the published values and ours.
``orglearn sweep`` writes them to ``validation.md`` and ``figures/validation.png`` in the results
folder; ``orglearn reproduce`` fails when a claim fails.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from sim.report import t_interval
from sim.results import atomic_write

__all__ = ["CHECKS", "Claim", "bass_closed_form", "run_checks", "write_validation"]


@dataclass(frozen=True)
class Claim:
    """One published claim and how the engine fares.

    Attributes:
        source: Paper, with page or figure.
        claim: What the paper reports.
        ours: Our measured number(s).
        tolerance: What counts as agreement.
        passed: Whether it does.
    """

    source: str
    claim: str
    ours: str
    tolerance: str
    passed: bool


def bass_closed_form(t: np.ndarray, p: float, q: float) -> np.ndarray:
    """Bass (1969) cumulative adoption: ``(1 - e^{-(p+q)t}) / (1 + (q/p) e^{-(p+q)t})``."""
    decay = np.exp(-(p + q) * np.asarray(t, dtype=float))
    return (1.0 - decay) / (1.0 + (q / p) * decay)


def _weekly_mean(timeseries: pa.Table, kpi: str, context: int = 0) -> np.ndarray:
    """Mean of a weekly KPI over the runs of one context, week by week."""
    rows = timeseries.filter(pc.equal(timeseries["context"], context))
    steps = rows["step"].to_numpy()
    values = rows[kpi].to_numpy().astype(float)
    return np.bincount(steps, weights=values) / np.bincount(steps)


def bass(runs: pa.Table, timeseries: pa.Table, manifest: dict[str, Any],
         out: Path) -> list[Claim]:
    """Bass (1969): the mean adoption curve against the closed form, every week."""
    participation = manifest["parameters"]["participation"]
    p, q = participation["spontaneous_join_rate"], participation["imitation_rate"]
    launch = manifest["parameters"]["strategy"]["launch_week"]
    ours = _weekly_mean(timeseries, "participating_share")
    weeks = np.arange(ours.size)
    published = bass_closed_form(np.clip(weeks - launch + 1, 0, None), p, q)
    error = float(np.abs(ours - published).max())
    _plot(out, "Bass (1969) in a fully mixed population",
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
    clustered, random = (_by_context(runs, c) for c in (0, 1))
    for context, kpis in ((0, clustered), (1, random)):
        kpis["mean_adoption"] = _run_means(timeseries, "participating_share", context)
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
    curves = [(label, weeks, _weekly_mean(timeseries, "participating_share", context))
              for context, label in ((0, "clustered (ring lattice)"), (1, "random (rewired)"))]
    _plot(out, "Centola (2010): clustered vs random network, same degree", [], curves,
          "week", "share adopting")
    return claims


def _run_means(timeseries: pa.Table, kpi: str, context: int) -> np.ndarray:
    """Per run of one context (in replication order), the mean of a weekly KPI over weeks >= 1."""
    rows = timeseries.filter(pc.and_(pc.equal(timeseries["context"], context),
                                     pc.greater(timeseries["step"], 0)))
    replication = rows["replication"].to_numpy()
    values = rows[kpi].to_numpy().astype(float)
    return np.bincount(replication, weights=values) / np.bincount(replication)


def _by_context(runs: pa.Table, context: int) -> dict[str, np.ndarray]:
    """KPI columns of one context, in replication order."""
    rows = runs.filter(pc.equal(runs["context"], context))
    order = np.argsort(rows["replication"].to_numpy())
    return {name: rows[name].to_numpy()[order].astype(float) for name in rows.column_names
            if pa.types.is_floating(rows[name].type)}


def watts(runs: pa.Table, timeseries: pa.Table, manifest: dict[str, Any],
          out: Path) -> list[Claim]:
    """Watts (2002): global cascades from one seed inside the window, none above it."""
    degrees = [value for key, values in manifest["axes"] if key == "org.informal_degree"
               for value in values]
    frequency = [float((_by_context(runs, c)["reach_participating"] > 0.5).mean())
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
    curves = [(f"z = {z}", weeks, _weekly_mean(timeseries, "participating_share", c))
              for c, z in enumerate(degrees)]
    _plot(out, "Watts (2002): one seed, thresholds 0.18, random networks", [], curves,
          "week", "share adopting (mean of runs)")
    return claims


MARCH_FIGURE_1 = {
    # Equilibrium code knowledge, sum(code * reality) / m, of March's (1991) Figure 1 setting
    # (m = 30, n = 50, no turnover or turbulence), for p1 = 0.1 ... 0.9. March's own figure is
    # not available as numbers; these come from Workiewicz's recreation of the original program
    # (rules from Christensen's note), 10,000 replications per point: repository
    # Mac13kW/March_1991_Original, file Output/March_1991_p1_0.1-0.9_p2_0.1-0.9_p3_0_p4_0_
    # t_limit_100_i_10000.csv. Its curves follow the shape and the 0.70-1.00 scale of Figure 1.
    0.1: (0.8633, 0.8171, 0.8051, 0.8021, 0.7994, 0.8032, 0.8060, 0.8090, 0.8132),
    0.5: (0.9543, 0.9088, 0.8691, 0.8371, 0.8106, 0.7867, 0.7679, 0.7540, 0.7421),
    0.9: (0.9724, 0.9404, 0.9081, 0.8737, 0.8401, 0.8067, 0.7796, 0.7561, 0.7284),
}
MARCH_P1 = (0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9)
MARCH_SOURCE = ("March (1991), Organization Science 2(1), Fig. 1, as recreated by Workiewicz "
                "(Mac13kW/March_1991_Original, 10,000 replications)")


def march(runs: pa.Table, timeseries: pa.Table, manifest: dict[str, Any],
          out: Path) -> list[Claim]:
    """March (1991) Figure 1: equilibrium code knowledge by p1 and p2, and its orderings."""
    p1 = runs["knowledge.socialisation_rate"].to_numpy()
    p2 = runs["knowledge.code_learning_rate"].to_numpy()
    value = runs["value_potential"].to_numpy().astype(float)
    ours = {b: np.array([value[(np.isclose(p1, a)) & (np.isclose(p2, b))].mean()
                         for a in MARCH_P1]) for b in MARCH_FIGURE_1}
    organisations = int(manifest["parameters"]["org"]["divisions"]) * manifest["replications"]
    claims = []
    for b, published in MARCH_FIGURE_1.items():
        gap = np.abs(ours[b] - np.array(published))
        worst = int(np.argmax(gap))
        claims.append(Claim(
            MARCH_SOURCE, f"Equilibrium code knowledge for p1 = 0.1 ... 0.9 at p2 = {b}",
            f"largest gap {gap[worst]:.3f} (at p1 = {MARCH_P1[worst]}: ours "
            f"{ours[b][worst]:.3f}, published {published[worst]:.3f}); {organisations} "
            "organisations per point", "every point within 0.025", bool(gap.max() <= 0.025)))
    fast, slow = ours[0.5], ours[0.9]
    claims.append(Claim(
        "March (1991), p. 75 and Fig. 1",
        "Slow socialisation (low p1) gives a better code than fast socialisation",
        f"p2 = 0.5: {fast[0]:.3f} at p1 = 0.1 vs {fast[-1]:.3f} at p1 = 0.9; p2 = 0.9: "
        f"{slow[0]:.3f} vs {slow[-1]:.3f}", "higher at p1 = 0.1 for p2 = 0.5 and 0.9",
        bool(fast[0] > fast[-1] and slow[0] > slow[-1])))
    low = [ours[b][0] for b in (0.1, 0.5, 0.9)]
    claims.append(Claim(
        "March (1991), Fig. 1",
        "With slow socialisation, a faster-learning code ends better (p2 = 0.9 > 0.5 > 0.1)",
        f"at p1 = 0.1: {low[2]:.3f} > {low[1]:.3f} > {low[0]:.3f}", "strictly ordered",
        bool(low[2] > low[1] > low[0])))
    x = np.array(MARCH_P1)
    _plot(out, "March (1991) Figure 1: equilibrium code knowledge",
          [(f"published recreation, p2 = {b}", x, np.array(v), style)
           for (b, v), style in zip(MARCH_FIGURE_1.items(), ("k:", "k--", "k-"), strict=True)],
          [(f"orglearn, p2 = {b}", x, ours[b]) for b in MARCH_FIGURE_1],
          "socialisation rate p1", "code knowledge, sum(code x reality) / m")
    return claims


CHECKS: dict[str, Callable[[pa.Table, pa.Table, dict[str, Any], Path], list[Claim]]] = {
    "bass-1969": bass,
    "march-1991": march,
    "centola-2010": centola,
    "watts-2002": watts,
}


def run_checks(runs: pa.Table, timeseries: pa.Table, manifest: dict[str, Any],
               out: Path) -> list[Claim] | None:
    """The claims of the experiment's check, or ``None`` if it has none."""
    check = CHECKS.get(manifest.get("name", ""))
    return None if check is None else check(runs, timeseries, manifest, out)


def write_validation(claims: list[Claim], out: Path, name: str) -> Path:
    """Write ``validation.md``: one row per claim, with the figure."""
    rows = "\n".join(f"| {c.source} | {c.claim} | {c.ours} | {c.tolerance} | "
                     f"{'pass' if c.passed else '**fail**'} |" for c in claims)
    text = (f"# Validation: {name}\n\n"
            "| Source | Published claim | Ours | Tolerance | Result |\n"
            "| --- | --- | --- | --- | --- |\n" + rows + "\n\n"
            "![Published values and ours](figures/validation.png)\n")
    path = out / "validation.md"
    atomic_write(path, lambda p: p.write_text(text, encoding="utf-8"))
    return path


def _plot(out: Path, title: str, published: list[tuple], ours: list[tuple], xlabel: str,
          ylabel: str) -> Path:
    """Line figure: published curves (dashed) and ours, saved as figures/validation.png."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    figure = Figure(figsize=(7, 4.2), dpi=120)
    FigureCanvasAgg(figure)
    axes = figure.add_subplot()
    for label, x, y, style in published:
        axes.plot(x, y, style, label=label, linewidth=2)
    for label, x, y in ours:
        axes.plot(x, y, label=label, linewidth=1.5, alpha=0.85)
    axes.set(title=title, xlabel=xlabel, ylabel=ylabel)
    axes.grid(alpha=0.3)
    axes.legend(frameon=False)
    path = out / "figures" / "validation.png"
    path.parent.mkdir(parents=True, exist_ok=True)
    atomic_write(path, lambda p: figure.savefig(p, format="png", metadata={"Software": None}))
    return path
