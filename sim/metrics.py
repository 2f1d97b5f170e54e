"""Key performance indicators (KPIs), measured at the end of every step.

Each KPI is one number per week. :data:`KPIS` documents every KPI with its formula; the
per-division knowledge columns ``knowledge_div_<d>`` follow the fixed ones.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from sim.state import Engagement, State, Status

__all__ = ["KPIS", "Kpi", "Recorder", "measure"]


@dataclass(frozen=True)
class Kpi:
    """A documented KPI.

    Attributes:
        name: Column name.
        formula: How it is computed, in words and symbols.
        unit: Unit of the value.
    """

    name: str
    formula: str
    unit: str


KPIS: tuple[Kpi, ...] = (
    Kpi("step", "Week number; 0 is the state before the first step.", "week"),
    Kpi("aware_share", "Share of employees at 'aware' or above.", "share"),
    Kpi("participating_share", "Share of employees at 'lurker' or above (members of at least one "
        "community).", "share"),
    Kpi("contributing_share", "Share of employees at 'contributor' or above.", "share"),
    Kpi("champion_share", "Share of employees at 'champion'.", "share"),
    Kpi("mean_knowledge", "Mean over employees of (1/m) sum_d belief_d * reality_d: correct minus "
        "wrong beliefs per dimension (March 1991's knowledge score), in [-1, 1].", "score"),
    Kpi("performance", "Expected share of correct actions: (correct beliefs + unknown/2) / m, "
        "averaged over employees.", "share"),
    Kpi("error_rate", "1 - performance: expected share of actions that are wrong.", "share"),
    Kpi("division_knowledge_sd", "Standard deviation of the divisions' mean knowledge "
        "(inequality between divisions).", "score"),
    Kpi("code_knowledge", "Mean over live communities of (1/m) sum_d code_d * reality_d; 0 when "
        "there is none.", "score"),
    Kpi("active_communities", "Communities that are active (big enough and not dormant).", "count"),
    Kpi("dormant_communities", "Communities that have gone dormant.", "count"),
    Kpi("meetings", "Community meetings held this week.", "count"),
    Kpi("silo_index", "Share of this week's person-to-person knowledge exchanges (work ties and "
        "meetings) between two people of the same division; empty weeks carry the last value.",
        "share"),
    Kpi("standards_adopted", "Cumulative number of practices that became standards.", "count"),
    Kpi("standards_correct", "Dimensions whose current standard matches reality.", "count"),
)


def _knowledge(beliefs: np.ndarray, reality: np.ndarray) -> np.ndarray:
    """March's knowledge score of each row: (correct - wrong) / m."""
    return (beliefs.astype(np.int32) @ reality.astype(np.int32)) / beliefs.shape[1]


def measure(state: State, previous_silo: float = float("nan")) -> dict[str, float]:
    """Measure every KPI on the current state.

    Args:
        state: Run state at the end of a step.
        previous_silo: Last week's silo index, carried over when no exchange happened.

    Returns:
        Mapping from KPI name to value, fixed KPIs first, then ``knowledge_div_<d>``.
    """
    e, c, world, week = state.employees, state.communities, state.world, state.week
    n, m = e.beliefs.shape
    knowledge = _knowledge(e.beliefs, world.reality)
    correct = (e.beliefs == world.reality[None, :]).sum(axis=1)
    unknown = (e.beliefs == 0).sum(axis=1)
    performance = float(((correct + 0.5 * unknown) / m).mean())
    n_div = int(e.division.max()) + 1
    by_division = np.bincount(e.division, weights=knowledge, minlength=n_div) / np.bincount(
        e.division, minlength=n_div)
    live = c.live
    code_knowledge = float(_knowledge(c.code[live], world.reality).mean()) if live.any() else 0.0
    silo = (week.exchanges_within / week.exchanges_total if week.exchanges_total
            else previous_silo)
    values = {
        "step": float(state.step),
        "aware_share": float((e.engagement >= Engagement.AWARE).mean()),
        "participating_share": float((e.engagement >= Engagement.LURKER).mean()),
        "contributing_share": float((e.engagement >= Engagement.CONTRIBUTOR).mean()),
        "champion_share": float((e.engagement == Engagement.CHAMPION).mean()),
        "mean_knowledge": float(knowledge.mean()),
        "performance": performance,
        "error_rate": 1.0 - performance,
        "division_knowledge_sd": float(by_division.std()),
        "code_knowledge": code_knowledge,
        "active_communities": float((c.used & (c.status == Status.ACTIVE)).sum()),
        "dormant_communities": float((c.used & (c.status == Status.DORMANT)).sum()),
        "meetings": float(week.meets.sum()),
        "silo_index": float(silo),
        "standards_adopted": float(world.standards_adopted),
        "standards_correct": float((world.standards == world.reality).sum()),
    }
    values.update({f"knowledge_div_{d}": float(k) for d, k in enumerate(by_division)})
    return values


@dataclass
class Recorder:
    """Collects the KPIs of every step into columns."""

    rows: list[dict[str, float]] = field(default_factory=list)

    def record(self, state: State) -> dict[str, float]:
        """Measure the state and append the row; return it."""
        previous = self.rows[-1]["silo_index"] if self.rows else float("nan")
        row = measure(state, previous)
        self.rows.append(row)
        return row

    def columns(self) -> dict[str, np.ndarray]:
        """The time series as ``{kpi: (steps + 1,) array}``, in column order."""
        if not self.rows:
            return {}
        return {k: np.array([r[k] for r in self.rows]) for k in self.rows[0]}
