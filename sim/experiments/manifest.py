"""The manifest of a results folder: what was run, with what, by which version, how long it took.

``orglearn compare`` and ``orglearn sweep`` write the same :class:`Manifest` (a comparison is an
experiment with one context), as ``manifest.json``. Its ``schema_version`` says which fields it
has; a manifest of another version is refused with one line that says how to regenerate it,
rather than half-read.
"""

from __future__ import annotations

import json
from dataclasses import MISSING, asdict, dataclass, field, fields
from pathlib import Path
from typing import Any

from sim.errors import ScenarioError
from sim.experiments.design import Experiment
from sim.experiments.results import file_digest, provenance, scenario_record, write_json

__all__ = ["MANIFEST_NAME", "SCHEMA_VERSION", "Manifest", "ManifestError", "read_manifest"]

SCHEMA_VERSION = 1
MANIFEST_NAME = "manifest.json"
COMPARE_SEED_RULE = ("seed of replication r = derive_seed(root_seed, context=0, r), the same "
                     "for every strategy (common random numbers)")
SHARED_SEED_RULE = ("seed of replication r = derive_seed(root_seed, 0, r) in every context "
                    "(shared_seeds) and for every strategy (common random numbers)")
CONTEXT_SEED_RULE = ("seed of (context c, replication r) = derive_seed(root_seed, c, r), the "
                     "same for every strategy (common random numbers)")


class ManifestError(ScenarioError):
    """A ``manifest.json`` that cannot be used (missing, not JSON, another schema version)."""


@dataclass(frozen=True)
class Manifest:
    """What a results folder holds and how it was made.

    Attributes:
        command: ``compare`` or ``sweep``.
        name: The experiment's name (``compare`` for a comparison).
        description: The experiment's (or scenario's) description.
        digest: What determines the runs (guards ``resume``).
        scenario: The base scenario: name, file, the file's SHA-256, organisation files.
        experiment_file: The experiment file and its SHA-256 (None for a comparison).
        design: ``grid``, ``lhs``, ``sobol`` or ``morris``.
        samples: Base sample size of a sampled design (0 for a grid).
        strategies: Policy labels, in report order.
        reference: The strategy the others are compared with.
        contrast: The two strategies set head to head in the report, if any.
        kpis: The run KPIs the report judges.
        checks: Validation checks the results must pass.
        replications: Replications per context and policy.
        root_seed: The root seed.
        seed_rule: How each run's seed follows from the root seed.
        axes: A grid's ``[key, [values]]`` in declared order (``[]`` otherwise).
        contexts: Every context's ``{key: value}``, in context order.
        salib_problem: The SALib problem of a sampled design.
        design_matrix: The raw design of a sampled design, one row per context.
        runs: How many runs.
        steps: Weeks per run.
        parameters: The base parameters, by section.
        provenance: Package versions, machine, git commit, creation time.
        executor: Where the runs ran.
        workers: How many workers.
        resumed_runs: Runs found already stored.
        timings_s: ``wall`` seconds, and ``mean_run`` seconds per run run now.
        notes: Sentences the report carries on how the experiment was set up.
        posterior: The posterior sample each replication drew fitted parameters from (file,
            SHA-256, keys, rows, effective size), if any.
        schema_version: The version of these fields.
    """

    command: str
    name: str
    description: str
    digest: str
    scenario: dict[str, Any]
    experiment_file: dict[str, Any] | None
    design: str
    samples: int
    strategies: list[str]
    reference: str
    contrast: list[str] | None
    kpis: list[str]
    checks: list[str]
    replications: int
    root_seed: int
    seed_rule: str
    axes: list[list[Any]]
    contexts: list[dict[str, Any]]
    salib_problem: dict[str, Any] | None
    design_matrix: list[list[float]] | None
    runs: int
    steps: int
    parameters: dict[str, dict[str, Any]]
    provenance: dict[str, Any] = field(default_factory=dict)
    executor: str = "local"
    workers: int = 1
    resumed_runs: int = 0
    timings_s: dict[str, float | None] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    posterior: dict[str, Any] | None = None
    schema_version: int = SCHEMA_VERSION

    @classmethod
    def of(cls, experiment: Experiment, *, replications: int, runs: int,
           contexts: list[dict[str, Any]], executor: str, workers: int, resumed_runs: int,
           timings_s: dict[str, float | None]) -> Manifest:
        """The manifest of an experiment's runs, made now on this machine."""
        sampler = experiment.sampler
        compare = experiment.command == "compare"
        if compare:
            rule = COMPARE_SEED_RULE
        else:
            rule = SHARED_SEED_RULE if experiment.shared_seeds else CONTEXT_SEED_RULE
        scenario_file = experiment.scenario_path if experiment.scenario_path.is_file() else None
        return cls(
            command=experiment.command, name=experiment.name,
            description=experiment.description, digest=experiment.digest,
            scenario=scenario_record(experiment.base, scenario_file),
            experiment_file=None if compare else {"file": str(experiment.path),
                                                  "sha256": file_digest(experiment.path)},
            design=experiment.design, samples=experiment.samples,
            strategies=[label for label, _ in experiment.policies()],
            reference=experiment.reference,
            contrast=list(experiment.contrast) if experiment.contrast else None,
            kpis=list(experiment.kpis), checks=list(experiment.checks),
            replications=replications, root_seed=experiment.seed, seed_rule=rule,
            axes=[[key, list(values)] for key, values in experiment.grid_axes()],
            contexts=contexts,
            salib_problem=sampler.problem if sampler and sampler.analysable else None,
            design_matrix=(experiment.design_matrix().tolist()
                           if sampler and sampler.analysable else None),
            runs=runs, steps=experiment.base.run.steps, parameters=experiment.base.nested(),
            provenance=provenance(), executor=executor, workers=workers,
            resumed_runs=resumed_runs, timings_s=timings_s, notes=list(experiment.notes),
            posterior=experiment.posterior.record() if experiment.posterior else None)

    @property
    def grid_axes(self) -> list[tuple[str, tuple]]:
        """The grid's axes as ``(key, values)``."""
        return [(key, tuple(values)) for key, values in self.axes]

    @property
    def wall_seconds(self) -> float | None:
        """Wall time of the command that wrote the folder."""
        wall = self.timings_s.get("wall")
        return float(wall) if isinstance(wall, int | float) else None

    def to_json(self) -> dict[str, Any]:
        """The manifest as JSON-able data, ``schema_version`` first."""
        data = asdict(self)
        return {"schema_version": data.pop("schema_version"), **data}

    def write(self, folder: Path) -> Path:
        """Write ``manifest.json`` into ``folder`` (atomically)."""
        return write_json(self.to_json(), Path(folder) / MANIFEST_NAME)

    @classmethod
    def from_json(cls, data: Any, source: str) -> Manifest:
        """Read a manifest from JSON data.

        Raises:
            ManifestError: If the data is not a manifest of this schema version.
        """
        how = "regenerate it with orglearn compare or orglearn sweep"
        if not isinstance(data, dict):
            raise ManifestError(f"{source}: not a manifest (a JSON object); {how}")
        version = data.get("schema_version")
        if version != SCHEMA_VERSION:
            raise ManifestError(f"{source}: schema_version = {version!r} is not allowed; "
                                f"allowed: {SCHEMA_VERSION} (written by another version of "
                                f"orglearn); {how}")
        names = {f.name for f in fields(cls)}
        required = {f.name for f in fields(cls)
                    if f.default is MISSING and f.default_factory is MISSING}
        missing = sorted(n for n in required if n not in data)
        if missing:
            raise ManifestError(f"{source}: key {missing[0]!r} is missing; {how}")
        return cls(**{k: v for k, v in data.items() if k in names})


def read_manifest(folder: Path) -> Manifest:
    """Read the ``manifest.json`` of a results folder.

    Raises:
        ManifestError: If it is missing, not JSON, or not a manifest of this schema version.
    """
    path = Path(folder) / MANIFEST_NAME
    if not path.is_file():
        raise ManifestError(f"{folder}: no {MANIFEST_NAME}; give a folder written by orglearn "
                            "compare or orglearn sweep")
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise ManifestError(f"{path}: cannot be read as JSON ({error}); give a folder written "
                            "by orglearn compare or orglearn sweep") from None
    return Manifest.from_json(data, str(path))
