"""Experiment files: which strategies to compare, in which contexts, how often, with which seed.

(Over 400 lines: the declared format, from which the checks and the documentation below are
derived, sits beside the readers of the four tables that use it.)

An experiment file (TOML) names a base scenario, the policies to compare (strategies, optionally
crossed with a grid of lever parameters), the uncertainties to explore (a grid of values, or
ranges sampled by Latin hypercube, Sobol' (Saltelli) or Morris designs), the replications and
the root seed; :mod:`sim.experiments.design` says how they become contexts, policies and seeds.
Every key is declared once, in :data:`KEYS`: :func:`load_experiment` checks a file against the
declarations, and :func:`format_help` renders the format from them (it ends this docstring).
Schema parameters (in ``[levers]``, ``[uncertainties]`` and ``[overrides]``) are written as
quoted dotted keys or as nested tables (``[overrides.participation]``). Every problem raises
:class:`sim.errors.ParameterError` (or :class:`sim.errors.ScenarioError` when a file cannot be
read) with one line naming the experiment file, the key, the value and what is allowed.
"""

from __future__ import annotations

import difflib
import hashlib
import itertools
import json
import re
import textwrap
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, NoReturn

import numpy as np

from sim.config.fit import check_hierarchy
from sim.config.scenario import ORG_FILES, SIZED_BY_CHART, load_scenario, read_toml
from sim.engine.limits import check_run_memory, check_runs
from sim.engine.metrics import RUN_KPIS
from sim.engine.params import (
    SAFE_NAME,
    SAFE_NAME_HELP,
    SCHEMA,
    Params,
    Value,
    lookup,
    uncertain_parameters,
)
from sim.engine.resources import estimate_run_memory
from sim.engine.strategies import STRATEGIES
from sim.errors import ParameterError, ScenarioError
from sim.experiments.design import (
    DESIGNS,
    SMALL_VS_WIDE,
    Experiment,
    Uncertainty,
    context_count,
    default_contrast,
)
from sim.experiments.posterior import Posterior, read_posterior
from sim.experiments.results import file_digest
from sim.org.chart import chart_files
from sim.validation import CHECKS

__all__ = ["ANY", "KEYS", "TABLES", "Depends", "Key", "allowed", "format_help", "load_experiment"]


@dataclass(frozen=True)
class Depends:
    """A default, condition or choice of names that depends on the keys read before it.

    ``text`` says it in words (for the format and messages); ``of(read)`` computes it from the
    values read so far, ``{key name: value}``.
    """

    text: str
    of: Callable[[Mapping[str, Any]], Any]


@dataclass(frozen=True)
class Key:
    """One key of an experiment file, from which its check and its documentation derive.

    Attributes:
        table: Its table, one of :data:`TABLES`.
        name: The key; :data:`ANY` for any schema parameter (levers, uncertainties, overrides).
        kind: ``text``, ``name`` (a folder name), ``choice`` (one of ``choices``), ``names`` (a
            list of distinct ``choices``), ``pair`` (one of ``choices`` other than the reference,
            or a list of two distinct ``choices``), ``int`` (at least ``low``), ``bool``,
            ``param`` (as the schema parameter ``param`` allows); for :data:`ANY`, ``values``,
            ``uncertain`` or ``value``, which the tables' own readers check.
        help: What it means.
        example: A valid value (for :data:`ANY`, ``{parameter: value}``).
        required: True, False, or when (a :class:`Depends`).
        default: The value when not given, a constant or a :class:`Depends`.
        choices: The names allowed, a tuple or a :class:`Depends`.
        rule: A further condition, ``(in words, test(value, read))``.
    """

    table: str
    name: str
    kind: str
    help: str
    example: Any
    required: bool | Depends = False
    default: Any = None
    choices: tuple[str, ...] | Depends = ()
    low: int = 0
    rule: tuple[str, Callable[[Any, Mapping[str, Any]], bool]] | None = None
    param: str = ""

    @property
    def where(self) -> str:
        """The key as messages name it, ``table.name``."""
        return f"{self.table}.{self.name}"


TABLES = ("experiment", "levers", "uncertainties", "overrides")
"""The tables of an experiment file; the last two are optional."""
ANY = "<parameter>"
"""The name of a :class:`Key` that stands for any schema parameter."""


def _default_contrast(read: Mapping[str, Any]) -> str | None:
    if set(SMALL_VS_WIDE) <= set(read["strategies"]) and read["reference"] in SMALL_VS_WIDE:
        return next(s for s in SMALL_VS_WIDE if s != read["reference"])
    return None


def _sobol_size(samples: int, read: Mapping[str, Any]) -> bool:
    return read["design"] != "sobol" or not samples & (samples - 1)


_HEADLINE = tuple(k.name for k in RUN_KPIS if k.headline)
_SAMPLED = Depends("a sampled design (lhs, sobol, morris)",
                   lambda r: r["design"] in ("lhs", "sobol", "morris"))

KEYS: tuple[Key, ...] = (
    Key("experiment", "name", "name", "Names the results: their folder and the `experiment` "
        "column of the runs.", "phase-diagram", required=True),
    Key("experiment", "description", "text", "One or two sentences for the report.",
        "Which strategy reaches more people, by threshold and cross-division ties.",
        required=True),
    Key("experiment", "scenario", "text", "The base scenario file, relative to the experiment "
        "file.", "../scenarios/default.toml", required=True),
    Key("experiment", "design", "choice", "How contexts are made from the uncertainties: a "
        "grid of values, ranges sampled by Latin hypercube, Sobol' (Saltelli) or Morris, or "
        "robustness: each range's low and high end in turn, the others at the scenario's "
        "values (without uncertainties: every parameter the schema gives a plausible range).",
        "grid", required=True, choices=DESIGNS),
    Key("experiment", "samples", "int", "The base sample size N of a sampled design: N "
        "contexts (lhs), N * (D + 2) (sobol) or N * (D + 1) (morris) for D uncertainties.", 16,
        required=_SAMPLED, default=0, low=1, rule=("a power of 2 for design 'sobol'",
                                                   _sobol_size)),
    Key("experiment", "replications", "int", "Runs per context and policy, each with its own "
        "seed.", 10, required=True, low=1),
    Key("experiment", "seed", "int", "The root seed of every run's seed.", 2026, required=True),
    Key("experiment", "posterior", "text", "A calibration's posterior.csv, relative to the "
        "experiment file: each replication draws the fitted parameters from it, the same draw "
        "for every policy and context (for instance "
        "\"../results/calibrate-client-example/posterior.csv\"; empty: none).", "",
        default=""),
    Key("experiment", "steps", "param", "Weeks per run.", 104, param="run.steps",
        default=Depends("the scenario's run.steps", lambda r: None)),
    Key("experiment", "kpis", "names", "The run KPIs the report judges.",
        ["reach_participating"], choices=tuple(k.name for k in RUN_KPIS),
        default=Depends(f"the headline ones ({', '.join(_HEADLINE)})", lambda r: _HEADLINE)),
    # Read here, before the keys of [experiment] that depend on it.
    Key("levers", "strategies", "names", "The strategies compared, in report order.",
        ["small_groups_first", "org_wide_first"], required=True, choices=tuple(STRATEGIES)),
    Key("experiment", "reference", "choice", "The strategy the others are compared with "
        "(paired differences).", "org_wide_first",
        choices=Depends("levers.strategies", lambda r: r["strategies"]),
        default=Depends("none if compared, else the first strategy", lambda r: "none"
                        if "none" in r["strategies"] else r["strategies"][0])),
    Key("experiment", "contrast", "pair", "The strategies the report sets head to head (and "
        "whose paired difference the sensitivity analysis explains): one strategy, set against "
        "the reference, or a list of two, the first minus the second.", "small_groups_first",
        choices=Depends("levers.strategies", lambda r: r["strategies"]),
        default=Depends("small_groups_first when the reference is org_wide_first and the "
                        "other way round; with another reference, small_groups_first against "
                        "org_wide_first if both are compared; else none", _default_contrast)),
    Key("experiment", "shared_seeds", "bool", "Whether every context uses the seeds of context "
        "0, so that contexts too are compared on common random numbers.", False, default=False),
    Key("experiment", "checks", "names", "The validation checks the results must pass (see "
        "docs/validation.md).", ["centola-2010"], default=(), choices=tuple(CHECKS)),
    Key("levers", ANY, "values", "A lever: its values are crossed with the strategies (a "
        "strategy's own levers, strategy.<name>.*, only with that strategy).",
        {"strategy.small_groups_first.pilot_groups": [2, 4]}),
    Key("uncertainties", ANY, "uncertain", "An uncertain parameter; a grid's contexts are the "
        "cartesian product of the lists, the first key varying slowest.",
        {"org.cross_division_share": [0.02, 0.1]}),
    Key("overrides", ANY, "value", "A fixed change to the scenario.",
        {"participation.invitation_acceptance": 0.05}),
)
"""The declared keys, in the order they are read."""

_DECLARED = {table: tuple(k.name for k in KEYS if k.table == table) for table in TABLES}
_KEYS = {p.key for p in SCHEMA}
_RESERVED = {"run.seed": "set experiment.seed instead",
             "strategy.name": "list strategies in levers.strategies instead"}
_NAME = re.compile(SAFE_NAME)
_MAX_INT = 2**63 - 1
_MISSING = "(missing)"


def _toml(value: Any) -> str:
    """A value as a TOML literal."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_toml(v) for v in value) + "]"
    return json.dumps(value) if isinstance(value, str) else repr(value)


def _names(key: Key, read: Mapping[str, Any]) -> tuple[str, ...]:
    return tuple(key.choices.of(read) if isinstance(key.choices, Depends) else key.choices)


def allowed(key: Key, read: Mapping[str, Any] | None = None) -> str:
    """What ``key`` allows, in words; given the values ``read``, with the names it allows."""
    if key.kind == "param":
        return lookup(key.param, "").allowed().removeprefix("allowed: ")
    names = key.choices.text if isinstance(key.choices, Depends) else ", ".join(key.choices)
    if read is not None and isinstance(key.choices, Depends):
        names = f"{names}: {', '.join(_names(key, read)) or '(none)'}"
    words = {
        "text": "a text", "name": SAFE_NAME_HELP, "bool": "true or false",
        "int": f"an integer in [{key.low}, {_MAX_INT}]" if read is not None
        else f"an integer >= {key.low}",
        "choice": f"one of {names}", "names": f"a non-empty list of distinct names from {names}",
        "pair": f"a name from {names}, other than experiment.reference, or a list of two "
                "distinct names from it",
        "values": "a non-empty list of distinct values of that parameter",
        "uncertain": "for a grid, a non-empty list of distinct values; for lhs, sobol, "
                     "morris and robustness, a range { low = ..., high = ... } (low < high) "
                     "of a number",
        "value": "a value of that parameter",
    }[key.kind]
    return f"{words} ({key.rule[0]})" if key.rule and read is None else words


def _valid(key: Key, value: Any, read: Mapping[str, Any]) -> bool:
    """Whether ``value`` is of the kind ``key`` declares (the items of a list aside)."""
    if key.kind == "int":
        return (isinstance(value, int) and not isinstance(value, bool)
                and key.low <= value <= _MAX_INT)
    if key.kind == "bool":
        return isinstance(value, bool)
    if key.kind == "names":
        return isinstance(value, list) and bool(value) and len(set(map(str, value))) == len(value)
    if key.kind == "pair":
        names = _names(key, read)
        if isinstance(value, list):
            return (len(value) == 2 and all(isinstance(v, str) and v in names for v in value)
                    and value[0] != value[1])
        return isinstance(value, str) and value in names and value != read["reference"]
    if key.kind == "text" and key.default == "" and isinstance(value, str):
        return True  # an optional text whose default is empty may be left empty
    if not isinstance(value, str) or not value.strip():
        return False
    if key.kind == "name":
        return bool(_NAME.fullmatch(value))
    return key.kind == "text" or value in _names(key, read)


def _default(source: str, key: Key, read: Mapping[str, Any]) -> Any:
    """The value of a key not given; an error if it is required."""
    when = key.required.text if isinstance(key.required, Depends) else ""
    if key.required is True or (when and key.required.of(read)):
        need = f"required for {when}" if when else "required"
        raise ParameterError(source, key.where, _MISSING, f"{need}; allowed: {allowed(key, read)}")
    return key.default.of(read) if isinstance(key.default, Depends) else key.default


def _read(source: str, key: Key, table: Mapping[str, Any], read: Mapping[str, Any]) -> Any:
    """The value of one declared key, checked; its default if not given."""
    if key.name not in table:
        return _default(source, key, read)
    value = table[key.name]
    if key.kind == "param":
        try:
            return lookup(key.param, source).check(value, source)
        except ParameterError as error:
            raise ParameterError(source, key.where, value, error.allowed) from None
    if not _valid(key, value, read):
        raise ParameterError(source, key.where, value, f"allowed: {allowed(key, read)}")
    if key.kind == "pair" and isinstance(value, list):
        value = tuple(value)
    if key.kind == "names":
        for item in value:
            if item not in _names(key, read):
                raise ParameterError(source, key.where, item, f"allowed: {allowed(key, read)}")
        value = tuple(value)
    if key.rule and not key.rule[1](value, read):
        raise ParameterError(source, key.where, value, f"allowed: {key.rule[0]}")
    return value


def _unknown(source: str, key: str, value: Any, known: tuple[str, ...]) -> NoReturn:
    name = key.rpartition(".")[2]
    close = difflib.get_close_matches(name, sorted(known), n=3, cutoff=0.6)
    hint = f"did you mean {', '.join(close)}?" if close else "allowed: " + ", ".join(known)
    raise ParameterError(source, key, value, f"no such key; {hint}")


def _read_keys(source: str, data: Mapping[str, Any]) -> dict[str, Any]:
    """``{key name: value}`` of every declared key but :data:`ANY`, in declared order."""
    for table, value in data.items():
        if table not in TABLES:
            _unknown(source, table, value, TABLES)
        if not isinstance(value, Mapping):
            raise ParameterError(source, table, value, f"allowed: a table [{table}]")
    for key, value in data.get("experiment", {}).items():
        if key not in _DECLARED["experiment"]:
            _unknown(source, f"experiment.{key}", value, _DECLARED["experiment"])
    read: dict[str, Any] = {}
    for key in (k for k in KEYS if k.name != ANY):
        read[key.name] = _read(source, key, data.get(key.table, {}), read)
    return read


def _status(key: Key) -> str:
    """Whether a key is required, or its default, in words."""
    if key.name == ANY:
        return "Any number of them"
    if isinstance(key.required, Depends):
        return f"Required for {key.required.text}"
    if key.required:
        return "Required"
    default = key.default.text if isinstance(key.default, Depends) else _toml(key.default)
    return f"Optional, default {default}"


def format_help() -> str:
    """The experiment file format, rendered from :data:`KEYS`: a valid file, with comments."""
    lines: list[str] = []
    for table in TABLES:
        lines += [""] * bool(lines) + [
            f"[{table}]  # {'optional' if table in TABLES[2:] else 'required'}"]
        for key in (k for k in KEYS if k.table == table):
            text = f"{key.name}: {key.help} {_status(key)}; allowed: {allowed(key)}."
            lines += textwrap.wrap(text, 92, initial_indent="# ", subsequent_indent="#   ",
                                   break_on_hyphens=False)
            examples = key.example if key.name == ANY else {key.name: key.example}
            lines += [f"{json.dumps(k) if key.name == ANY else k} = {_toml(v)}"
                      for k, v in examples.items()]
    return "\n".join(lines) + "\n"


def _check(source: str, table: str, key: str, value: Any) -> Value:
    """Validate a value for a schema parameter, naming it ``table.key`` in errors."""
    try:
        if key in _RESERVED:
            raise ParameterError(source, key, value, f"not allowed here; {_RESERVED[key]}")
        return lookup(key, source, value).check(value, source)
    except ParameterError as error:
        raise ParameterError(source, f"{table}.{key}", value, error.allowed) from None


def _flatten(source: str, table: str, data: Mapping[str, Any], prefix: str = "") -> dict:
    """``{dotted schema key: value}`` from quoted dotted keys or nested tables."""
    flat: dict[str, Any] = {}
    for name, value in data.items():
        key = f"{prefix}.{name}" if prefix else name
        if key in _KEYS:
            flat[key] = value
        elif isinstance(value, Mapping) and any(k.startswith(key + ".") for k in _KEYS):
            flat.update(_flatten(source, table, value, key))
        else:
            _check(source, table, key, value)  # raises: no such parameter, did you mean ...
    return flat


def _values(source: str, table: str, key: str, value: Any) -> tuple:
    if not isinstance(value, list) or not value:
        raise ParameterError(source, f"{table}.{key}", value,
                             "allowed: a non-empty list of values")
    checked = tuple(_check(source, table, key, v) for v in value)
    if len({(type(v), v) for v in checked}) != len(checked):
        raise ParameterError(source, f"{table}.{key}", value, "allowed: distinct values")
    return checked


def _range(source: str, design: str, key: str, value: Any) -> Uncertainty:
    where = f"uncertainties.{key}"
    if lookup(key, source).kind not in (int, float):
        raise ParameterError(source, where, value, f"allowed: only number parameters in a "
                             f"{design} design; use design = 'grid' for this one")
    if not isinstance(value, Mapping) or set(value) != {"low", "high"}:
        raise ParameterError(source, where, value,
                             f"allowed: a range {{ low = ..., high = ... }} in a {design} design")
    low = _check(source, "uncertainties", key, value["low"])
    high = _check(source, "uncertainties", key, value["high"])
    if not low < high:
        raise ParameterError(source, where, value, "allowed: low < high")
    return Uncertainty(key, low=low, high=high)


def _parameter_tables(source: str, data: Mapping[str, Any], design: str) -> tuple[
        dict[str, tuple], tuple[Uncertainty, ...], dict[str, Value], dict[str, str]]:
    """The lever values, uncertainties and overrides, and ``{key: table}`` of every key set."""
    levers = {k: v for k, v in data.get("levers", {}).items() if k != "strategies"}
    lever_values = {k: _values(source, "levers", k, v)
                    for k, v in _flatten(source, "levers", levers).items()}
    uncertain = _flatten(source, "uncertainties", data.get("uncertainties", {}))
    overrides = {k: _check(source, "overrides", k, v)
                 for k, v in _flatten(source, "overrides", data.get("overrides", {})).items()}
    tables: dict[str, str] = {}
    for table, keys in (("levers", lever_values), ("uncertainties", uncertain),
                        ("overrides", overrides)):
        for key in keys:
            if key in tables:
                raise ParameterError(source, f"{table}.{key}", keys[key],
                                     f"allowed: each key in one table; it is in [{tables[key]}]")
            tables[key] = table
    for key in ORG_FILES:
        if key in tables:
            value = {**lever_values, **uncertain, **overrides}[key]
            raise ParameterError(source, f"{tables[key]}.{key}", value,
                                 "allowed: organisation files are named in the scenario file")
    if design == "grid":
        uncertainties = tuple(Uncertainty(k, values=_values(source, "uncertainties", k, v))
                              for k, v in uncertain.items())
    elif design == "robustness" and not uncertain:
        uncertainties = tuple(Uncertainty(p.key, low=p.plausible.low, high=p.plausible.high)
                              for p in uncertain_parameters() if p.key not in tables)
    else:
        uncertainties = tuple(_range(source, design, k, v) for k, v in uncertain.items())
        if not uncertainties:
            raise ParameterError(source, "uncertainties", {}, f"allowed: at least one "
                                 f"parameter with a range for design '{design}'")
    return lever_values, uncertainties, overrides, tables


def _rekey(source: str, error: ParameterError, tables: dict[str, str], where: str) -> NoReturn:
    """Re-raise a relation error from :meth:`Params.replace` with the table that set the key."""
    key = f"{tables[error.key]}.{error.key}" if error.key in tables else error.key
    raise ParameterError(source, key, error.value, f"{error.allowed} ({where})") from None


def _base(source: str, path: Path, read: Mapping[str, Any], overrides: dict[str, Value],
          tables: dict[str, str]) -> tuple[Path, Params]:
    """The scenario's file and its parameters with the overrides, the seed and the steps."""
    scenario_path = path.parent / read["scenario"]
    try:
        scenario = load_scenario(scenario_path)
    except ScenarioError as error:
        raise ScenarioError(f"{source}: experiment.scenario = {read['scenario']!r} cannot be "
                            f"loaded: {error}") from None
    for key in SIZED_BY_CHART:
        if scenario.org.chart and key in tables:
            raise ParameterError(source, f"{tables[key]}.{key}", "(set)", "allowed: not "
                                 f"set when the scenario reads a chart ({scenario.org.chart}), "
                                 "which fixes it")
    updates: dict[str, Any] = {"run.seed": read["seed"]}
    if read["steps"] is not None:
        updates["run.steps"] = read["steps"]
    try:
        return scenario_path, scenario.replace({**overrides, **updates}, source)
    except ParameterError as error:
        _rekey(source, error, tables, "with the scenario's other values")


def _largest_run(source: str, experiment: Experiment, tables: dict[str, str]) -> Params:
    """The run that needs most memory, every context and policy checked against the schema."""
    base = experiment.base
    policies, largest, peak = experiment.policies(), base, 0
    for c, context in enumerate(experiment.contexts()):
        for label, lever in policies:
            try:
                params = base.replace({**context, **lever}, source)
            except ParameterError as error:
                _rekey(source, error, tables, f"in context {c}, policy {label}")
            if (need := estimate_run_memory(params).total) > peak:
                largest, peak = params, need
    try:
        check_run_memory(source, [largest])
    except ParameterError as error:
        _rekey(source, error, tables, "in its largest run")
    return largest


def _contrast(read: Mapping[str, Any]) -> tuple[str, str] | None:
    """The head-to-head pair: two names as given; one name against the reference.

    One name and the reference are put in small-vs-wide order when they are that pair.
    """
    contrast, reference = read["contrast"], read["reference"]
    if contrast is None:  # as a comparison does: small vs wide whenever both are compared
        return default_contrast(read["strategies"])
    if isinstance(contrast, tuple):
        return contrast
    return SMALL_VS_WIDE if {contrast, reference} == set(SMALL_VS_WIDE) else (contrast, reference)


def load_experiment(path: str | Path) -> Experiment:
    """Read and validate an experiment file.

    Args:
        path: The experiment TOML file.

    Returns:
        The experiment, with every design point and policy checked against the schema.

    Raises:
        ScenarioError: If the experiment or its scenario file cannot be read as TOML.
        ParameterError: On any unknown, missing or disallowed key or value.
    """
    path = Path(path)
    source = str(path)
    data = read_toml(path)
    read = _read_keys(source, data)
    lever_values, uncertainties, overrides, tables = _parameter_tables(source, data,
                                                                       read["design"])
    scenario_path, base = _base(source, path, read, overrides, tables)
    check_hierarchy(base, read["strategies"], source, "levers.strategies")
    policies = len(read["strategies"]) * int(np.prod([len(v) for v in lever_values.values()],
                                                     dtype=object))
    contexts = context_count(read["design"], read["samples"], uncertainties)
    blamed = ("samples" if read["design"] in ("lhs", "sobol", "morris")
              else "replications")  # the usual culprit
    check_runs(source, f"experiment.{blamed}", read[blamed],
               contexts * policies * read["replications"], f"{contexts:,} contexts x "
               f"{policies:,} policies x {read['replications']:,} replications",
               steps=base.run.steps)
    digest = hashlib.sha256((file_digest(path) + file_digest(scenario_path)
                             + "".join(chart_files(base.org).values())).encode()).hexdigest()
    lever_grid = tuple(dict(zip(lever_values, point, strict=True))
                       for point in itertools.product(*lever_values.values()))
    experiment = Experiment(path, read["name"], read["description"], scenario_path, base,
                            read["strategies"], lever_grid, uncertainties, read["design"],
                            read["samples"], read["replications"], read["seed"], read["kpis"],
                            read["reference"], digest,
                            read["shared_seeds"] or read["design"] == "robustness",
                            contrast=_contrast(read), checks=read["checks"])
    posterior = _posterior(source, path, read, uncertainties, tables)
    if posterior is not None:
        experiment = replace(experiment, posterior=posterior,
                             digest=hashlib.sha256((digest + posterior.sha256).encode())
                             .hexdigest(), notes=(*experiment.notes, posterior.note()))
    return replace(experiment, largest_run=_largest_run(source, experiment, tables))


def _posterior(source: str, path: Path, read: Mapping[str, Any],
               uncertainties: tuple[Uncertainty, ...], tables: dict[str, str]) -> Posterior | None:
    """The posterior sample ``experiment.posterior`` names, checked against the design."""
    if not read["posterior"]:
        return None
    try:
        posterior = read_posterior(path.parent / read["posterior"])
    except ScenarioError as error:
        raise ScenarioError(f"{source}: experiment.posterior = {read['posterior']!r} cannot be "
                            f"used: {error}") from None
    varied = {u.key for u in uncertainties} | set(tables)
    both = [key for key in posterior.keys if key in varied]
    if both:
        raise ParameterError(source, f"{tables.get(both[0], 'uncertainties')}.{both[0]}",
                             "(set)", "allowed: not set or varied when experiment.posterior "
                             "draws it")
    return posterior


__doc__ = (f"{__doc__}\nThe format, every key with an example (a valid file)::\n\n"
           + textwrap.indent(format_help(), "    "))
