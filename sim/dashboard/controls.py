"""The dashboard's controls, derived from the parameter schema (:data:`sim.engine.params.SCHEMA`).

Nothing here repeats a default, a range or a help text: each control is a view of one
:class:`sim.engine.params.Param`. Values typed into the dashboard are parsed and checked by the
schema itself (:meth:`sim.engine.params.Param.parse`, :meth:`sim.engine.params.Params.replace`),
and a value the schema refuses comes back as the schema's own one-line message, keyed by the
control it belongs to, so that the page shows it next to that control and carries on with the
last valid values.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sim.config.scenario import SIZED_BY_CHART
from sim.engine.params import Param, Params, lookup
from sim.errors import ParameterError

__all__ = ["LEADER_KEYS", "SOURCE", "Control", "Edits", "apply_edits", "controls", "shown_value"]

SOURCE = "dashboard"
"""Where values typed into the dashboard come from, as error messages name it."""

LEADER_KEYS: tuple[str, ...] = (
    "org.employees",
    "org.divisions",
    "culture.psychological_safety",
    "culture.competitiveness",
    "culture.recognition",
    "participation.initial_motivation",
    "participation.compulsory",
    "strategy.facilitation_hours",
    "strategy.launch_week",
    "community.cadence",
    "environment.turnover",
    "run.steps",
    "run.seed",
)
"""The parameters a leader changes in the dashboard: the organisation's size and shape, its
culture, how the rollout is resourced and run, and the run itself. Every other parameter keeps
the preset's value (a scenario file sets those)."""


@dataclass(frozen=True)
class Control:
    """One control of the dashboard: a parameter of the schema as the page shows it.

    Attributes:
        param: The schema's parameter (default, range, unit and help all come from it).
    """

    param: Param

    @property
    def key(self) -> str:
        """The dotted key."""
        return self.param.key

    @property
    def label(self) -> str:
        """The parameter's name in words, with its unit."""
        words = self.param.name.replace("_", " ").capitalize()
        unit = self.param.unit
        return f"{words} ({unit})" if unit and unit.lower() not in words.lower() else words

    @property
    def widget(self) -> str:
        """Which widget shows it."""
        if self.param.kind is bool:
            return "switch"
        return "select" if self.param.choices else "text"

    @property
    def hint(self) -> str:
        """The help text and what is allowed, as the page shows them under the control."""
        return f"{self.param.help} ({self.param.allowed()}; default {self.param.default!r})"


def controls(keys: tuple[str, ...] = LEADER_KEYS) -> list[Control]:
    """The controls for ``keys``, in that order, each built from the schema."""
    return [Control(lookup(key, SOURCE)) for key in keys]


def shown_value(params: Params, key: str) -> str | bool:
    """The value of ``key`` as a control shows it: text for numbers, as is otherwise."""
    value = params[key]
    return value if isinstance(value, bool | str) else repr(value)


@dataclass(frozen=True)
class Edits:
    """The outcome of applying what was typed into the controls.

    Attributes:
        params: The base parameters with every accepted value applied.
        errors: ``{key: message}``: the schema's one-line message for each refused value.
        locked: Keys a control may not change for this preset (e.g. the size of an
            organisation read from a chart), with the reason.
    """

    params: Params
    errors: dict[str, str]
    locked: dict[str, str]


def locked_keys(base: Params) -> dict[str, str]:
    """Keys the controls may not change for ``base``, with the reason in words."""
    if not base.org.chart:
        return {}
    return {key: f"set by the organisation chart {base.org.chart}" for key in SIZED_BY_CHART}


def apply_edits(base: Params, typed: Mapping[str, Any]) -> Edits:
    """Apply typed values to ``base``, keeping every value the schema accepts.

    Each value is parsed and range-checked on its own first; then all accepted values are
    applied together and the relations between parameters are checked. A value that breaks a
    relation is dropped and its message is kept under the key the schema names, and the others
    are applied without it, so one bad entry never blocks the rest.

    Args:
        base: The preset's parameters.
        typed: ``{key: value}`` as the controls hold them: text for numbers and choices,
            ``bool`` for switches.

    Returns:
        The parameters to run with, and the messages of refused values.
    """
    locked = locked_keys(base)
    errors: dict[str, str] = {}
    accepted: dict[str, Any] = {}
    for key, value in typed.items():
        if key in locked:
            continue
        spec = lookup(key, SOURCE)
        try:
            accepted[key] = (spec.parse(value.strip(), SOURCE) if isinstance(value, str)
                             else spec.check(value, SOURCE))
        except ParameterError as error:
            errors[key] = str(error)
    while True:
        try:
            return Edits(base.replace(accepted, SOURCE), errors, locked)
        except ParameterError as error:
            culprit = error.key if error.key in accepted else next(
                (k for k in reversed(accepted) if k in str(error)), next(reversed(accepted), None))
            if culprit is None:  # the base itself breaks a relation: nothing typed can fix it
                raise
            errors[culprit] = str(error)
            del accepted[culprit]
