"""Index-based memberships agree with a dense people x communities matrix under random edits."""

import numpy as np

from sim.engine.memberships import Memberships


def test_random_edits_match_a_dense_matrix():
    rng = np.random.default_rng(5)
    n, capacity = 60, 9
    memberships = Memberships(n, capacity, width=2)
    dense = np.zeros((n, capacity), bool)
    forced = np.zeros((n, capacity), bool)
    for _ in range(300):
        action = rng.integers(4)
        if action == 0:  # one community, several people (may widen rows past 2)
            community = int(rng.integers(capacity))
            people = np.flatnonzero(~dense[:, community] & (rng.random(n) < 0.2))
            enrolled = bool(rng.integers(2))
            memberships.add(people, community, enrolled=enrolled)
            dense[people, community], forced[people, community] = True, enrolled
        elif action == 1:  # one community each
            people = rng.choice(n, size=8, replace=False)
            target = rng.integers(capacity, size=8).astype(np.int32)
            keep = ~dense[people, target]
            memberships.add(people[keep], target[keep])
            dense[people[keep], target[keep]] = True
            forced[people[keep], target[keep]] = False
        elif action == 2:
            people = rng.choice(n, size=5, replace=False)
            memberships.remove_people(people)
            dense[people], forced[people] = False, False
        else:
            mask = memberships.used & (rng.random(memberships.slots.shape) < 0.1)
            rows = np.broadcast_to(np.arange(n)[:, None], mask.shape)[mask]
            cols = memberships.slots[mask]
            memberships.remove_slots(mask)
            dense[rows, cols], forced[rows, cols] = False, False
        assert np.array_equal(memberships.dense(), dense)
        assert np.array_equal(memberships.dense(enrolled_only=True), forced & dense)
        assert np.array_equal(memberships.size, dense.sum(axis=0))
        assert np.array_equal(memberships.count, dense.sum(axis=1))
        slots = memberships.slots
        assert (np.diff(slots, axis=1) >= 0).all(), "rows stay sorted, padding last"
    assert memberships.slots.shape[1] > 2, "compulsory-style adds widened the rows"
    community = 3
    assert np.array_equal(memberships.members_of(community), np.flatnonzero(dense[:, community]))
    mask = np.zeros(capacity, bool)
    mask[[1, 4]] = True
    assert np.array_equal(memberships.in_any(mask), dense[:, [1, 4]].any(axis=1))
    assert np.array_equal(memberships.chosen_any(), (dense & ~forced).any(axis=1))
