"""Rewrite scenarios/default.toml from the parameter schema (run after changing a default).

Usage: .venv/bin/python scripts/write-default-scenario.py
"""

from pathlib import Path

from sim.config.scenario import to_toml
from sim.engine.params import Params

HEADER = """\
# orglearn default scenario: a 1,000-person organisation in five divisions that starts one
# organisation-wide learning network. Every key is listed with its meaning, unit, allowed values
# and source; a variant scenario only needs the keys it changes (the rest keep these defaults).
# Written by scripts/write-default-scenario.py from the schema in sim/engine/parameters.py.

"""
DESCRIPTION = ("A 1,000-person organisation in five divisions launches one organisation-wide "
               "learning network.")

path = Path(__file__).resolve().parents[1] / "scenarios" / "default.toml"
params = Params().replace({"scenario.description": DESCRIPTION})
path.write_text(HEADER + to_toml(params), encoding="utf-8")
print(f"wrote {path}")
