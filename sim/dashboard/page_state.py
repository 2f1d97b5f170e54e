"""The page's state: the settings it was started with, the presets, and what the user picked.

Module-level :func:`solara.reactive` variables, shared by the page's components (and by every
visitor of the page: the dashboard is for one person at a time on their own machine).
"""

from __future__ import annotations

import solara

from sim.dashboard.presets import Preset, find_presets
from sim.dashboard.race import DEFAULT_STRATEGIES
from sim.dashboard.settings import settings_from_environment

__all__ = ["bands_on", "colour_by", "current_preset", "gap_kpi", "preset_name", "presets",
           "replications", "replications_text", "settings", "speed", "strategy_a",
           "strategy_b", "tab", "typed"]

settings = settings_from_environment()
"""What the command line handed to the page (a scenario to open, a results folder to show)."""
presets: list[Preset] = find_presets(settings.scenario)
"""The scenarios offered, the command line's first."""
_first = next((p for p in presets if settings.scenario is None and p.name == "default"),
              presets[0] if presets else None)

preset_name = solara.reactive(_first.name if _first else "")
strategy_a = solara.reactive(DEFAULT_STRATEGIES[0])
strategy_b = solara.reactive(DEFAULT_STRATEGIES[1])
typed = solara.reactive({})
"""The values typed into the controls, by dotted key, over the preset's."""
colour_by = solara.reactive("engagement")
gap_kpi = solara.reactive("participating_share")
bands_on = solara.reactive(False)
replications_text = solara.reactive("20")
speed = solara.reactive(10)
tab = solara.reactive(1 if settings.results is not None else 0)


def current_preset() -> Preset | None:
    """The preset picked, if there is one by that name."""
    return next((p for p in presets if p.name == preset_name.value), None)


def replications() -> int | None:
    """The paired replications typed for the bands, or ``None`` if not an integer in [2, 1000]."""
    try:
        value = int(replications_text.value)
    except ValueError:
        return None
    return value if 2 <= value <= 1000 else None
