"""The tornado chart of a robustness design and the report's sentences on it.

The numbers come from :mod:`sim.experiments.robustness` (paired differences at both ends of each
uncertain parameter) and :mod:`sim.experiments.breakeven` (break-even values); this module draws
:func:`draw_tornado` (bars sorted by swing, largest on top) and writes
:func:`robustness_section`.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from sim.experiments.robustness import CONFIDENCE, Bar, End

__all__ = ["draw_tornado", "robustness_section"]


def draw_tornado(tornados: Mapping[str, tuple[End, list[Bar]]], labels: Mapping[str, str],
                 title: str, path: Path) -> Path:
    """Draw one tornado panel per KPI: each parameter's bar from its low to its high end.

    The bar spans the mean paired difference at the two ends (the low end's mark is hollow,
    the high end's filled), each end with its 95 % interval; the dashed line is the base
    scenario's difference and the solid one zero. A bar is drawn in the warning colour when
    an end has no clear winner, or another winner than the other end or than the scenario.

    Args:
        tornados: ``{kpi: tornado(...)}``.
        labels: Human labels of the KPIs and parameters, by name.
        title: The figure's title (which difference is shown).
        path: The PNG to write.
    """
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    panels = [(k, t) for k, t in tornados.items() if t[1]]
    rows = max((len(bars) for _, (_, bars) in panels), default=1)
    fig, axes = plt.subplots(1, max(len(panels), 1), figsize=(5.2 * max(len(panels), 1),
                                                              1.2 + 0.45 * rows),
                             squeeze=False)
    for ax, (kpi, (base, bars)) in zip(axes[0], panels, strict=False):
        y = np.arange(len(bars))[::-1]
        for yi, bar in zip(y, bars, strict=True):
            lo, hi = bar.low, bar.high
            crosses = lo.includes_zero or hi.includes_zero or bar.flips or bar.against(base)
            colour = "#c0392b" if crosses else "#2c7fb8"
            ax.plot([lo.mean, hi.mean], [yi, yi], color=colour, linewidth=6, alpha=0.55,
                    solid_capstyle="butt")
            for end, face in ((lo, "white"), (hi, colour)):
                if not math.isnan(end.low):
                    ax.plot([end.low, end.high], [yi, yi], color=colour, linewidth=1.2)
                ax.plot(end.mean, yi, "o", color=colour, markerfacecolor=face, markersize=6)
        ax.axvline(0.0, color="black", linewidth=0.8)
        if not math.isnan(base.mean):
            ax.axvline(base.mean, color="grey", linewidth=0.8, linestyle="--")
        ax.set_yticks(y)
        ax.set_yticklabels([f"{labels.get(bar.key, bar.key)}\n{_fmt(bar.low.value)} → "
                            f"{_fmt(bar.high.value)}" for bar in bars], fontsize=8)
        ax.set_title(labels.get(kpi, kpi), fontsize=10)
        ax.set_xlabel("A − B (hollow: low end, filled: high end)", fontsize=8)
        ax.tick_params(axis="x", labelsize=8)
    fig.suptitle(title, fontsize=11)
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def _inline(label: str) -> str:
    """A label inside a sentence: its first letter in lower case (not an acronym's)."""
    return label[:1].lower() + label[1:] if label[1:2].islower() else label


def _fmt(x: float) -> str:
    return f"{x:g}" if not math.isnan(x) else "?"


def robustness_section(tornados: Mapping[str, tuple[End, list[Bar]]], a: str, b: str,
                       labels: Mapping[str, str],
                       breakevens: Sequence[Mapping[str, Any]] = ()) -> str:
    """The report's section on the verdict's robustness, in sentences.

    Args:
        tornados: ``{kpi: tornado(...)}``.
        a: Strategy A.
        b: Strategy B.
        labels: Human labels of the KPIs and parameters.
        breakevens: The rows of ``breakeven.csv`` (:mod:`sim.experiments.breakeven`).
    """
    lines = ["## How robust is the verdict?", "",
             f"Each uncertain parameter was set to the low and to the high end of its range, "
             f"the others at the scenario's values, on the same seeds; the difference is "
             f"`{a}` − `{b}` with its {CONFIDENCE:.0%} interval."]
    for kpi, (base, bars) in tornados.items():
        label = labels.get(kpi, kpi)
        flips = [bar for bar in bars if bar.flips]
        against = [bar for bar in bars if not bar.flips and bar.against(base)]
        unclear = [bar for bar in bars if not bar.flips and not bar.against(base)
                   and (bar.low.includes_zero or bar.high.includes_zero)]
        text = [f"**{label}**: {base.mean:+.3g} [{base.low:+.3g}, {base.high:+.3g}] in the "
                "scenario."]
        for bar in flips:
            text.append(f"The verdict flips over {_inline(labels.get(bar.key, bar.key))}: "
                        f"{bar.low.mean:+.3g} at {_fmt(bar.low.value)}, {bar.high.mean:+.3g} "
                        f"at {_fmt(bar.high.value)}, so a break-even value lies between them.")
        for bar in against:
            ends = bar.against(base)
            said = " and ".join(f"{end.mean:+.3g} at {_fmt(end.value)}" for end in ends)
            where = (f"a break-even value lies between the scenario's value and "
                     f"{_fmt(ends[0].value)}" if len(ends) == 1 else
                     "its effect peaks inside the range, with a break-even value on each "
                     "side of the scenario's value")
            text.append(f"The verdict changes over {_inline(labels.get(bar.key, bar.key))}: "
                        f"{said}, "
                        f"against {base.mean:+.3g} in the scenario; {where}.")
        if unclear:
            text.append("No clear winner at one end of: " + ", ".join(
                _inline(labels.get(bar.key, bar.key)) for bar in unclear) + ".")
        if not flips and not against and not unclear and bars:
            text.append("Neither end of any parameter's range changes the verdict; the "
                        f"largest swing, {bars[0].swing:.3g}, comes from "
                        f"{_inline(labels.get(bars[0].key, bars[0].key))}.")
        for row in (r for r in breakevens if r["kpi"] == kpi):
            name = _inline(labels.get(row["parameter"], row["parameter"]))
            text.append(f"Break-even: `{a}` − `{b}` changes sign at {name} ≈ "
                        f"{row['breakeven']:.3g} (from {row['start_diff']:+.3g} at "
                        f"{_fmt(row['start_value'])} to {row['end_diff']:+.3g} at "
                        f"{_fmt(row['end_value'])}; no clear winner between "
                        f"{_fmt(row['interval_low'])} and {_fmt(row['interval_high'])}).")
        lines += ["", " ".join(text)]
    return "\n".join(lines)
