"""The organisation of a run: a client's chart when the scenario names one, else synthetic."""

from __future__ import annotations

import numpy as np

from sim.org.chart import build_from_chart
from sim.org.generator import Organisation, OrgParams, build_synthetic

__all__ = ["build_organisation"]


def build_organisation(org: OrgParams, rng: np.random.Generator) -> Organisation:
    """The organisation of a run: the client's chart if ``org.chart`` names one, else synthetic.

    Args:
        org: The ``org`` parameter section.
        rng: The only source of randomness.
    """
    if org.chart:
        return build_from_chart(org, rng)
    return build_synthetic(org, rng)
