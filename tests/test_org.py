"""Tests of the synthetic organisation generator (sim.org.generator)."""

from __future__ import annotations

import hashlib
import os
import random
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import scipy.sparse as sp
from scipy.sparse.csgraph import connected_components

from sim.engine.params import Params
from sim.org.generator import (
    TEAM_TIES_MAX_SPAN,
    TIE_INFORMAL,
    TIE_REPORTING,
    TIE_TEAM,
    Organisation,
    build_synthetic,
)

ROOT = Path(__file__).resolve().parents[1]


def make(seed: int = 1, **org: object) -> Organisation:
    params = Params().replace({f"org.{k}": v for k, v in org.items()})
    return build_synthetic(params.org, np.random.default_rng(seed))


def edge_rows(o: Organisation) -> np.ndarray:
    return np.repeat(np.arange(o.n), np.diff(o.ties.indptr))


def informal_adjacency(o: Organisation) -> sp.csr_array:
    mask = o.informal_mask()
    a = sp.csr_array((mask.astype(np.float64), o.ties.indices.copy(), o.ties.indptr.copy()),
                     shape=o.ties.shape)
    a.eliminate_zeros()
    return a


def clustering(a: sp.csr_array) -> float:
    """Global clustering coefficient: trace(A^3) / sum(d (d - 1))."""
    d = np.asarray(a.sum(axis=1)).ravel()
    triangles = (a @ a).multiply(a).sum()
    return float(triangles / np.sum(d * (d - 1)))


@pytest.fixture(scope="module")
def default_org() -> Organisation:
    return make(seed=7, employees=1003, divisions=5)


# --- divisions and hierarchy -------------------------------------------------------------------


@pytest.mark.parametrize(("n", "d"), [(1003, 5), (10, 3), (7, 7), (500, 1)])
def test_division_sizes_even_and_contiguous(n: int, d: int) -> None:
    o = make(employees=n, divisions=d)
    sizes = np.bincount(o.division, minlength=d)
    assert o.n == n and o.n_divisions == d
    assert sizes.sum() == n
    assert sizes.max() - sizes.min() <= 1
    assert np.all(np.diff(o.division) >= 0)  # contiguous blocks in index order
    assert o.division.dtype == np.int32


@pytest.mark.parametrize("span", [1, 3, 7, 20])
def test_hierarchy(span: int) -> None:
    o = make(employees=600, divisions=4, span_of_control=span)
    heads = np.flatnonzero(o.manager == -1)
    assert heads.size == 4
    assert np.array_equal(o.division[heads], np.arange(4))
    reports = np.flatnonzero(o.manager >= 0)
    assert np.all(o.manager[reports] < reports)
    assert np.all(o.division[o.manager[reports]] == o.division[reports])
    direct = np.bincount(o.manager[reports], minlength=o.n)
    assert direct.max() <= span
    assert direct.max() == span  # the tree is complete, so the span is used
    assert np.array_equal(o.is_manager, direct > 0)
    assert np.array_equal(o.team, np.where(o.manager >= 0, o.manager, np.arange(o.n)))
    assert o.manager.dtype == np.int32 and o.team.dtype == np.int32


def test_reporting_and_team_ties(default_org: Organisation) -> None:
    o = default_org
    t = o.tie_type.toarray()
    reports = np.flatnonzero(o.manager >= 0)
    assert np.all(t[reports, o.manager[reports]] == TIE_REPORTING)
    assert np.count_nonzero(t == TIE_REPORTING) == 2 * reports.size
    same_team = (o.manager[:, None] == o.manager[None, :]) & (o.manager[:, None] >= 0)
    np.fill_diagonal(same_team, False)
    assert np.all(t[same_team] == TIE_TEAM)
    assert np.count_nonzero(t == TIE_TEAM) == np.count_nonzero(same_team)


def test_no_team_ties_for_wide_spans() -> None:
    o = make(employees=400, span_of_control=TEAM_TIES_MAX_SPAN + 1)
    assert not np.any(o.tie_type.data == TIE_TEAM)
    assert np.count_nonzero(o.tie_type.data == TIE_REPORTING) == 2 * (o.n - o.n_divisions)


# --- ties ---------------------------------------------------------------------------------------


def test_ties_well_formed(default_org: Organisation) -> None:
    o = default_org
    a, t = o.ties, o.tie_type
    assert isinstance(a, sp.csr_array) and a.dtype == np.float64
    assert a.has_sorted_indices
    assert np.all(np.diff(a.indices[a.indptr[0]:a.indptr[1]]) > 0)
    assert (a != a.T).nnz == 0
    assert np.all(a.diagonal() == 0)
    assert np.all(a.indices != edge_rows(o))  # no stored self-loops
    assert np.all((a.data > 0) & (a.data <= 1))
    assert t.dtype == np.int8
    assert np.array_equal(t.indptr, a.indptr) and np.array_equal(t.indices, a.indices)
    assert set(np.unique(t.data)) <= {TIE_REPORTING, TIE_TEAM, TIE_INFORMAL}
    assert (t != t.T).nnz == 0
    assert np.array_equal(o.degree, np.diff(a.indptr))


def test_informal_lattice_without_rewiring() -> None:
    o = make(employees=600, divisions=3, informal_degree=8, rewiring=0.0,
             cross_division_share=0.0)
    informal = informal_adjacency(o)
    assert np.all(np.diff(informal.indptr) == 8)
    assert o.informal_cross_share() == 0.0
    assert o.cross_division_ties.sum() == 0


def test_formal_trust_bonus() -> None:
    o = make(employees=500, trust_mean=0.3, formal_trust_bonus=1.0)
    formal = o.tie_type.data < TIE_INFORMAL
    assert np.all(o.ties.data[formal] == 1.0)
    assert o.ties.data[~formal].mean() == pytest.approx(0.3, abs=0.03)


@pytest.mark.parametrize("share", [0.0, 0.1, 0.3])
def test_cross_division_share(share: float) -> None:
    o = make(employees=1000, informal_degree=6, cross_division_share=share)
    assert o.informal_cross_share() == pytest.approx(share, abs=0.02)
    # every cross-division tie is informal
    rows = edge_rows(o)
    cross = o.division[rows] != o.division[o.ties.indices]
    assert np.all(o.tie_type.data[cross] == TIE_INFORMAL)


def test_rewiring_lowers_clustering() -> None:
    lattice = make(employees=1000, informal_degree=6, rewiring=0.0, cross_division_share=0.0)
    random_ = make(employees=1000, informal_degree=6, rewiring=1.0, cross_division_share=0.0)
    c0, c1 = clustering(informal_adjacency(lattice)), clustering(informal_adjacency(random_))
    assert c0 == pytest.approx(0.6, abs=0.01)  # ring lattice, k = 6: 3(k-2) / 4(k-1)
    assert c1 < 0.1
    assert c0 > 5 * c1


# --- determinism --------------------------------------------------------------------------------


def arrays(o: Organisation) -> list[np.ndarray]:
    out = [o.division, o.manager, o.team, o.is_spanner, o.group_energy,
           o.ties.data, o.ties.indices, o.ties.indptr, o.tie_type.data, o.informal.data]
    return out + list(o.groups)


def test_same_seed_same_organisation() -> None:
    a, b = make(seed=42), make(seed=42)
    assert len(a.groups) == len(b.groups)
    for x, y in zip(arrays(a), arrays(b), strict=True):
        assert x.dtype == y.dtype
        assert np.array_equal(x, y)


def test_different_seed_different_ties() -> None:
    a, b = make(seed=1), make(seed=2)
    same_pattern = (a.ties.nnz == b.ties.nnz
                    and np.array_equal(a.ties.indices, b.ties.indices))
    assert not same_pattern
    assert not np.array_equal(a.group_energy, b.group_energy)


def test_global_rngs_untouched() -> None:
    np.random.seed(123)  # noqa: NPY002 - the legacy global RNG is what is checked
    random.seed(123)
    np_state, py_state = np.random.get_state()[1].copy(), random.getstate()  # noqa: NPY002
    make(seed=3)
    assert np.array_equal(np.random.get_state()[1], np_state)  # noqa: NPY002
    assert random.getstate() == py_state


_DIGEST = """
import hashlib
import numpy as np
from sim.engine.params import Params
from sim.org.generator import build_synthetic
o = build_synthetic(Params().replace({"org.employees": 300}).org, np.random.default_rng(5))
h = hashlib.sha256()
for a in [o.ties.data, o.ties.indices, o.tie_type.data, o.is_spanner, o.group_energy, *o.groups]:
    h.update(np.ascontiguousarray(a).tobytes())
print(h.hexdigest())
"""


def test_independent_of_hash_seed() -> None:
    env = {**os.environ, "PYTHONHASHSEED": "12345"}
    out = subprocess.run([sys.executable, "-c", _DIGEST], cwd=ROOT, env=env,
                         capture_output=True, text=True, check=True)
    o = make(seed=5, employees=300)
    h = hashlib.sha256()
    for a in [o.ties.data, o.ties.indices, o.tie_type.data, o.is_spanner, o.group_energy,
              *o.groups]:
        h.update(np.ascontiguousarray(a).tobytes())
    assert out.stdout.strip() == h.hexdigest()


# --- roles and groups ---------------------------------------------------------------------------


@pytest.mark.parametrize(("n", "share"), [(1000, 0.03), (333, 0.1), (200, 0.0)])
def test_boundary_spanners(n: int, share: float) -> None:
    o = make(employees=n, boundary_spanner_share=share)
    assert o.is_spanner.dtype == bool
    assert o.is_spanner.sum() == round(share * n)
    if share > 0:
        cross = o.cross_division_ties
        assert cross[o.is_spanner].mean() > cross[~o.is_spanner].mean()
        assert cross[o.is_spanner].min() >= 1


def test_groups_within_bounds() -> None:
    o = make(employees=800, unofficial_groups=12, unofficial_group_size_min=4,
             unofficial_group_size_max=30, unofficial_energy_min=0.3,
             unofficial_energy_max=0.5)
    assert len(o.groups) == 12 and o.group_energy.shape == (12,)
    assert o.group_energy.dtype == np.float64
    assert np.all((o.group_energy >= 0.3) & (o.group_energy <= 0.5))
    informal = informal_adjacency(o)
    for g in o.groups:
        assert g.dtype == np.int32
        assert 4 <= g.size <= 30
        assert np.all(np.diff(g) > 0) and g[0] >= 0 and g[-1] < o.n
        # grown by BFS over a connected informal graph, so the group is connected
        n_comp, _ = connected_components(informal[g][:, g], directed=False)
        assert n_comp == 1


def test_groups_topped_up_when_no_informal_ties() -> None:
    o = make(employees=50, divisions=2, informal_degree=0, unofficial_groups=3,
             unofficial_group_size_min=10, unofficial_group_size_max=10)
    for g in o.groups:
        assert g.size == 10
        assert np.unique(o.division[g]).size == 1  # topped up from the seed's division


def test_no_groups() -> None:
    o = make(unofficial_groups=0)
    assert o.groups == () and o.group_energy.shape == (0,)


# --- edge cases ---------------------------------------------------------------------------------


def test_single_division_with_cross_share() -> None:
    o = make(employees=300, divisions=1, cross_division_share=0.4, rewiring=0.2)
    assert o.n_divisions == 1
    assert o.informal_cross_share() == 0.0
    assert o.cross_division_ties.sum() == 0
    assert np.flatnonzero(o.manager == -1).tolist() == [0]
    assert o.is_spanner.sum() == round(0.03 * 300)


@pytest.mark.parametrize("divisions", [1, 2, 5])
def test_small_org(divisions: int) -> None:
    o = make(employees=10, divisions=divisions, span_of_control=3, informal_degree=4)
    assert o.n == 10 and o.n_divisions == divisions
    assert (o.ties != o.ties.T).nnz == 0
    assert np.all((o.ties.data > 0) & (o.ties.data <= 1))
    assert np.bincount(o.manager[o.manager >= 0]).max() <= 3
    for g in o.groups:
        assert 5 <= g.size <= 10


def test_two_people_two_divisions() -> None:
    o = make(employees=2, divisions=2)
    assert o.ties.nnz == 0 and o.informal_cross_share() == 0.0
    assert o.manager.tolist() == [-1, -1]


def test_node_arrays_read_only(default_org: Organisation) -> None:
    with pytest.raises(ValueError):
        default_org.division[0] = 1


def test_without_formal_ties_only_the_informal_network_remains() -> None:
    params = Params().replace({"org.employees": 120, "org.divisions": 1,
                               "org.formal_ties": False, "org.informal_degree": 6,
                               "org.rewiring": 0.0, "org.cross_division_share": 0.0}).org
    org = build_synthetic(params, np.random.default_rng(3))
    assert (org.degree == 6).all()
    assert (org.tie_type.data == TIE_INFORMAL).all()
    assert (org.manager >= 0).sum() == 119  # the hierarchy itself is still there


def test_a_large_informal_degree_gives_a_fully_mixed_division() -> None:
    params = Params().replace({"org.employees": 60, "org.divisions": 1,
                               "org.formal_ties": False, "org.informal_degree": 1000,
                               "org.rewiring": 0.0, "org.cross_division_share": 0.0}).org
    org = build_synthetic(params, np.random.default_rng(3))
    assert (org.degree == 59).all()  # everyone tied to everyone else, n - 1


def test_random_informal_networks_have_poisson_degrees_inside_divisions():
    from sim.errors import ParameterError

    params = Params().replace({"org.informal_network": "random", "org.informal_degree": 5,
                               "org.employees": 4000, "org.divisions": 2,
                               "org.formal_ties": False, "org.cross_division_share": 0.0,
                               "org.unofficial_groups": 0})
    org = build_synthetic(params.org, np.random.default_rng(3))
    degree = org.degree
    assert abs(degree.mean() - 5) < 0.1 and abs(degree.var() - 5) < 0.5  # Poisson: var = mean
    assert abs((degree == 0).mean() - np.exp(-5)) < 0.005
    assert org.informal_cross_share() == 0.0 and org.ties.diagonal().sum() == 0
    with pytest.raises(ParameterError, match="even number when org.informal_network"):
        params.replace({"org.informal_network": "small_world"})
