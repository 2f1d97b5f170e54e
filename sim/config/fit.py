"""Whether an organisation suits what is asked of it, checked before anything runs.

Two things make a comparison on a client's organisation say little or nothing, and both are
known before the first week is simulated:

* a strategy that needs reporting lines (``leader_cascade`` enrols the hierarchy level by
  level) on an organisation without any — a partnership, or a collaboration export with no
  managers: :func:`strategies_without_hierarchy` names them, and :func:`check_hierarchy`
  refuses them in one line;
* a start that is already high: unofficial groups that cover much of a small organisation
  at week 0 (:func:`start_caveats`).

The organisation is built as a run builds it (same parameters, same seed), once;
:func:`built_lines` describes it for ``orglearn inspect``.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np

from sim.engine.params import Params
from sim.engine.rng import Streams
from sim.engine.strategies import STRATEGIES
from sim.errors import ParameterError
from sim.org.build import build_organisation
from sim.org.chart import read_chart
from sim.org.generator import Organisation
from sim.org.summary import counted
from sim.report.caveats import HIGH_START

__all__ = ["built_lines", "check_hierarchy", "division_names", "flat_text", "organisation",
           "reporting_lines", "start_caveats", "strategies_without_hierarchy"]


def organisation(params: Params) -> Organisation:
    """The organisation a run of ``params`` starts from (its ``org`` stream, its seed)."""
    return build_organisation(params.org, Streams(int(params.run.seed))["org"])


def division_names(params: Params) -> tuple[str, ...]:
    """The divisions' names: a chart's division labels, else ``1`` to ``D`` (synthetic)."""
    if params.org.chart:
        from sim.org.chart import read_chart

        return read_chart(params.org.chart).division_names
    return tuple(str(d + 1) for d in range(params.org.divisions))


def reporting_lines(params: Params) -> int:
    """How many people have a line manager (a synthetic organisation: all but its heads)."""
    if not params.org.chart:
        return params.org.employees - params.org.divisions
    return int((read_chart(params.org.chart).manager >= 0).sum())


def strategies_without_hierarchy(params: Params, strategies: Iterable[str]) -> list[str]:
    """The strategies among ``strategies`` that need reporting lines the organisation lacks."""
    needing = [s for s in strategies if STRATEGIES[s].needs_hierarchy]
    return needing if needing and reporting_lines(params) == 0 else []


def flat_text(params: Params) -> str:
    """``org.chart = 'x.csv' has no reporting lines (156 people, 0 managers)``."""
    where = f"org.chart = {params.org.chart!r}" if params.org.chart else "the organisation"
    return f"{where} has no reporting lines ({params.org.employees:,} people, 0 managers)"


def check_hierarchy(params: Params, strategies: Iterable[str], source: str, key: str) -> None:
    """Refuse strategies that need reporting lines on an organisation without any.

    Raises:
        ParameterError: Naming the first such strategy, what it does with reporting lines
            and that the organisation has none.
    """
    flat = strategies_without_hierarchy(params, strategies)
    if flat:
        name = flat[0]
        raise ParameterError(source, key, name,
                             f"allowed: strategies that need no reporting lines: "
                             f"{flat_text(params)} and {name} needs them "
                             f"({STRATEGIES[name].needs_hierarchy}); leave {name} out")


def start_caveats(params: Params, org: Organisation | None = None) -> list[str]:
    """Sentences on a start that is already high; ``[]`` when it is not."""
    org = org if org is not None else organisation(params)
    if not org.groups:
        return []
    covered = np.unique(np.concatenate(org.groups)).size / org.n
    if covered < HIGH_START:
        return []
    o = params.org
    how = ("as set" if "org.unofficial_groups" in params.explicit
           else "scaled with the organisation's size")
    return [f"{covered:.0%} of the organisation's {org.n:,} people are in its "
            f"{len(org.groups)} unofficial groups ({o.unofficial_group_size_min}–"
            f"{o.unofficial_group_size_max} people each, org.unofficial_groups = "
            f"{o.unofficial_groups} {how}) at week 0, before any strategy acts: reach and "
            "speed will say little about the strategies; lower org.unofficial_groups or the "
            "group sizes."]


def built_lines(params: Params, org: Organisation | None = None) -> list[str]:
    """The organisation as a run builds it, in a few lines of counts (no id, no label).

    People, reporting lines (a synthetic organisation), all ties with the formal ones added,
    boundary spanners, the unofficial groups at week 0 and the strategies it does not suit.
    """
    org = org if org is not None else organisation(params)
    lines = []
    if not params.org.chart:
        managed = org.manager >= 0
        managers = np.unique(org.manager[managed]).size
        lines += [f"synthetic organisation: {org.n:,} people in "
                  f"{counted(org.n_divisions, 'division')}",
                  f"reporting lines: {int(managed.sum()):,} people with a manager, "
                  f"{counted(managers, 'manager')}, "
                  f"{counted(int(org.depth.max()) + 1, 'level')}"]
    degree = np.diff(org.ties.indptr)
    lo = np.repeat(np.arange(org.n), degree)
    cross = float(np.mean(org.division[lo] != org.division[org.ties.indices])) if lo.size else 0.0
    lines.append(f"ties in the model (formal and informal): {org.ties.nnz // 2:,}, "
                 f"{degree.mean():.1f} per person; {cross:.0%} cross divisions; "
                 f"{int((degree == 0).sum()):,} people without any")
    lines.append(f"boundary spanners: {int(org.is_spanner.sum()):,}")
    covered = np.unique(np.concatenate(org.groups)).size if org.groups else 0
    how = ("as set" if "org.unofficial_groups" in params.explicit
           else "scaled with the size")
    share = covered / org.n
    shown = f"{share:.1%}" if 0 < share < 0.01 else f"{share:.0%}"
    lines.append(f"unofficial groups at week 0: {len(org.groups):,} ({how}), "
                 f"{shown} of the people in them")
    flat = strategies_without_hierarchy(params, STRATEGIES)
    if flat:
        lines.append(f"strategies it does not suit: {', '.join(flat)} (no reporting lines)")
    return lines
