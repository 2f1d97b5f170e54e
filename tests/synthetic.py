"""Manifests for synthetic results, as the pipeline would record them."""

from __future__ import annotations

from typing import Any

import numpy as np

from sim.experiments.manifest import Manifest


def make_manifest(reference: str = "B", kpis: tuple[str, ...] | list[str] = (),
                  design: str = "grid", axes: Any = (), problem: dict | None = None,
                  design_matrix: np.ndarray | None = None, **known: Any) -> Manifest:
    """The manifest of synthetic runs; ``known`` sets any other field a real one records."""
    values = {"command": "sweep", "name": "phase-test", "description": "",
              "digest": "", "scenario": {"name": "synthetic"}, "experiment_file": None,
              "design": design, "samples": 32, "strategies": [], "reference": reference,
              "contrast": None, "kpis": list(kpis), "checks": [], "replications": 10,
              "root_seed": 2026, "seed_rule": "", "contexts": [],
              "axes": [[k, list(v)] for k, v in axes], "salib_problem": problem,
              "design_matrix": None if design_matrix is None else design_matrix.tolist(),
              "runs": 0, "steps": 52, "parameters": {}}
    return Manifest(**(values | known))
