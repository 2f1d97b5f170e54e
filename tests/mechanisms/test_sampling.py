import numpy as np
import pytest
import scipy.sparse as sp

from sim.engine.mechanisms.sampling import (
    TieSampler,
    best_neighbour,
    choose_per_row,
    counter_uniforms,
    pick_another_in_group,
    pick_in_groups,
    sample_neighbour,
    sparse_uniforms,
    step_toward,
)


def first_tie_past(ties, u):
    """Per row, in plain Python: the first tie whose cumulative share of the row's weight
    (float32, as the sampler holds it) exceeds ``u``; the last tie if none; -1 without weight."""
    chosen = []
    for row in range(ties.shape[0]):
        weights = ties.data[ties.indptr[row]:ties.indptr[row + 1]]
        columns = ties.indices[ties.indptr[row]:ties.indptr[row + 1]]
        if weights.sum() <= 0:
            chosen.append(-1)
            continue
        share = (np.cumsum(weights) / weights.sum()).astype(np.float32)
        past = np.flatnonzero(share[:-1] > u[row])
        chosen.append(int(columns[past[0] if past.size else weights.size - 1]))
    return np.array(chosen)


def test_choose_per_row_follows_weights_and_skips_zero_rows(rng):
    weights = np.array([[0.0, 1.0, 3.0], [0.0, 0.0, 0.0], [5.0, 0.0, 0.0]])
    picks = np.array([choose_per_row(weights, rng.random(weights.shape[0])) for _ in range(4000)])
    assert (picks[:, 1] == -1).all()
    assert (picks[:, 2] == 0).all()
    assert set(np.unique(picks[:, 0])) == {1, 2}
    assert abs((picks[:, 0] == 2).mean() - 0.75) < 0.03


def test_sample_neighbour_picks_neighbours_in_proportion_to_trust(rng):
    ties = sp.csr_array(np.array([[0, 1.0, 0.0, 3.0], [1.0, 0, 0, 0], [0, 0, 0, 0],
                                  [3.0, 0, 0, 0]]))
    draws = [sample_neighbour(ties, rng) for _ in range(4000)]
    who = np.array([d[0] for d in draws])
    weight = np.array([d[1] for d in draws])
    assert set(np.unique(who[:, 0])) == {1, 3}
    assert abs((who[:, 0] == 3).mean() - 0.75) < 0.03
    assert (who[:, 1] == 0).all() and (who[:, 3] == 0).all()
    assert (who[:, 2] == -1).all() and (weight[:, 2] == 0).all()
    assert np.allclose(weight[:, 0], np.where(who[:, 0] == 3, 3.0, 1.0))


def test_pick_in_groups_never_picks_self_or_another_group(rng):
    items = np.array([10, 11, 12, 20])
    item_group = np.array([0, 0, 0, 1])
    queries = np.array([10, 11, 20, 30, 13])
    query_group = np.array([0, 0, 1, 2, 0])
    picks = np.array([pick_in_groups(item_group, query_group, items, queries, 3, rng.random(5))
                      for _ in range(3000)])
    assert set(np.unique(picks[:, 0])) == {11, 12}
    assert set(np.unique(picks[:, 1])) == {10, 12}
    assert (picks[:, 2] == -1).all()  # the only item of group 1 is the query itself
    assert (picks[:, 3] == -1).all()  # group 2 has no items
    assert set(np.unique(picks[:, 4])) == {10, 11, 12}  # not an item: any of the group
    # Uniform among the others (no double chance for the item after oneself).
    assert abs((picks[:, 0] == 11).mean() - 0.5) < 0.04
    assert abs((picks[:, 1] == 10).mean() - 0.5) < 0.04
    assert abs((picks[:, 4] == 12).mean() - 1 / 3) < 0.04


def test_pick_in_groups_with_no_items(rng):
    empty = np.array([], np.int64)
    chosen = pick_in_groups(empty, np.array([0, 1]), empty, np.array([3, 4]), 2, rng.random(2))
    assert chosen.tolist() == [-1, -1]


def test_step_toward_moves_one_step():
    beliefs = np.array([-1, -1, 0, 0, 1, 1], np.int8)
    target = np.array([1, -1, 1, -1, -1, 1], np.int8)
    assert step_toward(beliefs, target).tolist() == [1, 0, 1, -1, -1, 0]


def test_best_neighbour_is_the_highest_scoring_tie_and_minus_one_when_alone():
    ties = sp.csr_array(np.array([[0, 1, 1, 0], [1, 0, 0, 0], [1, 0, 0, 0], [0, 0, 0, 0]],
                                 float))
    chosen, weight = best_neighbour(ties, np.array([5.0, 1.0, 3.0, 9.0]))
    assert chosen.tolist() == [2, 0, 0, -1] and weight.tolist() == [1.0, 1.0, 1.0, 0.0]
    chosen, _ = best_neighbour(ties, np.array([5.0, 3.0, 3.0, 9.0]))
    assert chosen[0] == 1  # equal scores: the lowest index


def test_tie_sampler_picks_the_first_tie_past_the_uniform_number(rng):
    for trial in range(150):
        n = int(rng.integers(1, 50))
        ties = sp.random(n, n, density=rng.random(), random_state=int(rng.integers(2**31)),
                         format="csr")
        if ties.nnz == 0:
            continue
        if trial % 3 == 0:
            ties.data[rng.random(ties.nnz) < 0.3] = 0.0  # zero weights, some whole rows
        if trial % 5 == 0:
            ties.data = np.round(ties.data, 1)  # ties in the cumulative weights
        sampler = TieSampler(ties)
        for u in (rng.random(n), np.zeros(n), np.full(n, np.nextafter(1.0, 0.0))):
            chosen, weight = sampler.sample(u)
            assert np.array_equal(chosen, first_tie_past(ties, u))
            dense = ties.toarray()
            assert np.array_equal(weight, np.where(chosen >= 0,
                                                   dense[np.arange(n), np.maximum(chosen, 0)], 0))


def test_pick_another_in_group_is_pick_in_groups_with_members_as_queries(rng):
    for _ in range(200):
        k = int(rng.integers(0, 40))
        group, members = rng.integers(0, 5, k), rng.permutation(100)[:k]
        u = rng.random(k)
        assert np.array_equal(pick_another_in_group(group, members, 5, u),
                              pick_in_groups(group, group, members, members, 5, u))


def whole_field(seed, n, m):
    """The byte field a stream's sparse_uniforms call draws, and the key of its fine part."""
    raw = np.random.default_rng(seed).bit_generator.random_raw(-(-(n * m) // 8) + 1)
    return raw[:-1].astype("<u8").view(np.uint8)[: n * m], raw[-1]


@pytest.mark.parametrize("below", [0.0, 0.004, 0.03, 0.06, 0.12, 0.5, 1.0])
def test_sparse_uniforms_are_the_entries_of_one_field_whatever_rows_are_read(below):
    rng = np.random.default_rng(11)
    for seed in range(40):
        n, m = int(rng.integers(1, 200)), int(rng.integers(1, 40))
        high, key = whole_field(seed, n, m)
        field = (high + counter_uniforms(key, np.arange(n * m))) / 256.0
        cells, values = sparse_uniforms(np.random.default_rng(seed), (n, m), below)
        assert np.array_equal(cells, np.flatnonzero(high < min(256, np.ceil(below * 256))))
        assert np.array_equal(values, field[cells])
        assert (np.delete(field, cells) >= below).all()
        rows = np.sort(rng.choice(n, int(rng.integers(0, n + 1)), replace=False))
        some, their = sparse_uniforms(np.random.default_rng(seed), (n, m), below, rows)
        keep = np.isin(cells // m, rows)
        assert np.array_equal(some, cells[keep]) and np.array_equal(their, values[keep])


def test_sparse_uniforms_are_uniform_and_advance_the_stream_alike():
    a, b = np.random.default_rng(3), np.random.default_rng(3)
    cells, values = sparse_uniforms(a, (20000, 30), 1.0)
    assert cells.size == 600000
    # The Kolmogorov-Smirnov distance of 600,000 uniforms stays below 1.95 / sqrt(600,000),
    # about 0.0025, with probability 0.999.
    order = np.sort(values)
    grid = np.arange(1, order.size + 1) / order.size
    assert np.abs(order - grid).max() < 0.0025
    sparse_uniforms(b, (20000, 30), 0.01, np.arange(5))
    assert a.random() == b.random()  # what is read does not change what is drawn


def test_counter_uniforms_depend_on_the_position_alone():
    key = np.uint64(12345)
    whole = counter_uniforms(key, np.arange(1000))
    picked = np.array([7, 3, 999, 3])
    assert np.array_equal(counter_uniforms(key, picked), whole[picked])
    assert (whole >= 0).all() and (whole < 1).all()
    assert abs(whole.mean() - 0.5) < 0.03
    assert not np.array_equal(counter_uniforms(np.uint64(12346), np.arange(1000)), whole)
