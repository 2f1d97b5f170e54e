"""Presets of the dashboard: the scenario files a leader starts from.

A preset is a scenario file (``scenarios/*.toml``, plus the one given on the command line, which
may read a client's organisation with ``org.chart``), loaded by
:func:`sim.config.scenario.load_scenario` exactly as the command line loads it.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sim.config.scenario import load_scenario, read_toml
from sim.engine.params import Params

__all__ = ["Preset", "find_presets", "scenarios_folder"]


@dataclass(frozen=True)
class Preset:
    """A scenario file offered as a starting point.

    Attributes:
        name: The scenario's name (``scenario.name``, else the file's stem).
        path: The scenario file.
        description: Its ``scenario.description``, if any.
    """

    name: str
    path: Path
    description: str = ""

    def load(self) -> Params:
        """The scenario's parameters (raises the scenario loader's one-line errors)."""
        return load_scenario(self.path)


def scenarios_folder() -> Path:
    """``scenarios/`` of the current folder if there is one, else the one beside the package."""
    here = Path("scenarios")
    return here if here.is_dir() else Path(__file__).resolve().parents[2] / "scenarios"


def _preset(path: Path) -> Preset | None:
    try:
        scenario = read_toml(path).get("scenario", {})
    except Exception:  # a broken file is not offered; loading it on the CLI names the problem
        return None
    scenario = scenario if isinstance(scenario, dict) else {}
    return Preset(str(scenario.get("name") or path.stem), path,
                  str(scenario.get("description") or ""))


def find_presets(extra: Path | None = None, folder: Path | None = None) -> list[Preset]:
    """The presets: ``extra`` (the command line's scenario) first, then ``folder``'s files.

    Args:
        extra: A scenario file given on the command line.
        folder: Folder of scenario files; :func:`scenarios_folder` when ``None``.
    """
    paths = [extra] if extra is not None else []
    folder = folder if folder is not None else scenarios_folder()
    paths += sorted(p for p in folder.glob("*.toml") if extra is None or
                    p.resolve() != extra.resolve())
    presets = [p for p in map(_preset, paths) if p is not None]
    seen: set[str] = set()
    unique = []
    for preset in presets:  # two files may share a scenario name: tell them apart
        name = preset.name if preset.name not in seen else f"{preset.name} ({preset.path.name})"
        seen.add(preset.name)
        unique.append(Preset(name, preset.path, preset.description))
    return unique
