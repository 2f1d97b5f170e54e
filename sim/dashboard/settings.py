"""What the command line hands to the dashboard page: the settings, passed through the environment.

The server (:mod:`sim.dashboard.server`) writes them with :func:`settings_environment` before it
starts the app; the page (:mod:`sim.dashboard.app`) reads them back with
:func:`settings_from_environment` when it is imported.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

__all__ = ["Settings", "settings_environment", "settings_from_environment"]

_SCENARIO_VARIABLE = "ORGLEARN_DASHBOARD_SCENARIO"
_RESULTS_VARIABLE = "ORGLEARN_DASHBOARD_RESULTS"


@dataclass(frozen=True)
class Settings:
    """What the command line handed to the app.

    Attributes:
        scenario: A scenario file to offer first (and open), if any.
        results: A results folder to open in the results viewer, if any.
    """

    scenario: Path | None = None
    results: Path | None = None


def settings_environment(scenario: Path | None, results: Path | None) -> dict[str, str]:
    """The environment variables that hand these settings to the app (absolute paths)."""
    return {_SCENARIO_VARIABLE: str(scenario.resolve()) if scenario else "",
            _RESULTS_VARIABLE: str(results.resolve()) if results else ""}


def settings_from_environment() -> Settings:
    """The settings the server passed to the app through its environment."""
    scenario = os.environ.get(_SCENARIO_VARIABLE) or None
    results = os.environ.get(_RESULTS_VARIABLE) or None
    return Settings(Path(scenario) if scenario else None, Path(results) if results else None)
