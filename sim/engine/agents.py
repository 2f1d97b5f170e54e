"""Mesa agents: thin views onto rows of the state arrays.

Agents hold no state of their own besides their row index. Reading ``employee.motivation``
reads ``model.state.employees.motivation[employee.index]``; assigning to it writes the array.
So Mesa's tools see agents, while every mechanism runs on whole arrays (as do the dashboard's
pictures, which read whole columns at once).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import mesa
import numpy as np

from sim.engine.state import Engagement, Status

if TYPE_CHECKING:
    from sim.engine.model import LearningModel

__all__ = ["BoundarySpanner", "Community", "Employee"]


class Employee(mesa.Agent):
    """An employee position: a view onto row ``index`` of the employee arrays.

    When the person in the position leaves (turnover), the agent stays and shows the newcomer;
    ``person_id`` tells them apart.
    """

    model: LearningModel

    def __init__(self, model: LearningModel, index: int) -> None:
        super().__init__(model)
        self.index = int(index)

    @property
    def person_id(self) -> int:
        """Identifier of the person currently in this position."""
        return int(self.model.state.employees.person_id[self.index])

    @property
    def division(self) -> int:
        """Division of the position."""
        return int(self.model.state.employees.division[self.index])

    @property
    def manager(self) -> int:
        """Row index of the line manager, -1 for a division head."""
        return int(self.model.org.manager[self.index])

    @property
    def engagement(self) -> Engagement:
        """Rung on the engagement ladder."""
        return Engagement(int(self.model.state.employees.engagement[self.index]))

    @engagement.setter
    def engagement(self, value: Engagement) -> None:
        self.model.state.employees.engagement[self.index] = int(value)

    @property
    def motivation(self) -> float:
        """Motivation to take part, 0-1."""
        return float(self.model.state.employees.motivation[self.index])

    @motivation.setter
    def motivation(self, value: float) -> None:
        self.model.state.employees.motivation[self.index] = value

    @property
    def fatigue(self) -> float:
        """Fatigue from meetings, 0-1."""
        return float(self.model.state.employees.fatigue[self.index])

    @property
    def beliefs(self) -> np.ndarray:
        """Beliefs on each practice dimension (a read-only view)."""
        view = self.model.state.employees.beliefs[self.index]
        view.flags.writeable = False
        return view

    @property
    def knowledge(self) -> float:
        """March's knowledge score: (correct - wrong beliefs) / m."""
        reality = self.model.state.world.reality
        return float(np.dot(self.beliefs.astype(int), reality) / reality.size)

    @property
    def communities(self) -> list[int]:
        """Indices of the communities this employee belongs to."""
        memberships = self.model.state.communities.memberships
        row = memberships.slots[self.index]
        return row[row < memberships.capacity].tolist()

    @property
    def is_spanner(self) -> bool:
        """Whether the position has the boundary-spanner role."""
        return bool(self.model.state.employees.is_spanner[self.index])


class BoundarySpanner(Employee):
    """An employee in the boundary-spanner role: ties across divisions, several communities."""

    @property
    def load(self) -> int:
        """Number of communities the spanner currently belongs to."""
        return len(self.communities)

    @property
    def divisions_reached(self) -> int:
        """Number of other divisions this spanner has ties into."""
        org = self.model.org
        row = org.ties.indices[org.ties.indptr[self.index]:org.ties.indptr[self.index + 1]]
        others = org.division[row]
        return int(np.unique(others[others != self.division]).size)


class Community(mesa.Agent):
    """A community of practice or unofficial group: a view onto column ``index``."""

    model: LearningModel

    def __init__(self, model: LearningModel, index: int) -> None:
        super().__init__(model)
        self.index = int(index)

    @property
    def members(self) -> np.ndarray:
        """Row indices of the members."""
        return self.model.state.communities.memberships.members_of(self.index)

    @property
    def size(self) -> int:
        """Number of members."""
        return int(self.model.state.communities.memberships.size[self.index])

    @property
    def energy(self) -> float:
        """Energy (momentum), 0-1."""
        return float(self.model.state.communities.energy[self.index])

    @energy.setter
    def energy(self, value: float) -> None:
        self.model.state.communities.energy[self.index] = value

    @property
    def status(self) -> Status:
        """Forming, active or dormant."""
        return Status(int(self.model.state.communities.status[self.index]))

    @property
    def official(self) -> bool:
        """Whether the organisation backs it."""
        return bool(self.model.state.communities.official[self.index])

    @property
    def scope(self) -> int:
        """Division it is open to; -1 for the whole organisation, -2 for an unofficial group."""
        return int(self.model.state.communities.scope[self.index])

    @property
    def cadence(self) -> int:
        """Weeks between meetings."""
        return int(self.model.state.communities.cadence[self.index])

    @property
    def code(self) -> np.ndarray:
        """The code (curated repository), a read-only view."""
        view = self.model.state.communities.code[self.index]
        view.flags.writeable = False
        return view
