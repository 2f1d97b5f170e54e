"""March (1991): exploration and exploitation in organisational learning.

Checks of the experiments ``march-1991`` (Figure 1), ``march-1991-learners`` (Figures 2-3,
fast and slow learners), ``march-1991-turnover`` (Figure 4) and ``march-1991-turbulence``
(Figure 5); see ``docs/validation.md``.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pyarrow as pa

from sim.experiments.manifest import Manifest
from sim.experiments.statistics import CONFIDENCE_TEXT, welch_interval
from sim.validation.common import (
    Claim,
    Panel,
    axis_values,
    plot_overlay,
    plot_panels,
    weekly_by_run,
    weekly_mean,
)

__all__ = ["MARCH_FIGURE_1", "MARCH_P1", "march", "march_learners", "march_turbulence",
           "march_turnover"]


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


def march(runs: pa.Table, timeseries: pa.Table, manifest: Manifest,
          out: Path) -> list[Claim]:
    """March (1991) Figure 1: equilibrium code knowledge by p1 and p2, and its orderings."""
    p1 = runs["knowledge.socialisation_rate"].to_numpy()
    p2 = runs["knowledge.code_learning_rate"].to_numpy()
    value = runs["value_potential"].to_numpy().astype(float)
    ours = {b: np.array([value[(np.isclose(p1, a)) & (np.isclose(p2, b))].mean()
                         for a in MARCH_P1]) for b in MARCH_FIGURE_1}
    organisations = int(manifest.parameters["org"]["divisions"]) * manifest.replications
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
    plot_overlay(out, "March (1991) Figure 1: equilibrium code knowledge",
          [(f"published recreation, p2 = {b}", x, np.array(v), style)
           for (b, v), style in zip(MARCH_FIGURE_1.items(), ("k:", "k--", "k-"), strict=True)],
          [(f"orglearn, p2 = {b}", x, ours[b]) for b in MARCH_FIGURE_1],
          "socialisation rate p1", "code knowledge, sum(code x reality) / m")
    return claims


# ----------------------------------------------------------------------------- Figures 2-5
# March's own figures after Figure 1 are not available as numbers, nor are those of any
# replication we could find; the settings are those of Watts's reproduction of the figures from
# March's BASIC program (Watts & Gilbert 2014, Simulating Innovation, ch. 4; its BehaviorSpace
# experiments "experiment-Fig2" ... "experiment-Fig5"). The claims are March's, in the words of
# the secondary sources that quote or summarise them.
FIGURE_2_3_SOURCE = "March (1991), Organization Science 2(1), Figs. 2-3"
TURNOVER_QUOTE = ("March (1991), Organization Science 2(1), p. 79 and Fig. 4: \"A modest level "
                  "of turnover, by introducing less socialized people, increases exploration, "
                  "and thereby improves aggregate knowledge\"")
TURBULENCE_SOURCE = "March (1991), Organization Science 2(1), pp. 79-80 and Fig. 5"
UNIFORM_HALF = MARCH_FIGURE_1[0.5][4]  # everyone at p1 = 0.5, p2 = 0.5 (Workiewicz recreation)
PERIOD = 20
_NOTE = "March's curves are not available as numbers; the claims are his orderings."


def _means_by(runs: pa.Table, key: str, kpi: str, values: list, where=None) -> np.ndarray:
    """Mean of a run KPI for each value of one grid axis (optionally within a mask)."""
    axis = runs[key].to_numpy()
    mask = np.ones(axis.size, bool) if where is None else where
    kpis = runs[kpi].to_numpy().astype(float)
    return np.array([kpis[mask & np.isclose(axis, v)].mean() for v in values])


def march_learners(runs: pa.Table, timeseries: pa.Table, manifest: Manifest,
                   out: Path) -> list[Claim]:
    """Figures 2-3: fast and slow learners mixed; equilibrium code and period-20 knowledge."""
    shares = axis_values(manifest, "knowledge.fast_learner_share")
    n = int(manifest.parameters["org"]["employees"]) // int(
        manifest.parameters["org"]["divisions"])
    fast_count = np.array([round(s * n) for s in shares])
    equilibrium = _means_by(runs, "knowledge.fast_learner_share", "value_potential", shares)
    at = {kpi: np.array([weekly_mean(timeseries, kpi, c)[PERIOD]
                         if kpi in timeseries.column_names else np.nan
                         for c in range(len(shares))])
          for kpi in ("code_knowledge", "knowledge_fast_learners", "knowledge_slow_learners")}
    mixed = (fast_count > 0) & (fast_count < n)
    half = int(np.argmin(np.abs(np.array(shares) - 0.5)))
    falling = float(np.corrcoef(fast_count, equilibrium)[0, 1])
    uniform = np.array(MARCH_FIGURE_1[0.5])  # everyone at one p1 (Fig. 1, p2 = 0.5)
    ends = np.abs(equilibrium[[0, -1]] - uniform[[0, -1]])
    gap = at["knowledge_fast_learners"][mixed] - at["knowledge_slow_learners"][mixed]
    claims = [
        Claim(FIGURE_2_3_SOURCE + " (slow learners let the code reach a higher equilibrium)",
              "The more fast learners (p1 = 0.9) among the slow (p1 = 0.1), the lower the "
              "code's equilibrium knowledge",
              f"{equilibrium[0]:.3f} with no fast learner, {equilibrium[half]:.3f} with "
              f"{fast_count[half]}, {equilibrium[-1]:.3f} with all {n}; correlation with the "
              f"number of fast learners {falling:+.2f}", "correlation below -0.9",
              bool(falling < -0.9)),
        Claim(MARCH_SOURCE, "With none or all of them fast, the organisation is Fig. 1's at "
              "p1 = 0.1 or 0.9 (p2 = 0.5)",
              f"none fast {equilibrium[0]:.3f} (published {uniform[0]:.3f}); all fast "
              f"{equilibrium[-1]:.3f} (published {uniform[-1]:.3f})", "both within 0.025",
              bool(ends.max() <= 0.025)),
        Claim(FIGURE_2_3_SOURCE + "; Workiewicz's recreation of Fig. 1 for the uniform case",
              "A mix of slow and fast learners ends better than everyone learning at the same "
              "average rate",
              f"half fast, half slow (mean p1 = 0.5): {equilibrium[half]:.3f}; everyone at "
              f"p1 = 0.5: {UNIFORM_HALF:.3f}", "mix higher",
              bool(equilibrium[half] > UNIFORM_HALF)),
        Claim(FIGURE_2_3_SOURCE + " (most learning is done quickly by the fast learners)",
              f"At period {PERIOD} fast learners know more than slow learners in every mixed "
              "organisation",
              f"fast minus slow learners' knowledge at period {PERIOD}: {gap.min():+.3f} to "
              f"{gap.max():+.3f} over the {int(mixed.sum())} mixes",
              "positive in every mix", bool(gap.size and gap.min() > 0)),
    ]
    plot_panels(out, [
        Panel("Fig. 2: equilibrium code knowledge", "fast learners among 50",
              "code knowledge, sum(code x reality) / m",
              [("orglearn, code at equilibrium (250 periods)", fast_count, equilibrium)],
              [("everyone at the same mean p1 (Fig. 1 recreation)",
                (np.array(MARCH_P1) - 0.1) / 0.8 * n, uniform, "k--")], note=_NOTE),
        Panel(f"Fig. 3: knowledge at period {PERIOD}", "fast learners among 50",
              "knowledge, sum(x reality) / m",
              [("orglearn, code", fast_count, at["code_knowledge"]),
               ("orglearn, fast learners", fast_count, at["knowledge_fast_learners"]),
               ("orglearn, slow learners", fast_count, at["knowledge_slow_learners"])],
              note=_NOTE),
    ])
    return claims


def march_turnover(runs: pa.Table, timeseries: pa.Table, manifest: Manifest,
                   out: Path) -> list[Claim]:
    """Figure 4: period-20 code knowledge against turnover, slow and fast socialisation."""
    rates = np.array(axis_values(manifest, "environment.turnover"), dtype=float)
    p1 = runs["knowledge.socialisation_rate"].to_numpy()
    value = runs["value_potential"].to_numpy().astype(float)
    turnover = runs["environment.turnover"].to_numpy()

    def sample(rate: float, p3: float) -> np.ndarray:
        return value[np.isclose(p1, rate) & np.isclose(turnover, p3)]

    curve = {rate: np.array([sample(rate, p3).mean() for p3 in rates]) for rate in (0.1, 0.9)}
    modest = np.flatnonzero((rates > 0) & (rates <= 0.3))
    best = int(modest[np.argmax(curve[0.9][modest])])
    gain = welch_interval(sample(0.9, rates[best]), sample(0.9, 0.0))
    loss = welch_interval(sample(0.9, rates[best]), sample(0.9, rates[-1]))
    slow_gain = welch_interval(sample(0.1, rates[modest].max()), sample(0.1, 0.0))
    fast, slow = curve[0.9], curve[0.1]
    claims = [
        Claim(TURNOVER_QUOTE, "With fast socialisation (p1 = 0.9), modest turnover raises the "
              f"code's knowledge at period {PERIOD}",
              f"p3 = 0: {fast[0]:.3f}; p3 = {rates[best]:g}: {fast[best]:.3f} (difference "
              f"{CONFIDENCE_TEXT} CI [{gain[0]:+.3f}, {gain[1]:+.3f}])",
              f"difference > 0 with {CONFIDENCE_TEXT} confidence", bool(gain[0] > 0)),
        Claim(TURNOVER_QUOTE + "; too much turnover loses knowledge",
              "Beyond a modest level, more turnover lowers it again",
              f"p3 = {rates[best]:g}: {fast[best]:.3f}; p3 = {rates[-1]:g}: {fast[-1]:.3f} "
              f"(difference {CONFIDENCE_TEXT} CI [{loss[0]:+.3f}, {loss[1]:+.3f}])",
              f"difference > 0 with {CONFIDENCE_TEXT} confidence", bool(loss[0] > 0)),
        Claim("March (1991), Fig. 4 (slow socialisation)",
              "With slow socialisation (p1 = 0.1) turnover does not improve the code",
              f"p3 = 0: {slow[0]:.3f}; p3 = {rates[modest].max():g}: {slow[modest[-1]]:.3f}; "
              f"highest at p3 = {rates[int(np.argmax(slow))]:g}",
              f"no turnover rate > 0 does better than p3 = 0 ({CONFIDENCE_TEXT} CI of the gain "
              "at p3 = "
              f"{rates[modest].max():g} below 0)",
              bool(np.argmax(slow) == 0 and slow_gain[1] < 0)),
    ]
    plot_panels(out, [Panel(
        f"March (1991) Fig. 4: code knowledge at period {PERIOD} by turnover",
        "turnover rate p3", "code knowledge, sum(code x reality) / m",
        [(f"orglearn, p1 = {rate}", rates, curve[rate]) for rate in (0.1, 0.9)], note=_NOTE)])
    return claims


def march_turbulence(runs: pa.Table, timeseries: pa.Table, manifest: Manifest,
                     out: Path) -> list[Claim]:
    """Figure 5: code knowledge over time in a turbulent world, without and with turnover."""
    rates = axis_values(manifest, "environment.turnover")
    without, with_turnover = (weekly_by_run(timeseries, "code_knowledge", rates.index(r))
                              for r in (0.0, max(rates)))
    curve = without.mean(axis=0)
    end = curve.size - 1
    peak = int(np.argmax(curve))
    late = slice(end // 2 + 1, end + 1)
    sustained = welch_interval(with_turnover[:, late].mean(axis=1), without[:, late].mean(axis=1))
    claims = [
        Claim(TURBULENCE_SOURCE, "Without turnover the code's knowledge, once at its peak, "
              "decays as reality changes (no exploration renews it)",
              f"peak {curve[peak]:.3f} at period {peak}; {curve[end]:.3f} at period {end}",
              "at the end at most half the peak", bool(curve[end] <= curve[peak] / 2)),
        Claim(TURBULENCE_SOURCE, f"With turnover (p3 = {max(rates):g}) the code keeps more "
              "knowledge in the long run",
              f"mean over periods {late.start}-{end}: with turnover "
              f"{with_turnover[:, late].mean():.3f}, without {without[:, late].mean():.3f} "
              f"(difference {CONFIDENCE_TEXT} CI [{sustained[0]:+.3f}, {sustained[1]:+.3f}])",
              f"difference > 0 with {CONFIDENCE_TEXT} confidence", bool(sustained[0] > 0)),
    ]
    weeks = np.arange(end + 1)
    plot_panels(out, [Panel(
        "March (1991) Fig. 5: code knowledge when reality changes (p4 = 0.02)", "period",
        "code knowledge, sum(code x reality) / m",
        [("orglearn, no turnover", weeks, curve),
         (f"orglearn, turnover p3 = {max(rates):g}", weeks, with_turnover.mean(axis=0))],
        note=_NOTE)])
    return claims
