"""How a parameter is declared: :class:`Param`, the value it checks, and the text patterns.

A :class:`Param` carries its default, type, allowed range or choices, unit, help text and, where
the number comes from a paper, its source; it checks values read from files and parses text
typed on the command line. This module declares no concrete parameter: the model's own are in
:mod:`sim.engine.parameters`, each strategy's beside its class in :mod:`sim.engine.strategies`,
and :mod:`sim.engine.params` holds the assembled schema and the values of a run.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from sim.errors import ParameterError

__all__ = [
    "PATH",
    "PATH_HELP",
    "SAFE_NAME",
    "SAFE_NAME_HELP",
    "Param",
    "Plausible",
    "Scaled",
    "Value",
    "param",
    "per_employees",
]

Value = int | float | bool | str
"""The type of a parameter value."""

SAFE_NAME = r"[A-Za-z0-9][A-Za-z0-9_.-]{0,63}"
"""Names that become folder names: no path separators, no leading dot, at most 64 characters."""
SAFE_NAME_HELP = ("a name of 1-64 letters, digits, '-', '_' and '.', starting with a letter or "
                  "digit (it names a results folder)")
"""What :data:`SAFE_NAME` allows, in words."""
PATH = "[^\x00]{0,4096}"
"""File paths: at most 4,096 characters (the longest path Linux allows), no NUL character."""
PATH_HELP = "a file path of at most 4096 characters, or empty"
"""What :data:`PATH` allows, in words."""


@dataclass(frozen=True)
class Scaled:
    """A default that follows the organisation's size (and other parameters).

    A parameter with a scaled default takes :attr:`rule` of the other values whenever a
    scenario, an override or an experiment leaves it out, so that a 20-person team and a
    200,000-person company both start from sensible settings; a value that is set is used as
    given. Its declared default is the rule's value for the default organisation (1,000
    people).

    Attributes:
        rule: The value, from ``{dotted key: value}`` of the other parameters.
        text: The rule in words, for the documentation and ``orglearn list params``.
    """

    rule: Callable[[Mapping[str, Any]], Value]
    text: str


def per_employees(per_1000: float, low: int, high: int | str, text: str = "") -> Scaled:
    """A count of ``per_1000`` for every 1,000 employees, rounded, kept in ``[low, high]``.

    Args:
        per_1000: The count per 1,000 employees.
        low: The smallest value.
        high: The largest value, or the dotted key of a parameter whose quarter is the largest
            (``"community.max_communities"``: at most a quarter of the community slots).
        text: Words added to the rule's description.
    """
    def rule(values: Mapping[str, Any]) -> int:
        top = values[high] // 4 if isinstance(high, str) else high
        scaled = math.floor(per_1000 * values["org.employees"] / 1000 + 0.5)
        return int(min(max(scaled, low), top))

    top = f"a quarter of {high}" if isinstance(high, str) else str(high)
    words = (f"scaled with the organisation: {per_1000:g} per 1,000 employees, rounded, at "
             f"least {low} and at most {top}{text}")
    return Scaled(rule, words)


@dataclass(frozen=True)
class Plausible:
    """The range over which a context parameter is uncertain for a typical client.

    Values the schema allows can lie far outside what any organisation shows; a robustness
    analysis varies an uncertain parameter over its plausible range only, and says why.

    Attributes:
        low: The low end.
        high: The high end.
        reason: Why this range, in one sentence (where the numbers come from).
    """

    low: float
    high: float
    reason: str


@dataclass(frozen=True)
class Param:
    """One parameter of the model.

    Attributes:
        section: Section name, the TOML table it lives in (``org``, ``knowledge``, ...).
        name: Key inside the section.
        default: Default value; its Python type is the parameter's type.
        help: One sentence saying what the parameter means.
        unit: Unit of measurement (``"per week"``, ``"people"``, ``"share"``, ...).
        low: Smallest allowed value (numbers only), inclusive.
        high: Largest allowed value (numbers only), inclusive.
        choices: Allowed values (strings only); ``None`` means free text.
        pattern: A regular expression free text must match in full (``""``: any text).
        pattern_help: What ``pattern`` allows, in words, for messages.
        source: Literature source of the default or of the mechanism, if any.
        scaled: A default that follows the organisation's size, if any (:class:`Scaled`).
        plausible: For a context parameter whose value a client rarely knows, the range it is
            varied over when the verdict's robustness is examined (:class:`Plausible`).
        label: A short name for people (figures, reports); by default the name in words.
    """

    section: str
    name: str
    default: Value
    help: str
    unit: str = ""
    low: float | None = None
    high: float | None = None
    choices: tuple[str, ...] | None = None
    source: str = ""
    pattern: str = ""
    pattern_help: str = ""
    scaled: Scaled | None = None
    plausible: Plausible | None = None
    label: str = ""

    @property
    def key(self) -> str:
        """The dotted key, ``section.name``."""
        return f"{self.section}.{self.name}"

    @property
    def title(self) -> str:
        """The name people read: :attr:`label`, or the key's name in words."""
        return self.label or self.name.replace("_", " ").capitalize()

    @property
    def kind(self) -> type:
        """The Python type of the parameter (``bool``, ``int``, ``float`` or ``str``)."""
        return type(self.default)

    def allowed(self) -> str:
        """Describe the allowed values in a few words."""
        kind = self.kind
        if kind is bool:
            return "allowed: true or false"
        if kind is str:
            if self.pattern:
                return f"allowed: {self.pattern_help}"
            if self.choices is None:
                return "allowed: any text"
            return "allowed: one of " + ", ".join(repr(c) for c in self.choices)
        name = "an integer" if kind is int else "a number"
        return f"allowed: {name} in [{_fmt(self.low)}, {_fmt(self.high)}]"

    def check(self, value: Any, source: str) -> Value:
        """Validate a value and return it converted to the parameter's type.

        Args:
            value: The value as read from TOML or parsed from the command line.
            source: Where it came from, used in the error message.

        Returns:
            The value, with integers widened to float for float parameters.

        Raises:
            ParameterError: If the type is wrong or the value is out of range.
        """
        kind = self.kind
        if kind is bool:
            if not isinstance(value, bool):
                raise ParameterError(source, self.key, value, self.allowed())
            return value
        if kind is str:
            if not isinstance(value, str) or (self.choices and value not in self.choices) or (
                    self.pattern and not re.fullmatch(self.pattern, value)):
                raise ParameterError(source, self.key, value, self.allowed())
            return value
        numeric = (int,) if kind is int else (int, float)
        if isinstance(value, bool) or not isinstance(value, numeric):
            raise ParameterError(source, self.key, value, self.allowed())
        if value != value or not (self.low <= value <= self.high):  # NaN fails too
            raise ParameterError(source, self.key, value, self.allowed())
        return kind(value)

    def parse(self, text: str, source: str) -> Value:
        """Parse a command-line string (``--set key=text``) and validate it.

        Args:
            text: The text after ``=``.
            source: Where it came from, used in the error message.

        Returns:
            The validated value.

        Raises:
            ParameterError: If the text does not parse as the parameter's type or is not allowed.
        """
        kind = self.kind
        value: Any = text
        if kind is bool:
            lowered = text.strip().lower()
            value = {"true": True, "false": False}.get(lowered, text)
        elif kind in (int, float):
            try:
                value = int(text)
            except ValueError:
                try:
                    value = float(text) if kind is float else text
                except ValueError:
                    value = text
        return self.check(value, source)


def _fmt(x: float | None) -> str:
    """A range bound as :meth:`Param.allowed` shows it."""
    if x is None:
        return "?"
    return f"{x:g}" if isinstance(x, float) else str(x)


def param(section: str, name: str, default: Value, help: str, **kw: Any) -> Param:
    """Build a :class:`Param`; a short form that keeps tables of declarations readable.

    Args:
        section: Section name (``org``, ``strategy.leader_cascade``, ...).
        name: Key inside the section.
        default: Default value; its type is the parameter's type.
        help: One sentence saying what the parameter means.
        **kw: The other fields of :class:`Param` (``unit``, ``low``, ``high``, ``choices``,
            ``source``, ``pattern``, ``pattern_help``, ``scaled``, ``plausible``, ``label``).
    """
    return Param(section, name, default, help, **kw)
