"""The package's architecture, checked: import directions, no circles, public names only.

Packages are layered, lowest first (each package's ``__init__`` docstring says what it is for).
A module may import modules of its own package and of the packages below it, never above;
imports inside ``if TYPE_CHECKING:`` are for type hints only and are not counted.
"""

import ast
from pathlib import Path

SIM = Path(__file__).resolve().parents[1] / "sim"

LAYERS = (
    ("sim.errors", "sim.extras"),
    ("sim.org",),
    ("sim.engine",),
    ("sim.experiments",),
    ("sim.calibration",),
    ("sim.report",),
    ("sim.validation",),
    ("sim.config",),
    ("sim.dashboard",),
    ("sim.workflow", "sim.cli", "sim"),
)


def module_name(path: Path) -> str:
    parts = list(path.relative_to(SIM.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def layer(module: str) -> int:
    best, found = -1, None
    for level, prefixes in enumerate(LAYERS):
        for prefix in prefixes:
            if (module == prefix or module.startswith(prefix + ".")) and len(prefix) > best:
                best, found = len(prefix), level
    assert found is not None, f"{module} is in no layer; add it to LAYERS"
    return found


def is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")


def runtime_imports(tree: ast.AST) -> list[tuple[int, str, list[str]]]:
    """``(line, module, names)`` of every import of a ``sim`` module outside TYPE_CHECKING."""
    found = []

    def visit(node: ast.AST) -> None:
        if isinstance(node, ast.If) and is_type_checking(node):
            for child in node.orelse:
                visit(child)
            return
        if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module and (
                node.module == "sim" or node.module.startswith("sim.")):
            found.append((node.lineno, node.module, [a.name for a in node.names]))
        elif isinstance(node, ast.Import):
            found.extend((node.lineno, a.name, []) for a in node.names
                         if a.name == "sim" or a.name.startswith("sim."))
        for child in ast.iter_child_nodes(node):
            visit(child)

    visit(tree)
    return found


def graph() -> dict[str, dict[str, int]]:
    """``{module: {imported module: line}}``; ``from sim.pkg import module`` counts as a module."""
    modules = {module_name(p): p for p in SIM.rglob("*.py")}
    edges: dict[str, dict[str, int]] = {}
    for name, path in modules.items():
        out = edges.setdefault(name, {})
        for line, target, names in runtime_imports(ast.parse(path.read_text(encoding="utf-8"))):
            subs = [f"{target}.{n}" for n in names if f"{target}.{n}" in modules]
            for t in subs or [target]:
                if t != name:
                    out.setdefault(t, line)
    return edges


def test_every_import_points_down_the_layers():
    wrong = [f"{source} (layer {layer(source)}) imports {target} (layer {layer(target)}) "
             f"at line {line}"
             for source, targets in graph().items() for target, line in targets.items()
             if source != "sim" and layer(target) > layer(source)]
    assert wrong == []


def test_no_modules_import_each_other_in_a_circle():
    edges = graph()
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    cycles: list[list[str]] = []

    def connect(v: str) -> None:  # Tarjan's strongly connected components
        index[v] = low[v] = len(index)
        stack.append(v)
        for w in edges.get(v, {}):
            if w not in index:
                connect(w)
                low[v] = min(low[v], low[w])
            elif w in stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                cycles.append(sorted(component))

    for v in sorted(edges):
        if v not in index:
            connect(v)
    assert cycles == []


def test_the_checks_see_real_imports():
    edges = graph()
    assert "sim.engine.model" in edges["sim.cli"] or any(
        t.startswith("sim.") for t in edges["sim.cli"])
    assert "sim.engine.state" in edges["sim.engine.model"]
    assert layer("sim.engine.model") < layer("sim.report.summary") < layer("sim.cli")


def test_no_module_imports_another_modules_private_names():
    reach_ins = []
    for path in sorted(SIM.rglob("*.py")):
        for line, module, names in runtime_imports(ast.parse(path.read_text(encoding="utf-8"))):
            reach_ins += [f"{path.relative_to(SIM.parent)}:{line} {module}.{name}"
                          for name in names if name.startswith("_") and name != "__version__"]
    assert reach_ins == []


def test_every_package_says_what_it_is_for_and_what_it_may_import():
    vague = [str(p.relative_to(SIM.parent)) for p in SIM.glob("*/__init__.py")
             if "may import" not in (ast.get_docstring(ast.parse(p.read_text())) or "").lower()]
    assert vague == []
