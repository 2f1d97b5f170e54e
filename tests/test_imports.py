"""Modules use each other's public names only."""

import ast
from pathlib import Path

SIM = Path(__file__).resolve().parents[1] / "sim"


def test_no_module_imports_another_modules_private_names():
    reach_ins = []
    for path in sorted(SIM.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("sim"):
                reach_ins += [f"{path.relative_to(SIM.parent)}:{node.lineno} {node.module}."
                              f"{alias.name}" for alias in node.names
                              if alias.name.startswith("_") and alias.name != "__version__"]
    assert reach_ins == []
