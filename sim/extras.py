"""Optional dependencies: imported when a feature needs them, with a clear message if missing.

``orglearn[distributed]`` installs Dask (``--executor dask``), ``orglearn[sensitivity]`` SALib
(Sobol' and Morris designs); ``make setup`` installs both from ``requirements.lock``.

May import: nothing of the package (it sits below every layer).
"""

from __future__ import annotations

import importlib
from types import ModuleType

__all__ = ["MissingExtra", "require"]


class MissingExtra(RuntimeError):
    """An optional dependency is needed but not installed; the message says how to install it."""


def require(module: str, extra: str, needed_for: str) -> ModuleType:
    """Import an optional dependency, or raise :class:`MissingExtra` naming its extra.

    Args:
        module: The module to import, e.g. ``"SALib.sample.sobol"``.
        extra: The orglearn extra that installs it, e.g. ``"sensitivity"``.
        needed_for: What needs it, for the message, e.g. ``"design 'sobol'"``.
    """
    try:
        return importlib.import_module(module)
    except ImportError:
        top = module.partition(".")[0]
        raise MissingExtra(f"{needed_for} needs {top}, which is not installed; install it "
                           f"with `pip install 'orglearn[{extra}]'` (or `make setup`)") from None
