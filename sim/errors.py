"""The errors of bad input, and how their one-line messages show values.

Every layer raises these two; the command line prints their message as it is (one line that
names the file, the key, the value and what is allowed) and exits with code 2.
"""

from __future__ import annotations

import reprlib
from typing import Any

__all__ = ["MAX_SHOWN", "ParameterError", "ScenarioError", "one_line", "shown"]

MAX_SHOWN = 120
"""Longest value shown in an error message; longer ones are cut (the message stays one line)."""


class _ShortRepr(reprlib.Repr):
    """``repr`` of a value for a message: shallow, short, and safe for any integer."""

    def repr_int(self, x: int, level: int) -> str:
        if x.bit_length() > 256:  # repr() refuses integers of more than 4,300 digits
            return f"(an integer of {x.bit_length()} bits)"
        return super().repr_int(x, level)


_SHORT = _ShortRepr(maxlevel=3, maxstring=MAX_SHOWN, maxother=MAX_SHOWN, maxlong=80)


def shown(value: Any) -> str:
    """A value as an error message shows it: its ``repr``, cut to about :data:`MAX_SHOWN`."""
    text = _SHORT.repr(value)
    return text if len(text) <= MAX_SHOWN else text[:MAX_SHOWN - 3] + "..."


def one_line(text: str) -> str:
    """``text`` with line breaks and other unprintable characters escaped as Python does."""
    return "".join(c if c.isprintable() else c.encode("unicode_escape").decode("ascii")
                   for c in text)


class ParameterError(ValueError):
    """A parameter value that the schema does not allow.

    The message is a single line that names where the value came from, the key, the value and
    what is allowed, so that the command line can print it as it is.

    Attributes:
        source: Where the value came from (a file path or ``--set``).
        key: The dotted key, e.g. ``knowledge.socialisation_rate``.
        value: The offending value (as given).
        allowed: A short description of what is allowed.
    """

    def __init__(self, source: str, key: str, value: Any, allowed: str) -> None:
        self.source, self.key, self.value, self.allowed = source, key, value, allowed
        message = f"{source}: {key} = {shown(value)} is not allowed; {allowed}"
        super().__init__(one_line(message))


class ScenarioError(ValueError):
    """A scenario or experiment file that cannot be read: missing, unreadable, not TOML."""
