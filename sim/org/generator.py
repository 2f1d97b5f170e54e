"""The organisation: divisions, hierarchy, teams, informal ties, trust and groups.

:func:`build_organisation` turns the ``org`` section of the parameters into an
:class:`Organisation`, a frozen bundle of numpy arrays and sparse matrices that the rest of the
model reads: from a client's organisation chart (:mod:`sim.org.chart`) when ``org.chart``
names one, else from the synthetic generator :func:`build_synthetic`, described here:

* **Divisions** are contiguous blocks of employee indices of (almost) equal size.
* **Hierarchy**: inside each division the employees form a complete ``span_of_control``-ary
  tree in index order; the first employee of the block is the division head.
* **Formal ties**: every reporting line (manager and direct report) is a tie of type
  :data:`TIE_REPORTING`; colleagues who share a manager are linked by :data:`TIE_TEAM` ties,
  but only while ``span_of_control <= TEAM_TIES_MAX_SPAN`` (wider teams would add
  ``span**2 / 2`` ties per team and make the graph dense, so team ties are then left out).
* **Informal ties** (``org.informal_network = "random"``: Erdos-Renyi pairs per division,
  Watts 2002) by default follow Watts & Strogatz (1998): a ring lattice per division in index
  (hierarchy) order, rewired inside the division with probability ``rewiring``; then a share
  ``cross_division_share`` of them is moved to reach another division.
* **Trust** is one Beta-distributed weight per pair; formal ties get a bonus.
* **Boundary spanners** are the people who reach the most other divisions.
* **Unofficial groups** grow by breadth-first search over the informal ties.

Everything random is drawn from the :class:`numpy.random.Generator` passed in, in a fixed order,
so the same parameters and seed always give the same organisation.

This module puts the steps together (:func:`build_synthetic`, :func:`assemble`); each step is a
module of its own: :mod:`sim.org.hierarchy` (divisions, managers, formal ties),
:mod:`sim.org.informal` (informal ties), :mod:`sim.org.trust`, :mod:`sim.org.groups` (spanners
and unofficial groups) and :mod:`sim.org.ties` (merging pairs into the sparse matrices). The
:class:`Organisation` itself is in :mod:`sim.org.organisation`; it and the constants are
re-exported here, where the rest of the library imports them from.
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

from sim.org.groups import pick_spanners, unofficial_groups
from sim.org.hierarchy import TEAM_TIES_MAX_SPAN, division_blocks, formal_pairs, line_managers
from sim.org.informal import cross_divisions, random_pairs, rewire, ring_lattice
from sim.org.organisation import Organisation, OrgParams, frozen, hierarchy_depth
from sim.org.ties import TIE_INFORMAL, TIE_REPORTING, TIE_TEAM, merge_pairs, symmetric_csr
from sim.org.trust import draw_trust, given_trust

__all__ = [
    "TEAM_TIES_MAX_SPAN",
    "TIE_INFORMAL",
    "TIE_REPORTING",
    "TIE_TEAM",
    "OrgParams",
    "Organisation",
    "assemble",
    "build_synthetic",
    "hierarchy_depth",
]


def build_synthetic(org: OrgParams, rng: np.random.Generator) -> Organisation:
    """Build a synthetic organisation from the ``org`` parameters.

    Args:
        org: The ``org`` parameter section (``Params().org``) or any object with the same
            attributes.
        rng: The only source of randomness; the same seed gives the same organisation.

    Returns:
        The organisation.
    """
    n, n_div = int(org.employees), int(org.divisions)
    sizes, starts = division_blocks(n, n_div)
    division = np.repeat(np.arange(n_div), sizes)
    local = np.arange(n) - starts[division]
    manager = line_managers(local, starts[division], int(org.span_of_control))
    team = np.where(manager >= 0, manager, np.arange(n))
    formal = formal_pairs(manager, local, sizes[division], int(org.span_of_control))
    return assemble(org, division, manager, team, formal, rng)


def assemble(org: OrgParams, division: np.ndarray, manager: np.ndarray, team: np.ndarray,
             formal: tuple[np.ndarray, np.ndarray, np.ndarray], rng: np.random.Generator, *,
             informal_pairs: tuple[np.ndarray, np.ndarray] | None = None,
             informal_trust: np.ndarray | None = None) -> Organisation:
    """Add informal ties, trust, boundary spanners and unofficial groups to a formal structure.

    Shared by the synthetic generator and the import of a client's organisation chart
    (:mod:`sim.org.chart`).

    Args:
        org: The ``org`` parameters.
        division: ``(n,)`` division of each employee; divisions are contiguous index blocks
            ``0..D-1`` in order.
        manager: ``(n,)`` line manager of each employee, ``-1`` for none.
        team: ``(n,)`` team id of each employee.
        formal: ``(u, v, code)`` reporting and team ties.
        rng: The only source of randomness.
        informal_pairs: ``(u, v)`` informal ties as given; ``None`` generates them as the
            synthetic organisation does (ring lattice per division in index order, rewiring,
            a share moved across divisions).
        informal_trust: Trust on each given informal pair, replacing the drawn trust;
            ``None`` keeps the drawn trust.
    """
    n = division.size
    sizes = np.bincount(division).astype(np.int64)
    n_div = sizes.size
    starts = np.concatenate([[0], np.cumsum(sizes)[:-1]]).astype(np.int64)
    local = np.arange(n) - starts[division]
    formal_u, formal_v, formal_code = formal
    if not org.formal_ties:  # informal ties only (validation networks)
        formal_u, formal_v, formal_code = formal_u[:0], formal_v[:0], formal_code[:0]
    if informal_pairs is None:
        if org.informal_network == "random":
            inf_u, inf_v = random_pairs(sizes, starts, int(org.informal_degree), rng)
        else:
            inf_u, inf_v = ring_lattice(local, starts[division], sizes[division],
                                        int(org.informal_degree))
            inf_u, inf_v = rewire(inf_u, inf_v, local, starts[division], sizes[division],
                                  float(org.rewiring), rng)
        inf_u, inf_v = cross_divisions(inf_u, inf_v, division, sizes, starts,
                                       float(org.cross_division_share), rng)
    else:
        inf_u, inf_v = informal_pairs
    lo, hi, code, informal = merge_pairs(
        n,
        np.concatenate([formal_u, inf_u]),
        np.concatenate([formal_v, inf_v]),
        np.concatenate([formal_code, np.full(inf_u.size, TIE_INFORMAL, np.int8)]),
    )
    del formal_u, formal_v, formal_code  # only the merged pairs are needed from here
    trust = draw_trust(code, org, rng)
    if informal_pairs is not None and informal_trust is not None:
        trust = given_trust(trust, lo, hi, n, inf_u, inf_v, informal_trust)
    del inf_u, inf_v
    indptr, indices, (trust_e, code_e, informal_e) = symmetric_csr(n, lo, hi,
                                                                   trust, code, informal)
    shape = (n, n)
    ties = sp.csr_array((trust_e, indices, indptr), shape=shape)
    # The three matrices share one structure (read-only, like the whole organisation).
    tie_type = sp.csr_array((code_e, indices, indptr), shape=shape)
    informal_m = sp.csr_array((informal_e, indices, indptr), shape=shape)

    n_spanners = int(round(float(org.boundary_spanner_share) * n))
    is_spanner = pick_spanners(lo, hi, division, n_div, n_spanners, rng)
    groups, energy = unofficial_groups(org, lo[informal], hi[informal], division, sizes,
                                       starts, rng)
    return Organisation(
        division=frozen(division.astype(np.int32)),
        manager=frozen(manager.astype(np.int32)),
        team=frozen(team.astype(np.int32)),
        ties=ties,
        tie_type=tie_type,
        is_spanner=frozen(is_spanner),
        groups=tuple(frozen(g) for g in groups),
        group_energy=frozen(energy),
        informal=informal_m,
    )
