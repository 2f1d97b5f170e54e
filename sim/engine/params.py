"""The parameter schema and the values of a run: :class:`Params`.

Every parameter is declared once: the model's own in :mod:`sim.engine.parameters`, each rollout
strategy's beside its class in :mod:`sim.engine.strategies`, with the declaration machinery
(:class:`Param`) in :mod:`sim.engine.fields`. :data:`SCHEMA` is their assembly. Scenario files
(:mod:`sim.config.scenario`), CLI overrides, the documentation and the dashboard are all derived
from it; nothing else in the package repeats a default. This module holds a run's values
(:class:`Params`, with :class:`Section` views), finds parameters by key (:func:`lookup`) and
checks the constraints between parameters (:meth:`Params.check_relations`).

Time is measured in weeks: one model step is one week.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from sim.engine.fields import PATH, PATH_HELP, SAFE_NAME, SAFE_NAME_HELP, Param, Value, param
from sim.engine.parameters import SCHEMA
from sim.errors import ParameterError, one_line, shown

__all__ = [
    "PATH",
    "PATH_HELP",
    "SAFE_NAME",
    "SAFE_NAME_HELP",
    "SCHEMA",
    "Param",
    "ParameterError",
    "Params",
    "Section",
    "Value",
    "iter_params",
    "lookup",
    "one_line",
    "param",
    "sections",
    "shown",
    "uncertain_parameters",
]

_BY_KEY: dict[str, Param] = {p.key: p for p in SCHEMA}
_SCALED: tuple[Param, ...] = tuple(p for p in SCHEMA if p.scaled is not None)


def sections() -> list[str]:
    """Return the section names in schema order."""
    return list(dict.fromkeys(p.section for p in SCHEMA))


def uncertain_parameters() -> tuple[Param, ...]:
    """The context parameters with a plausible range, in schema order.

    What a robustness analysis varies when told nothing else (see
    :class:`~sim.engine.fields.Plausible`).
    """
    return tuple(p for p in SCHEMA if p.plausible is not None)


def lookup(key: str, source: str, value: Any = "(unknown key)") -> Param:
    """Find a parameter by dotted key.

    Args:
        key: Dotted key such as ``org.employees``.
        source: Where the key came from, used in the error message.
        value: The value given for the key, shown in the error message.

    Raises:
        ParameterError: If there is no such parameter; the message suggests close matches.
    """
    try:
        return _BY_KEY[key]
    except KeyError:
        close = difflib.get_close_matches(key, _BY_KEY, n=3, cutoff=0.6)
        hint = f"did you mean {', '.join(close)}?" if close else "see `orglearn list params`"
        raise ParameterError(source, key, value, f"no such parameter; {hint}") from None


class Section(Mapping[str, Value]):
    """Read-only view of one section of :class:`Params`, with attribute access."""

    def __init__(self, name: str, values: dict[str, Value]) -> None:
        self._name, self._values = name, values

    def __getattr__(self, item: str) -> Value:
        if item.startswith("_"):
            raise AttributeError(item)
        try:
            return self._values[item]
        except KeyError:
            raise AttributeError(f"no parameter {self._name}.{item}") from None

    def __getitem__(self, item: str) -> Value:
        return self._values[item]

    def __iter__(self) -> Iterator[str]:
        return iter(self._values)

    def __len__(self) -> int:
        return len(self._values)

    def __repr__(self) -> str:
        return f"Section({self._name!r}, {self._values!r})"


@dataclass(frozen=True)
class Params:
    """A complete, validated set of parameter values.

    Access values by section and name, ``params.org.employees``, or by dotted key,
    ``params["org.employees"]``. Instances are immutable; :meth:`replace` returns a copy.

    Parameters with a scaled default (:class:`sim.engine.fields.Scaled`, e.g. the number of
    unofficial groups) follow the organisation's size: :meth:`replace` recomputes each of them
    that has not been set itself, so a scenario that changes ``org.employees`` (or a chart
    that gives it) gets them in proportion. The defaults are the rules' values for 1,000
    employees.

    Attributes:
        values: Mapping from dotted key to value, one entry per schema parameter.
        explicit: Keys given a value by a scenario file, an override or an experiment (not
            compared: two sets of equal values are equal however they came about).
    """

    values: dict[str, Value] = field(default_factory=lambda: {p.key: p.default for p in SCHEMA})
    explicit: frozenset[str] = field(default=frozenset(), compare=False)

    def __post_init__(self) -> None:
        missing = set(_BY_KEY) - set(self.values)
        if missing:
            raise KeyError(f"missing parameters: {sorted(missing)}")
        views: dict[str, dict[str, Value]] = {}
        for key, value in self.values.items():
            section, _, name = key.rpartition(".")
            views.setdefault(section, {})[name] = value
        object.__setattr__(self, "_sections",
                           {name: Section(name, vals) for name, vals in views.items()})

    def __getattr__(self, section: str) -> Section:
        if section.startswith("_") or section == "values":
            raise AttributeError(section)
        try:
            return self._sections[section]
        except KeyError:
            raise AttributeError(f"no parameter section {section!r}") from None

    def __getitem__(self, key: str) -> Value:
        return self.values[key]

    def section(self, name: str) -> Section:
        """The section called ``name``, including nested ones such as ``strategy.leader_cascade``.

        Raises:
            KeyError: If there is no such section.
        """
        return self._sections[name]

    def replace(self, updates: Mapping[str, Any], source: str = "override") -> Params:
        """Return a copy with some values replaced, each validated against the schema.

        Args:
            updates: Mapping from dotted key to new value.
            source: Where the updates came from, used in error messages.

        Raises:
            ParameterError: On an unknown key or a value that is not allowed.
        """
        values = dict(self.values)
        for key, value in updates.items():
            values[key] = lookup(key, source, value).check(value, source)
        explicit = self.explicit | set(updates)
        for p in _SCALED:
            if p.key not in explicit:
                values[p.key] = p.check(p.scaled.rule(values), "the scaled default")
        result = Params(values, frozenset(explicit))
        result.check_relations(source)
        return result

    def check_relations(self, source: str) -> None:
        """Check constraints that involve more than one parameter.

        Raises:
            ParameterError: If a constraint between parameters is violated.
        """
        o, p = self.org, self.participation
        if o.unofficial_group_size_max < o.unofficial_group_size_min:
            raise ParameterError(source, "org.unofficial_group_size_max",
                                 o.unofficial_group_size_max,
                                 f"allowed: at least org.unofficial_group_size_min "
                                 f"({o.unofficial_group_size_min})")
        if o.unofficial_energy_max < o.unofficial_energy_min:
            raise ParameterError(source, "org.unofficial_energy_max", o.unofficial_energy_max,
                                 f"allowed: at least org.unofficial_energy_min "
                                 f"({o.unofficial_energy_min})")
        capacity = self.community.max_communities
        if o.unofficial_groups >= capacity:
            raise ParameterError(source, "org.unofficial_groups", o.unofficial_groups,
                                 f"allowed: at most community.max_communities - 1 "
                                 f"({capacity - 1}), so that a strategy can open a community")
        if o.divisions > o.employees:
            raise ParameterError(source, "org.divisions", o.divisions,
                                 f"allowed: at most org.employees ({o.employees})")
        if o.collaboration and not o.chart:
            raise ParameterError(source, "org.collaboration", o.collaboration,
                                 "allowed: empty unless org.chart names an employees file")
        if o.informal_degree % 2 and o.informal_network == "small_world":
            raise ParameterError(source, "org.informal_degree", o.informal_degree,
                                 "allowed: an even number when org.informal_network is "
                                 "'small_world' (ties come in ring-lattice pairs)")
        k = self.knowledge
        if k.landscape == "nk" and k.dimensions > 24:
            raise ParameterError(source, "knowledge.dimensions", k.dimensions,
                                 "allowed: at most 24 when knowledge.landscape is 'nk' (its "
                                 "best practice is found by enumeration)")
        if k.landscape == "nk" and k.nk_interactions >= k.dimensions:
            raise ParameterError(source, "knowledge.nk_interactions", k.nk_interactions,
                                 f"allowed: less than knowledge.dimensions ({k.dimensions}) "
                                 "when knowledge.landscape is 'nk'")
        if k.landscape == "nk" and self.environment.turbulence > 0:
            raise ParameterError(source, "environment.turbulence", self.environment.turbulence,
                                 "allowed: 0 when knowledge.landscape is 'nk' (turbulence "
                                 "flips reality, which on an NK landscape is its optimum)")
        if p.threshold_type == "fraction" and p.threshold_mean > 1:
            raise ParameterError(source, "participation.threshold_mean", p.threshold_mean,
                                 "allowed: at most 1 when participation.threshold_type is "
                                 "'fraction'")

    def nested(self) -> dict[str, dict[str, Value]]:
        """Return the values as ``{section: {name: value}}``, in schema order."""
        out: dict[str, dict[str, Value]] = {}
        for p in SCHEMA:
            out.setdefault(p.section, {})[p.name] = self.values[p.key]
        return out

    def diff(self, other: Params) -> dict[str, tuple[Value, Value]]:
        """Return ``{key: (self_value, other_value)}`` for every key where the two differ."""
        return {k: (v, other.values[k]) for k, v in self.values.items() if other.values[k] != v}


def iter_params(section: str | None = None) -> Iterable[Param]:
    """Iterate over the schema, optionally restricted to one section."""
    return (p for p in SCHEMA if section is None or p.section == section)
