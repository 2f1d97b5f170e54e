"""The names people read for parameters and KPIs, from the schema and the KPI registries.

Reports, figures and the HTML page never show a raw key such as ``org.cross_division_share``
where a label exists: a parameter is named by its schema :attr:`~sim.engine.fields.Param.title`
(its ``label``, or its name in words), a run KPI by its
:attr:`~sim.engine.metrics.RunKpi.label`, a weekly KPI by its name in words. An unknown name
(a column a later version added, say) is shown as it is.
"""

from __future__ import annotations

from sim.engine.metrics import KPIS, RUN_KPIS
from sim.engine.params import lookup
from sim.errors import ParameterError

__all__ = ["in_sentence", "kpi_label", "parameter_label", "parameter_labels"]

_RUN = {k.name: k for k in RUN_KPIS}
_WEEKLY = {k.name for k in KPIS}
_WEEKLY_LABELS = {
    "aware_share": "Aware",
    "participating_share": "Participating (enrolment included)",
    "voluntary_share": "Participating by choice",
    "enrolled_share": "Enrolled only",
    "contributing_share": "Contributing",
    "champion_share": "Champions",
    "mean_knowledge": "Knowledge (March's score, -1 to 1)",
    "silo_index": "Silo index (exchanges within a division)",
    "active_communities": "Active communities",
    "dormant_communities": "Dormant communities",
    "division_knowledge_sd": "Inequality between divisions",
    "code_knowledge": "Knowledge in the communities' repositories",
    "attending_share": "Attending a meeting",
    "spanner_load": "Communities per boundary spanner",
}
"""Labels of the weekly KPIs whose name in words does not say enough."""


def parameter_label(key: str) -> str:
    """The schema's title of a dotted parameter key (``Cross-division ties``)."""
    try:
        return lookup(key, "").title
    except ParameterError:
        return key


def parameter_labels(keys: list[str] | tuple[str, ...]) -> list[str]:
    """:func:`parameter_label` of each key; a title two keys share gets its section added."""
    titles = [parameter_label(k) for k in keys]
    return [f"{t} ({k.rpartition('.')[0]})" if titles.count(t) > 1 else t
            for t, k in zip(titles, keys, strict=True)]


def kpi_label(name: str) -> str:
    """The label of a run KPI (``Knowledge (end)``), or a weekly KPI's name in words."""
    if name in _RUN:
        return _RUN[name].label
    if name in _WEEKLY:
        return _WEEKLY_LABELS.get(name) or name.replace("_", " ").capitalize()
    return name


def in_sentence(label: str) -> str:
    """A label inside a sentence: its first letter in lower case, unless it is an acronym's."""
    return label[:1].lower() + label[1:] if label[1:2].islower() else label
