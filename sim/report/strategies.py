"""The report's section on the strategies compared and the budget they share.

A client reads which rollouts were set against each other, what each one does, with which of
its own settings, and that every one had the same facilitation budget: the numbers come from
the strategy registry (:data:`sim.engine.strategies.STRATEGIES`) and the run's parameters in
the manifest.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from sim.engine.strategies import STRATEGIES
from sim.report.formats import format_level, markdown_table

__all__ = ["strategies_section"]


def strategies_section(strategies: Sequence[str], parameters: Mapping[str, Any],
                       steps: int) -> str:
    """``## The strategies compared and the budget``: one row per strategy, then the budget.

    Args:
        strategies: The strategies compared, in report order.
        parameters: The run's parameters by section (the manifest's ``parameters``).
        steps: Weeks simulated.

    Returns:
        The section's Markdown; empty without strategies.
    """
    if not strategies:
        return ""
    shared = parameters.get("strategy", {})
    community = parameters.get("community", {})
    rows = []
    for name in strategies:
        cls = STRATEGIES.get(name)
        if cls is None:
            rows.append([f"`{name}`", "(not a strategy of this version)", "—"])
            continue
        own = parameters.get(f"strategy.{name}", {})
        settings = "; ".join(_setting(p.title, own.get(p.name, p.default), p.unit)
                             for p in cls.parameters) or "—"
        rows.append([f"`{name}`", cls.summary, settings])
    hours = shared.get("facilitation_hours")
    launch = shared.get("launch_week", 1)
    per_member = community.get("hours_per_member")
    budget = []
    if isinstance(hours, int | float):
        weeks = max(steps - int(launch) + 1, 0)
        budget.append(f"Every strategy has the same budget: **{format_level(float(hours))} "
                      f"facilitator hours a week** from week {launch}, "
                      f"{float(hours) * weeks:,.0f} hours over the {steps} weeks, "
                      "shared evenly over its live official communities. A strategy that runs "
                      "more groups spreads the same hours thinner.")
        if isinstance(per_member, int | float) and per_member > 0:
            budget.append(f"A community is fully facilitated at {format_level(per_member)} "
                          f"hours per member and week, so the budget fully covers "
                          f"{float(hours) / per_member:,.0f} members at a time.")
    parts = ["## The strategies compared and the budget",
             markdown_table(["Strategy", "What it does", "Its settings"], rows), " ".join(budget)]
    return "\n\n".join(p for p in parts if p)


def _setting(title: str, value: Any, unit: str) -> str:
    """``wave every 8 weeks``, ``umbrella yes``, ``momentum 0.4``."""
    if isinstance(value, bool):
        return f"{title.lower()} {'yes' if value else 'no'}"
    shown = unit if unit and unit[0].isalpha() else ""
    return f"{title.lower()} {format_level(value)}" + (f" {shown}" if shown else "")
