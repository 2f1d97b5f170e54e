"""Property-based tests: whatever the input, exit 0, or exit 2 and one line; never a traceback.

The contract for input (see :mod:`sim.cli`): ``orglearn validate`` and ``orglearn run`` exit 0,
or exit 2 with exactly one line on stderr, ``orglearn: error: ...``, that names the file (the
scenario or experiment, or the organisation file it names); never another exit code, never a
traceback, and nothing written when the input is refused. And a file that validates also runs.

Every example calls :func:`sim.cli.main` in this process (a process per example would import
mesa each time), under a time limit (:data:`TIME_LIMIT_S`) and a limit on the address space it
may add (:data:`MEMORY_LIMIT`): an input that makes a command hang or allocate without bound
fails its example instead of stalling the machine. "One line" means what
:meth:`str.splitlines` sees: no line break of any kind inside the message.

Properties, their examples and their time when they hold, on this project's two-core machine
(derandomized and without an example database, so that every run draws the same examples):

* random TOML documents (real and garbage keys, deep nesting, huge numbers, NaN and infinity,
  dates, unicode, broken syntax, empty files, non-UTF-8 bytes) -> ``validate``: 400, 14 s;
* random values for every schema parameter (in range, at the bounds, just outside, of the wrong
  type) -> ``validate``: 300, 8 s;
* files of in-range values -> ``validate``, and ``run --steps 1`` when they validate: 150, 16 s;
* random experiment files (all four designs, real and garbage keys) -> ``validate``: 300, 10 s;
* random employees and collaboration CSV files -> ``validate``, and ``run --steps 1`` when they
  validate: 150, 12 s.

The whole module takes about 62 s. A property that fails takes longer: Hypothesis shrinks the
failing example before it reports it.
"""

from __future__ import annotations

import contextlib
import io
import math
import os
import re
import resource
import signal
import tempfile
import tomllib
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta, timezone
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sim.cli import main
from sim.engine.metrics import RUN_KPIS
from sim.engine.params import SCHEMA, Param, sections
from sim.engine.strategies import STRATEGIES
from sim.experiments.design import DESIGNS

pytestmark = pytest.mark.slow  # about a minute in all; `make test-fast` leaves it out

PREFIX = "orglearn: error: "
TIME_LIMIT_S = 20.0
"""Longest a single command may take before its example fails."""
MEMORY_LIMIT = 2 * 2**30
"""Address space (bytes) a single command may add before allocations fail."""


def examples(n: int) -> settings:
    """Settings of a property with ``n`` examples, the same ones on every run."""
    return settings(max_examples=n, deadline=None, derandomize=True, database=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                           HealthCheck.large_base_example,
                                           HealthCheck.filter_too_much])


# --- running the command line in this process -----------------------------------------------


class Overrun(Exception):
    """A command that took longer than :data:`TIME_LIMIT_S`."""


def _address_space() -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmSize:"):
            return int(line.split()[1]) * 1024
    return 0


@contextlib.contextmanager
def limits(seconds: float = TIME_LIMIT_S, memory: int = MEMORY_LIMIT) -> Iterator[None]:
    """Fail what runs inside after ``seconds``; make allocations beyond ``memory`` fail."""
    if not hasattr(signal, "setitimer") or not Path("/proc/self/status").exists():
        yield
        return

    def expire(signum: int, frame: object) -> None:
        raise Overrun(f"the command took more than {seconds:g} s")

    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    cap = _address_space() + memory
    if hard != resource.RLIM_INFINITY:
        cap = min(cap, hard)
    previous = signal.signal(signal.SIGALRM, expire)
    resource.setrlimit(resource.RLIMIT_AS, (cap, hard))
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
        resource.setrlimit(resource.RLIMIT_AS, (soft, hard))


@dataclass(frozen=True)
class Answer:
    """What one ``orglearn`` command did: its exit code and what it printed."""

    code: object
    out: str
    err: str


def orglearn(*args: object) -> Answer:
    """Run ``orglearn ARGS`` in this process; any other exception than an exit propagates."""
    out, err = io.StringIO(), io.StringIO()
    code: object = 0
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err), limits():
        try:
            main([str(a) for a in args])
        except SystemExit as done:
            code = 0 if done.code is None else done.code
    return Answer(code, out.getvalue(), err.getvalue())


def error_line(answer: Answer, *files: Path | str) -> str:
    """The one error line of a refusal, checked to name one of ``files``."""
    lines = answer.err.splitlines()
    assert len(lines) == 1 and answer.err.endswith("\n"), f"not one line: {answer.err!r}"
    line = lines[0]
    assert line.startswith(PREFIX), f"not an error line: {line!r}"
    assert any(str(f) in line for f in files), f"names none of {list(map(str, files))}: {line!r}"
    return line


def assert_exit_0_or_one_line(answer: Answer, *files: Path | str) -> None:
    """Exit 0, or exit 2 with one error line naming one of ``files``; no traceback."""
    printed = answer.out + answer.err
    assert "Traceback" not in printed, printed
    assert answer.code in (0, 2), f"exit code {answer.code!r}; stderr: {answer.err!r}"
    if answer.code == 2:
        error_line(answer, *files)


def listing(folder: Path) -> dict[str, tuple[int, int]]:
    """Every path below ``folder`` with its size and modification time."""
    return {str(p.relative_to(folder)): (p.lstat().st_size, p.lstat().st_mtime_ns)
            for p in folder.rglob("*")}


def validate(folder: Path, path: Path, *named: Path | str) -> Answer:
    """``orglearn validate PATH``, checked against the contract; it writes nothing."""
    before = listing(folder)
    answer = orglearn("validate", path)
    assert_exit_0_or_one_line(answer, path, *named)
    assert listing(folder) == before, "validate wrote or changed files"
    return answer


def named_files(folder: Path, values: dict[str, object]) -> list[str]:
    """The organisation files ``values`` name, as a message about their content names them."""
    files = [values.get(key) for key in ("org.chart", "org.collaboration")]
    return [os.path.normpath(folder / f) for f in files if isinstance(f, str) and f.strip()]


def run_once(folder: Path, path: Path, *named: Path | str, default_out: bool = False) -> None:
    """``orglearn run PATH --steps 1`` of a file that validated: it must run.

    With ``default_out`` the run writes to its default folder below ``folder`` (the current
    folder during the run), and nothing may be written anywhere else in ``folder``.
    """
    out = folder / "out"
    before = listing(folder)
    if default_out:
        with contextlib.chdir(folder):
            answer = orglearn("run", path, "--steps", 1)
    else:
        answer = orglearn("run", path, "--steps", 1, "--out", out)
    printed = answer.out + answer.err
    assert "Traceback" not in printed, printed
    if answer.code == 2:  # a refusal is fine only when the run cannot get the memory it needs
        line = error_line(answer, path, *named)
        assert "memory" in line.lower(), f"validates but does not run: {line!r}"
        assert listing(folder) == before, "a refused run wrote files"
        return
    assert answer.code == 0, f"validates but exits {answer.code!r}: {answer.err!r}"
    written = set(listing(folder)) - set(before)
    results = "results" if default_out else "out"
    outside = sorted(p for p in written if Path(p).parts[0] != results)
    assert not outside, f"the run wrote outside its results folder: {outside}"
    assert any(Path(p).name == "manifest.json" for p in written), "the run wrote no manifest"


@contextlib.contextmanager
def scratch() -> Iterator[Path]:
    """A fresh folder for one example (fixtures are shared by all examples of a test)."""
    with tempfile.TemporaryDirectory(prefix="orglearn-prop-") as name:
        yield Path(name).resolve()


# --- writing TOML -----------------------------------------------------------------------------


class Inline(dict):
    """A table written inline, ``{ key = value }``; a plain ``dict`` gets a ``[header]``."""


@dataclass(frozen=True)
class Raw:
    """TOML text written as it is (e.g. an integer literal too long to convert)."""

    text: str


_BARE = re.compile(r"[A-Za-z0-9_-]+")


def toml_string(text: str) -> str:
    escaped = []
    for ch in text:
        if ch in '"\\':
            escaped.append("\\" + ch)
        elif ord(ch) < 0x20 or ord(ch) == 0x7F:
            escaped.append(f"\\u{ord(ch):04x}")
        else:
            escaped.append(ch)
    return '"' + "".join(escaped) + '"'


def toml_key(key: str) -> str:
    return key if _BARE.fullmatch(key) else toml_string(key)


def toml_value(value: object) -> str:
    if isinstance(value, Raw):
        return value.text
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return f"0x{value:x}" if value > 10**18 else str(value)
    if isinstance(value, float | str):
        return repr(value) if isinstance(value, float) else toml_string(value)
    if isinstance(value, list):
        return "[" + ", ".join(toml_value(v) for v in value) + "]"
    if isinstance(value, dict):
        items = ", ".join(f"{toml_key(k)} = {toml_value(v)}" for k, v in value.items())
        return "{ " + items + " }" if items else "{}"
    return value.isoformat()  # datetime, date, time


def _is_table_array(value: object) -> bool:
    return isinstance(value, list) and bool(value) and all(type(v) is dict for v in value)


def render(document: dict) -> str:
    """A TOML document: plain dicts become ``[tables]``, lists of them ``[[arrays]]``."""
    lines: list[str] = []

    def table(path: tuple[str, ...], entries: dict) -> None:
        later = []
        for key, value in entries.items():
            if type(value) is dict or _is_table_array(value):
                later.append((key, value))
            else:
                lines.append(f"{toml_key(key)} = {toml_value(value)}")
        for key, value in later:
            header = ".".join(toml_key(k) for k in (*path, key))
            for item in value if isinstance(value, list) else [value]:
                lines.append(f"[[{header}]]" if isinstance(value, list) else f"[{header}]")
                table((*path, key), item)

    table((), document)
    return "\n".join(lines) + "\n"


def nest(values: dict[str, object], dotted_sections: bool = False) -> dict:
    """``{dotted key: value}`` as nested tables (``strategy.x`` under ``strategy``, or quoted)."""
    document: dict = {}
    for key, value in values.items():
        section, _, name = key.rpartition(".")
        parts = ([section] if dotted_sections else section.split(".")) if section else []
        table = document
        for part in parts:
            table = table.setdefault(part, {})
            if type(table) is not dict:  # a value of that name is there already
                break
        else:
            table.setdefault(name, value)
    return document


# --- strategies: TOML values ------------------------------------------------------------------

PARAMS = {p.key: p for p in SCHEMA}
SECTION_NAMES = sorted({s.split(".")[0] for s in sections()} | set(sections()))
NAMES = sorted({p.name for p in SCHEMA})

keys = st.one_of(st.sampled_from(SECTION_NAMES), st.sampled_from(NAMES),
                 st.sampled_from(sorted(PARAMS)), st.text(max_size=12),
                 st.sampled_from(["", " ", "org ", "ORG", "experiment", "levers", "a.b",
                                  "\u2028", "\x0b", "\x85", "\n", "[org]", "\\"]))
offsets = st.integers(-1439, 1439).map(lambda m: timezone(timedelta(minutes=m)))
huge_ints = st.one_of(
    st.integers(2**63 - 2, 2**64 + 2), st.integers(-(2**63) - 2, -(2**63) + 2),
    st.integers(64, 20_000).map(lambda e: 2**e),
    st.integers(4_290, 6_000).map(lambda n: Raw("9" * n)),
)
scalars = st.one_of(
    st.booleans(), st.integers(-3, 10**6), st.integers(), st.floats(), st.text(max_size=40),
    st.sampled_from([math.nan, math.inf, -math.inf, -0.0, 5e-324, 1e308]),
    st.datetimes(timezones=st.none() | offsets), st.dates(), st.times(), huge_ints,
)
toml_values = st.recursive(
    scalars, lambda inner: st.lists(inner, max_size=4)
    | st.dictionaries(keys, inner, max_size=4).map(Inline), max_leaves=10)


# --- strategies: values of schema parameters ---------------------------------------------------

RUN_CAPS = {"org.employees": 400, "org.informal_degree": 40, "knowledge.dimensions": 60,
            "community.max_communities": 200}
"""Largest value a run property draws for size-like parameters (the validate property draws
up to the schema's bounds and beyond)."""
NK_DIMENSIONS_CAP = 14
"""Largest ``knowledge.dimensions`` a run property draws when the landscape is ``nk``."""
PATHS = ["", ".", "..", "scenario.toml", "missing.csv", "/dev/null", "/", "employees.csv",
         "\x00", "a" * 300, "../" * 40 + "etc/passwd"]
NAMES_TO_TRY = ["default", "../../x", "a/../../../b", "/abs", ".", "..", "x" * 300, "\x00",
                "a\nb", "[/x]", "[bold]x", "con", "a:b", "*?", "é", "-x", "x" * 64, "x" * 65]


def in_range(p: Param, caps: dict[str, float] | None = None) -> st.SearchStrategy:
    """Values the schema allows for ``p`` on its own (``caps`` lowers ``high``)."""
    kind = p.kind
    if kind is bool:
        return st.booleans()
    if kind is str:
        if p.choices:
            return st.sampled_from(p.choices)
        if p.unit == "path":
            return st.just("") if caps is not None else st.sampled_from(PATHS) | st.text()
        if p.key == "scenario.name":
            return st.from_regex(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,20}", fullmatch=True) \
                | st.sampled_from(NAMES_TO_TRY) | st.text()
        return st.text()
    high = min(p.high, (caps or {}).get(p.key, p.high))
    bounds = st.sampled_from([p.low, high])
    if kind is int:
        return st.one_of(bounds, st.integers(int(p.low), int(high)))
    whole = st.integers(math.ceil(p.low), math.floor(high))
    return st.one_of(bounds, st.floats(p.low, high),
                     *([whole] if math.ceil(p.low) <= math.floor(high) else []))


def not_allowed(p: Param) -> st.SearchStrategy:
    """Values the schema refuses for ``p``: just outside its range, or of the wrong type."""
    kind = p.kind
    wrong = st.one_of(st.lists(scalars, max_size=3), st.dictionaries(keys, scalars,
                      max_size=2).map(Inline), st.datetimes(), st.dates(), st.times())
    if kind is bool:
        return st.one_of(st.sampled_from([0, 1, "true", "false", "yes", 1.0]), st.text(),
                         st.integers(), wrong)
    if kind is str:
        if p.choices:
            variants = [v for c in p.choices for v in (c.upper(), f" {c}", f"{c} ", c[:-1])]
            return st.one_of(st.sampled_from(variants), st.text(), st.integers(),
                             st.booleans(), wrong)
        return st.one_of(st.integers(), st.floats(), st.booleans(), wrong)
    low, high = p.low, p.high
    if kind is int:
        outside = st.one_of(st.sampled_from([low - 1, high + 1]),
                            st.integers(max_value=low - 1), st.integers(min_value=high + 1))
        mistyped = st.one_of(st.sampled_from([float(low), float(high), math.nan, math.inf]),
                             st.floats(float(low), float(high)), st.text(), st.booleans())
    else:
        outside = st.one_of(
            st.sampled_from([math.nextafter(low, -math.inf), math.nextafter(high, math.inf),
                             low - 1, high + 1, math.nan, math.inf, -math.inf]),
            st.floats(max_value=low, exclude_max=True), st.floats(min_value=high,
                                                                   exclude_min=True))
        mistyped = st.one_of(st.text(), st.booleans(), st.just(str(low)))
    return st.one_of(outside, huge_ints, mistyped, wrong)


def mostly(usual: st.SearchStrategy, unusual: st.SearchStrategy,
           one_in: int = 8) -> st.SearchStrategy:
    """``usual``'s value, or ``unusual``'s about one time in ``one_in``."""
    return st.integers(0, one_in - 1).flatmap(lambda k: unusual if k == 1 else usual)


def rarely(draw: st.DrawFn, one_in: int = 10) -> bool:
    """True about one time in ``one_in`` (not at a bound, which draws favour; shrinks to False)."""
    return draw(st.integers(0, one_in - 1)) == 1


@st.composite
def schema_values(draw: st.DrawFn, caps: dict[str, float] | None = None) -> dict[str, object]:
    """``{dotted key: value}`` for a random subset of the schema.

    With ``caps``, every value is in range and size-like parameters are at most their cap
    (``knowledge.dimensions`` at most :data:`NK_DIMENSIONS_CAP` on an ``nk`` landscape).
    """
    chosen = draw(st.lists(st.sampled_from(SCHEMA), max_size=12, unique=True))
    values = {}
    for p in chosen:
        allowed = in_range(p, caps)
        values[p.key] = draw(allowed if caps is not None else mostly(allowed, not_allowed(p), 5))
    if caps is not None:
        nk = values.get("knowledge.landscape", PARAMS["knowledge.landscape"].default) == "nk"
        dimensions = values.get("knowledge.dimensions", PARAMS["knowledge.dimensions"].default)
        if nk and dimensions > NK_DIMENSIONS_CAP:
            values["knowledge.dimensions"] = draw(st.integers(1, NK_DIMENSIONS_CAP))
    return values


# --- strategies: whole TOML files ---------------------------------------------------------------


@st.composite
def scenario_documents(draw: st.DrawFn) -> dict:
    """Real sections and parameters with random values, mixed with garbage keys."""
    values = {key: draw(toml_values | in_range(PARAMS[key]) | not_allowed(PARAMS[key]))
              for key in draw(st.lists(st.sampled_from(sorted(PARAMS)), max_size=8,
                                       unique=True))}
    document = nest(values, dotted_sections=draw(st.booleans()))
    for _ in range(draw(st.integers(0, 3))):
        table = document
        for key in draw(st.lists(st.sampled_from(SECTION_NAMES) | keys, min_size=0,
                                 max_size=3)):
            entry = table.setdefault(key, {})
            if type(entry) is not dict:
                break
            table = entry
        else:
            table[draw(keys)] = draw(toml_values)
    return document


garbage_tables = st.recursive(
    st.dictionaries(keys, toml_values, max_size=5),
    lambda inner: st.dictionaries(keys, st.one_of(toml_values, inner,
                                                  st.lists(inner, min_size=1, max_size=2)),
                                  max_size=5),
    max_leaves=8)


@st.composite
def deeply_nested(draw: st.DrawFn) -> str:
    """A value, table or key nested hundreds or thousands of levels deep."""
    depth = draw(st.integers(1, 3_000))
    form = draw(st.sampled_from(["array", "inline", "header", "dotted", "table-array"]))
    prefix = draw(st.sampled_from(["[org]\nemployees = ", "[org]\nx = ", "a = ",
                                   "[overrides]\nx = "]))
    if form == "array":
        return prefix + "[" * depth + "1" + "]" * depth + "\n"
    if form == "inline":
        return prefix + "{ a = " * depth + "1" + " }" * depth + "\n"
    path = ".".join(["org"] + ["a"] * depth)
    if form == "header":
        return f"[{path}]\nb = 1\n"
    if form == "dotted":
        return f"{path} = 1\n"
    return f"[[{path}]]\nb = 1\n"


@st.composite
def mutated(draw: st.DrawFn, text: str) -> str:
    """``text`` with a few random edits: cuts, insertions and repeated lines."""
    for _ in range(draw(st.integers(0, 3))):
        at = draw(st.integers(0, len(text)))
        edit = draw(st.sampled_from(["cut", "insert", "repeat"]))
        if edit == "cut":
            text = text[:at] + text[at + draw(st.integers(1, 20)):]
        elif edit == "insert":
            text = text[:at] + draw(st.text(max_size=5) | st.sampled_from(
                ["[", "]", "=", '"', "'''", "\n", "[org]\n", "#", ",", "{", "}", "\\u"])) \
                + text[at:]
        else:
            lines = text.splitlines(keepends=True)
            if lines:
                text += draw(st.sampled_from(lines))
    return text


@st.composite
def toml_files(draw: st.DrawFn) -> bytes:
    """The bytes of a scenario file: TOML of any shape, broken TOML, or not text at all."""
    kind = draw(st.sampled_from(["scenario", "garbage", "deep", "bytes", "empty"]))
    if kind == "empty":
        return draw(st.sampled_from([b"", b"\n", b"\xef\xbb\xbf", b"# only a comment\n",
                                     b"\x00", b"   "]))
    if kind == "bytes":
        return draw(st.binary(max_size=200))
    if kind == "deep":
        text = draw(deeply_nested())
    else:
        text = render(draw(scenario_documents() if kind == "scenario" else garbage_tables))
        if draw(st.booleans()):
            text = draw(mutated(text))
    encoding = draw(st.sampled_from(["utf-8", "utf-8", "utf-8-sig", "latin-1", "utf-16"]))
    data = text.encode(encoding, errors="replace")
    if draw(st.booleans()):
        at = draw(st.integers(0, len(data)))
        data = data[:at] + draw(st.binary(min_size=1, max_size=4)) + data[at:]
    return data


# --- property 1: random TOML documents ----------------------------------------------------------


@examples(400)
@given(toml_files())
def test_any_toml_file_validates_or_is_refused_in_one_line(data):
    with scratch() as folder:
        path = folder / "scenario.toml"
        path.write_bytes(data)
        try:
            org = tomllib.loads(data.decode("utf-8")).get("org", {})
        except (ValueError, RecursionError):  # not UTF-8 or not TOML: nothing to name
            org = {}
        files = {f"org.{k}": v for k, v in org.items()} if isinstance(org, dict) else {}
        validate(folder, path, *named_files(folder, files))


# --- property 2: every schema key, then runs of what validates ----------------------------------


@examples(300)
@given(schema_values(), st.booleans())
def test_any_value_of_any_parameter_validates_or_is_refused_in_one_line(values, dotted):
    with scratch() as folder:
        path = folder / "scenario.toml"
        path.write_text(render(nest(values, dotted)), encoding="utf-8")
        validate(folder, path, *named_files(folder, values))


@examples(150)
@given(schema_values(caps=RUN_CAPS), st.booleans(), st.booleans())
def test_a_scenario_that_validates_runs(values, dotted, default_out):
    """In-range values for random parameters; what validates runs one week and writes results.

    Runs are kept cheap by bounding size-like parameters: ``org.employees`` <= 400,
    ``org.informal_degree`` <= 40, ``knowledge.dimensions`` <= 60 (<= 14 on an ``nk``
    landscape), ``community.max_communities`` <= 200 (:data:`RUN_CAPS`). Larger values are
    covered by the validate property. A run may be refused only for want of memory, in one line
    that says so. With ``default_out`` the run writes to its default folder, and nothing may
    land outside ``results/``.
    """
    with scratch() as folder:
        path = folder / "scenario.toml"
        path.write_text(render(nest(values, dotted)), encoding="utf-8")
        if validate(folder, path).code == 0:
            run_once(folder, path, default_out=default_out)


# --- property 3: experiment files ---------------------------------------------------------------

KPI_NAMES = [k.name for k in RUN_KPIS]
SCENARIOS = {
    "small": "[org]\nemployees = 120\ndivisions = 3\n",
    "default": render(nest({"scenario.name": "s", "org.employees": 200})),
    "chart": '[org]\nchart = "employees.csv"\n',
    "broken": "[org\n",
}
EMPLOYEES = "id,manager_id,division\nb,,X\nc,b,X\nd,b,Y\ne,d,Y\n"


schema_keys = st.sampled_from(sorted(PARAMS))
number_keys = st.sampled_from(sorted(k for k, p in PARAMS.items() if p.kind in (int, float)
                                     and k != "run.seed"))
lever_keys = st.sampled_from(sorted(k for k in PARAMS if k.startswith("strategy.")
                                    and k != "strategy.name"))
override_keys = st.sampled_from(sorted(set(PARAMS) - {"run.seed", "strategy.name",
                                                      "org.chart", "org.collaboration"}))
bad_counts = st.one_of(st.sampled_from([0, -1, 2**31, 2**40, 2**62, 2**63 - 1, 2**63, 2**64,
                                        1.0, "2", True, math.nan]), huge_ints, toml_values)


@st.composite
def ranges(draw: st.DrawFn, key: str) -> Inline:
    """``{ low = ..., high = ... }`` with ``low < high`` in the range of ``key``."""
    p = PARAMS[key]
    low, high = sorted([draw(in_range(p)), draw(in_range(p))])
    if low == high:
        low, high = p.low, p.high
    return Inline(low=low, high=high)


@st.composite
def experiment_documents(draw: st.DrawFn) -> dict:
    """An experiment file in the documented format, then zero to three random changes.

    The changes drop a key or a table, give a key a value of the wrong type, out of range or
    huge (replications, samples), or add a garbage key; values of schema parameters are in
    range but may contradict the scenario or each other.
    """
    design = draw(st.sampled_from(DESIGNS))
    strategies = draw(st.lists(st.sampled_from(list(STRATEGIES)), min_size=1, max_size=3,
                               unique=True))
    experiment: dict = {
        "name": draw(st.from_regex(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,20}", fullmatch=True)),
        "description": draw(st.text(min_size=1, max_size=30).filter(str.strip)),
        "scenario": draw(st.sampled_from(["scenario.toml", "./scenario.toml"])),
        "design": design, "replications": draw(st.integers(1, 3)),
        "seed": draw(st.integers(0, 2**63 - 1)),
    }
    if design != "grid" or draw(st.booleans()):
        experiment["samples"] = draw(st.sampled_from([1, 2, 4, 8]))
    optional = {"steps": in_range(PARAMS["run.steps"]),
                "kpis": st.lists(st.sampled_from(KPI_NAMES), min_size=1, max_size=3,
                                 unique=True),
                "reference": st.sampled_from(strategies), "shared_seeds": st.booleans()}
    for key in draw(st.lists(st.sampled_from(sorted(optional)), unique=True)):
        experiment[key] = draw(optional[key])
    levers: dict = {"strategies": strategies}
    for key in draw(st.lists(lever_keys, max_size=2, unique=True)):
        levers[key] = draw(st.lists(in_range(PARAMS[key]), min_size=1, max_size=3,
                                    unique_by=repr))
    uncertain: dict = {}
    for key in draw(st.lists(number_keys if design != "grid" else override_keys,
                             min_size=design != "grid", max_size=3, unique=True)):
        if design == "grid":
            uncertain[key] = draw(st.lists(in_range(PARAMS[key]), min_size=1, max_size=3,
                                           unique_by=repr))
        else:
            uncertain[key] = draw(ranges(key))
    overrides = {key: draw(in_range(PARAMS[key]))
                 for key in draw(st.lists(override_keys, max_size=3, unique=True))}
    document = {"experiment": experiment, "levers": levers,
                "uncertainties": nest(uncertain) if draw(st.booleans()) else uncertain,
                "overrides": nest(overrides) if draw(st.booleans()) else overrides}
    for _ in range(draw(st.integers(0, 3))):
        table = document[draw(st.sampled_from(sorted(document)))] if document else document
        table = table if isinstance(table, dict) else document
        change = draw(st.sampled_from(["wrong", "drop", "add", "count", "table"]))
        key = draw(st.sampled_from(sorted(table)) | keys) if table else draw(keys)
        if change == "drop":
            table.pop(key, None)
        elif change == "wrong":
            p = PARAMS.get(key)
            table[key] = draw(not_allowed(p) | toml_values if p else toml_values)
        elif change == "count":
            experiment[draw(st.sampled_from(["replications", "samples", "seed"]))] = \
                draw(bad_counts)
        elif change == "add":
            table[draw(keys | schema_keys)] = draw(toml_values | scalars)
        else:
            document.pop(draw(st.sampled_from(["experiment", "levers", "uncertainties",
                                               "overrides"])), None)
            if rarely(draw, 2):
                document[draw(keys)] = draw(toml_values | garbage_tables)
    return document


@examples(300)
@given(experiment_documents(), mostly(st.sampled_from(["small", "default", "chart"]),
                                     st.just("broken")))
def test_any_experiment_file_validates_or_is_refused_in_one_line(document, scenario):
    with scratch() as folder:
        (folder / "scenario.toml").write_text(SCENARIOS[scenario], encoding="utf-8")
        (folder / "employees.csv").write_text(EMPLOYEES, encoding="utf-8")
        path = folder / "experiment.toml"
        path.write_text(render(document), encoding="utf-8")
        validate(folder, path)


# --- property 4: a client's CSV files -----------------------------------------------------------

odd_ids = st.one_of(st.sampled_from(["a", " a ", "A", "1", "01", "É", "x;y", 'q"q', "a,b",
                                     "\u2028", "\ufeff", "", " ", "\x00", "e0 "]),
                    st.text(max_size=6))
labels = st.one_of(st.sampled_from(["Ops", "Sales", "R&D", "Ünit", "D 1", "研究"]),
                   st.text(min_size=1, max_size=4).filter(str.strip))


def changes(kinds: list[str], one_in: int = 3) -> st.SearchStrategy:
    """Usually no change; about one time in ``one_in`` one to three of ``kinds``."""
    return mostly(st.just([]), st.lists(st.sampled_from(kinds), min_size=1, max_size=3),
                  one_in)


@st.composite
def employee_tables(draw: st.DrawFn) -> tuple[list[str], list[list[str]], list[str]]:
    """A header and rows of an employees file, and the ids in it.

    The table starts as a valid file: ids unique, every manager above their reports, columns in
    any order, case and spacing, perhaps a team column and columns the reader ignores. A third
    of the tables then get one to three changes: a repeated, empty or odd id, a manager who is
    not in the file, oneself or in a loop, an empty division or team, a short or long row, a
    missing column.
    """
    n = draw(st.integers(2, 40))
    people = [draw(mostly(st.just(f"e{i}"), st.text(min_size=1, max_size=5).map(
        lambda t, i=i: f"{t.strip()}{i}"))) for i in range(n)]
    rows = []
    for i, person in enumerate(people):
        manager = draw(st.integers(-1, i - 1)) if i else -1
        rows.append([person, people[manager] if manager >= 0 else "", draw(labels)])
    header = ["id", "manager_id", "division"]
    if rarely(draw, 4):
        header.append("team")
        for row in rows:
            row.append(draw(st.sampled_from(["T1", "T2", "T3"])))
    for extra in draw(st.lists(st.sampled_from(["name", "email", "ID ", "division"])
                               | st.text(max_size=5), max_size=2)):
        header.append(extra)
        for row in rows:
            row.append(draw(st.text(max_size=8)))
    order = draw(st.permutations(range(len(header))))
    header = [draw(st.sampled_from([h, h.upper(), f" {h} ", h.title()]))
              for h in (header[i] for i in order)]
    rows = [[row[i] for i in order] for row in rows]
    at = {name: order.index(k) for k, name in enumerate(("id", "manager_id", "division"))}
    pick = st.integers(0, n - 1)
    for change in draw(changes(["repeat", "empty", "odd", "nowhere", "self", "loop",
                                "short", "long", "drop"])):
        j, k = draw(pick), draw(pick)
        if change == "repeat":
            rows[j][at["id"]] = rows[k][at["id"]]
        elif change == "empty":
            rows[j][draw(st.integers(0, len(header) - 1))] = draw(st.sampled_from(["", " "]))
        elif change == "odd":
            rows[j][at["id"]] = draw(odd_ids)
        elif change == "nowhere":
            rows[j][at["manager_id"]] = draw(odd_ids)
        elif change == "self":
            rows[j][at["manager_id"]] = rows[j][at["id"]]
        elif change == "loop":
            rows[j][at["manager_id"]], rows[k][at["manager_id"]] = \
                rows[k][at["id"]], rows[j][at["id"]]
        elif change == "short":
            del rows[j][draw(st.integers(0, len(header) - 1)):]
        elif change == "long":
            rows[j].append(draw(st.text(max_size=5)))
        elif len(header) > 1:
            del header[draw(st.integers(0, len(header) - 1))]
    return header, rows, [p.strip() for p in people]


@st.composite
def tie_tables(draw: st.DrawFn, people: list[str]) -> tuple[list[str], list[list[str]]]:
    """A header and rows of a collaboration file over ``people``, perhaps with changes."""
    weights = st.one_of(st.floats(0, 1, exclude_min=True).map(repr),
                        st.sampled_from(["1", "1.0", " 0.3 ", "5e-324", "0.5"]))
    bad_weights = st.one_of(st.sampled_from(["0", "-1", "nan", "inf", "1e-400", "", "x",
                                             "1.0000001", "0x1p-2", "1,5"]),
                            st.text(max_size=4))
    header = ["a", "b", "weight"] if draw(st.booleans()) else ["a", "b"]
    rows = []
    for _ in range(0 if rarely(draw, 4) else draw(st.integers(1, 30))):  # or a header only
        a, b = draw(st.sampled_from(people)), draw(st.sampled_from(people))
        if a != b:
            rows.append([a, b, draw(weights)][:len(header)])
    if len(header) == 2 and rarely(draw, 3):  # a weight column that is not last
        header.insert(0, "weight")
        rows = [[draw(weights), *row] for row in rows]
    at = {name: header.index(name) for name in header}
    header = [draw(st.sampled_from([h, h.upper(), f" {h}"])) for h in header]
    for change in draw(changes(["nowhere", "self", "weight", "drop", "short"])):
        if not rows:
            break
        row = rows[draw(st.integers(0, len(rows) - 1))]
        if change == "nowhere":
            row[at[draw(st.sampled_from(["a", "b"]))]] = draw(odd_ids)
        elif change == "self":
            row[at["b"]] = row[at["a"]]
        elif change == "weight" and "weight" in at:
            row[at["weight"]] = draw(bad_weights)
        elif change == "short":
            del row[1:]
        elif change == "drop":
            header[draw(st.integers(0, len(header) - 1))] = draw(st.sampled_from(["", "c"]))
    return header, rows


@st.composite
def csv_bytes(draw: st.DrawFn, header: list[str], rows: list[list[str]]) -> bytes:
    """``header`` and ``rows`` as CSV: quoted as needed or always, any line ends, blank lines
    (sometimes thousands).

    A third of the files also get one to three changes: another delimiter, another encoding,
    an unbalanced quote or a NUL byte, a second byte-order mark, random bytes, or no content.
    """
    kinds = draw(changes(["delimiter", "encoding", "quote", "nul", "bom", "bytes", "empty"]))
    delimiter = draw(st.sampled_from([";", "\t", "|"])) if "delimiter" in kinds else ","
    newline = draw(st.sampled_from(["\n", "\r\n", "\r"]))
    quote_all = draw(st.booleans())

    def cell(text: str) -> str:
        if quote_all or any(c in text for c in f'"{delimiter}\r\n') or text != text.strip():
            return '"' + text.replace('"', '""') + '"'
        return text

    lines = [delimiter.join(cell(c) for c in line) for line in [header, *rows]]
    for _ in range(draw(st.integers(0, 2))):
        lines.insert(draw(st.integers(1, len(lines))), draw(st.sampled_from(["", " ", ",,"])))
    if rarely(draw, 4):  # blank lines, so that the rows start past the first 8 KiB
        lines.insert(1, newline * draw(st.integers(5_000, 20_000)))
    for kind, text in (("quote", '"'), ("nul", "\x00")):
        if kind in kinds:
            at = draw(st.integers(0, len(lines) - 1))
            lines[at] += text
    text = newline.join(lines) + draw(st.sampled_from([newline, ""]))
    encoding = "utf-8"
    if "encoding" in kinds:
        encoding = draw(st.sampled_from(["latin-1", "cp1252", "utf-16", "utf-32"]))
    elif draw(st.booleans()):
        encoding = "utf-8-sig"
    data = text.encode(encoding, errors="replace")
    if "bom" in kinds:
        data = b"\xef\xbb\xbf" + data
    if "bytes" in kinds:
        at = draw(st.integers(0, len(data)))
        data = data[:at] + draw(st.binary(min_size=1, max_size=4)) + data[at:]
    if "empty" in kinds:
        data = draw(st.sampled_from([b"", b"\xef\xbb\xbf", b"\n\n", b"\r\n"]))
    return data


org_keys = ["org.unofficial_groups", "org.unofficial_group_size_min",
            "org.unofficial_group_size_max", "org.informal_degree", "org.informal_network",
            "org.boundary_spanner_share", "org.span_of_control", "community.max_communities",
            "strategy.name", "org.formal_ties"]


@st.composite
def organisation_files(draw: st.DrawFn) -> tuple[bytes, bytes | None, dict[str, object]]:
    """An employees file, perhaps a collaboration file, and other organisation parameters."""
    header, rows, people = draw(employee_tables())
    employees = draw(csv_bytes(header, rows))
    ties = None if rarely(draw, 3) else draw(csv_bytes(*draw(tie_tables(people))))
    keys = draw(mostly(st.just([]), st.lists(st.sampled_from(org_keys), min_size=1,
                                             max_size=3, unique=True), 3))
    values = {key: draw(in_range(PARAMS[key], RUN_CAPS)) for key in keys}
    return employees, ties, values


@examples(150)
@given(organisation_files())
def test_any_chart_validates_or_is_refused_in_one_line_and_what_validates_runs(files):
    employees, ties, values = files
    with scratch() as folder:
        chart, collaboration = folder / "employees.csv", folder / "ties.csv"
        chart.write_bytes(employees)
        values = {**values, "org.chart": chart.name}
        if ties is not None:
            collaboration.write_bytes(ties)
            values["org.collaboration"] = collaboration.name
        path = folder / "client.toml"
        path.write_text(render(nest(values)), encoding="utf-8")
        answer = validate(folder, path, chart, collaboration)
        if answer.code == 0:
            run_once(folder, path, chart, collaboration)
        else:
            assert_points_at_the_bad_byte(error_line(answer, path, chart, collaboration),
                                          {chart: employees, collaboration: ties})


def assert_points_at_the_bad_byte(line: str, files: dict[Path, bytes | None]) -> None:
    """A message about a byte that is not UTF-8 gives its offset in the file and its line."""
    found = re.search(r"^orglearn: error: (.*?): (?:line (\d+): )?byte (\d+)", line)
    if not found:
        return
    data = files[Path(found.group(1))]
    body = data[3:] if data.startswith(b"\xef\xbb\xbf") else data
    with pytest.raises(UnicodeDecodeError) as error:
        body.decode("utf-8")
    at = error.value.start + len(data) - len(body)
    assert int(found.group(3)) == at, f"byte {at} is the first that is not UTF-8: {line!r}"
    lines = len(re.split(rb"\r\n|\r|\n", body[:error.value.start]))
    assert found.group(2) == str(lines), f"byte {at} is on line {lines}: {line!r}"
