"""Who belongs to which community: a few community indices per person, not a people x C matrix.

A person belongs to at most a handful of communities (``participation.max_memberships``, 2 by
default) while an organisation may run hundreds, so memberships are stored as *slots*: row ``i``
of :attr:`Memberships.slots` holds the communities person ``i`` belongs to, in ascending order,
padded with :attr:`Memberships.empty` (the community capacity, one past the last index). A
lookup table of length ``capacity + 1`` whose last entry is neutral therefore reads any
per-community value for every slot at once (``table[slots]``). The row counts
(:attr:`Memberships.count`) and community sizes (:attr:`Memberships.size`) are kept up to date
by every change, so nothing sums a matrix to know them.

Rows start ``width`` slots wide (the largest membership cap) and widen when compulsory
enrolment, which ignores the cap, needs more. Slots are kept sorted so that a weighted choice
over a person's communities visits them in community order, as a choice over the columns of a
dense matrix would.
"""

from __future__ import annotations

import numpy as np

__all__ = ["Memberships", "any_per_row", "row_holds"]


def any_per_row(mask: np.ndarray) -> np.ndarray:
    """``mask.any(axis=1)`` for a narrow ``(rows, width)`` mask, computed column by column.

    numpy's reduction over a short last axis costs about twenty times more than ``width``
    element-wise passes; membership rows are a few slots wide.
    """
    out = mask[:, 0].copy()
    for column in range(1, mask.shape[1]):
        out |= mask[:, column]
    return out


def row_holds(slots: np.ndarray, value: np.ndarray | int) -> np.ndarray:
    """``(slots == value).any(axis=1)`` column by column (see :func:`any_per_row`).

    Args:
        slots: ``(rows, width)`` community indices.
        value: One community for all rows, or ``(rows,)`` one per row.
    """
    out = slots[:, 0] == value
    for column in range(1, slots.shape[1]):
        out |= slots[:, column] == value
    return out


class Memberships:
    """Memberships of ``n`` people in up to ``capacity`` communities.

    Args:
        n: Number of people.
        capacity: Number of community slots (``community.max_communities``).
        width: Initial slots per person; rows widen on demand.

    Attributes:
        slots: ``(n, width)`` int32 community indices, ascending per row, padded with
            :attr:`empty`.
        enrolled: ``(n, width)`` bool, aligned with ``slots``: the membership came from
            compulsory enrolment (else it was chosen).
        count: ``(n,)`` int32 number of memberships of each person.
        size: ``(capacity,)`` int64 number of members of each community.
    """

    def __init__(self, n: int, capacity: int, width: int = 2) -> None:
        self.capacity = int(capacity)
        self.slots = np.full((n, max(int(width), 1)), self.capacity, np.int32)
        self.enrolled = np.zeros(self.slots.shape, bool)
        self.count = np.zeros(n, np.int32)
        self.size = np.zeros(self.capacity, np.int64)

    @property
    def empty(self) -> int:
        """The padding value of an unused slot (one past the last community index)."""
        return self.capacity

    @property
    def n(self) -> int:
        """Number of people."""
        return self.slots.shape[0]

    @property
    def used(self) -> np.ndarray:
        """``(n, width)`` bool: the slot holds a community."""
        return self.slots < self.capacity

    def lookup(self, per_community: np.ndarray, fill: object = 0) -> np.ndarray:
        """Read a per-community array at every slot, ``(n, width)``; empty slots get ``fill``."""
        table = np.empty(self.capacity + 1, per_community.dtype)
        table[:-1] = per_community
        table[-1] = fill
        return table[self.slots]

    def in_any(self, communities: np.ndarray) -> np.ndarray:
        """``(n,)`` bool: the person belongs to at least one community where the mask is set.

        Args:
            communities: ``(capacity,)`` bool mask of communities.
        """
        return any_per_row(self.lookup(np.asarray(communities, bool), False))

    def chosen_any(self) -> np.ndarray:
        """``(n,)`` bool: the person belongs to some community by choice (not enrolled)."""
        return any_per_row(self.used & ~self.enrolled)

    def contains(self, people: np.ndarray, community: int) -> np.ndarray:
        """Whether each of ``people`` belongs to ``community``, ``(len(people),)`` bool."""
        return row_holds(self.slots[people], community)

    def members_of(self, community: int) -> np.ndarray:
        """Indices of the members of ``community``, ascending."""
        return np.flatnonzero(row_holds(self.slots, community))

    def mask_of(self, community: int) -> np.ndarray:
        """``(n,)`` bool: membership of ``community``."""
        return row_holds(self.slots, community)

    def holds(self, communities: np.ndarray) -> np.ndarray:
        """``(n,)`` bool: person ``i`` belongs to ``communities[i]`` (-1 never matches)."""
        return row_holds(self.slots, communities)

    def dense(self, enrolled_only: bool = False) -> np.ndarray:
        """The ``(n, capacity)`` membership matrix (a fresh array; for display and tests).

        Args:
            enrolled_only: Only the memberships that came from compulsory enrolment.
        """
        out = np.zeros((self.n, self.capacity + 1), bool)
        rows = np.broadcast_to(np.arange(self.n)[:, None], self.slots.shape)
        keep = self.enrolled if enrolled_only else np.ones(self.slots.shape, bool)
        out[rows[keep], self.slots[keep]] = True
        return out[:, :-1]

    def add(self, people: np.ndarray, communities: np.ndarray | int,
            enrolled: np.ndarray | bool = False) -> None:
        """Add memberships: ``people[i]`` joins ``communities[i]``.

        Args:
            people: Distinct person indices, none already a member of their community.
            communities: One community per person, or one for all.
            enrolled: Whether the memberships come from compulsory enrolment.
        """
        people = np.asarray(people, np.int64)
        if people.size == 0:
            return
        target = np.broadcast_to(np.asarray(communities, np.int32), people.shape)
        forced = np.broadcast_to(np.asarray(enrolled, bool), people.shape)
        need = int(self.count[people].max()) + 1
        if need > self.slots.shape[1]:
            self._widen(need)
        column = self.count[people]
        self.slots[people, column] = target
        self.enrolled[people, column] = forced
        self.count[people] += 1
        self.size += np.bincount(target, minlength=self.capacity)
        self._sort_rows(people)

    def remove_people(self, people: np.ndarray) -> None:
        """Remove people from all their communities."""
        people = np.asarray(people, np.int64)
        if people.size == 0:
            return
        held = self.slots[people].ravel()
        self.size -= np.bincount(held, minlength=self.capacity + 1)[:-1]
        self.slots[people] = self.capacity
        self.enrolled[people] = False
        self.count[people] = 0

    def remove_slots(self, mask: np.ndarray) -> None:
        """Remove the memberships where ``mask`` (``(n, width)`` bool) is set."""
        mask = mask & self.used
        rows = np.flatnonzero(any_per_row(mask))
        if rows.size == 0:
            return
        self.size -= np.bincount(self.slots[mask], minlength=self.capacity)
        self.count[rows] -= mask[rows].sum(axis=1, dtype=np.int32)
        self.slots[mask] = self.capacity
        self.enrolled[mask] = False
        self._sort_rows(rows)

    def remove_community(self, community: int) -> None:
        """Remove every membership of ``community``."""
        if self.size[community]:
            self.remove_slots(self.slots == community)

    def _widen(self, width: int) -> None:
        """Make rows at least ``width`` slots wide (doubling, so widening stays rare)."""
        width = max(width, 2 * self.slots.shape[1])
        extra = width - self.slots.shape[1]
        self.slots = np.pad(self.slots, ((0, 0), (0, extra)), constant_values=self.capacity)
        self.enrolled = np.pad(self.enrolled, ((0, 0), (0, extra)), constant_values=False)

    def _sort_rows(self, rows: np.ndarray) -> None:
        """Restore ascending order (padding last) in the given rows."""
        order = np.argsort(self.slots[rows], axis=1, kind="stable")
        self.slots[rows] = np.take_along_axis(self.slots[rows], order, axis=1)
        self.enrolled[rows] = np.take_along_axis(self.enrolled[rows], order, axis=1)
