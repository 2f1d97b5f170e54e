import numpy as np
import scipy.sparse as sp

from sim.engine.mechanisms.sampling import (
    best_neighbour,
    choose_per_row,
    pick_in_groups,
    sample_neighbour,
    step_toward,
)


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
