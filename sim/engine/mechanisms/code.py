"""Code learning: a community's repository curates what its best performers do (March 1991).

A community's *code* is its collective memory, beliefs in {-1, 0, +1} per dimension, starting
empty (all 0). After a meeting, the code learns from its *superior group*: the contributing
attendees (or all attendees, see ``knowledge.code_learns_from``) whose score this week,
``sum(action * reality)``, beat the code's score ``sum(code * reality)`` (the code does not act:
its unknown dimensions count 0; on an NK landscape both are landscape scores). On each
dimension the superior group votes with this week's
*actions* — what they did, lucky guesses included, before this week's learning — and where the
majority differs from the code, the code adopts it with chance ``1 - (1 - p2)^k``, ``k`` being
the majority minus the minority (March 1991, p. 74). These are the rules of March's original
program as documented by its replications (Christensen's note, followed by Workiewicz's
recreation, repository Mac13kW/March_1991_Original; Chanda & Miller 2019).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from sim.engine.state import Engagement, State

if TYPE_CHECKING:
    from sim.engine.params import Params

__all__ = ["code_learning_step"]


def code_learning_step(state: State, params: Params, rng: np.random.Generator) -> None:
    """Update the codes of the communities that met this week."""
    e, c, week = state.employees, state.communities, state.week
    code_score = state.world.score(c.code)
    u = rng.random(c.code.shape)
    if params.knowledge.code_learns_from == "members":
        teachers = np.ones(e.n, bool)
    else:
        teachers = e.engagement >= Engagement.CONTRIBUTOR
    met = np.flatnonzero(week.meets)
    people = np.flatnonzero((week.attending >= 0) & teachers)
    superior = people[week.score[people] > code_score[week.attending[people]]]
    # margin = (+1 votes) - (-1 votes) of each community's superior group, per dimension.
    m = c.code.shape[1]
    cell = (week.attending[superior].astype(np.int64)[:, None] * m + np.arange(m)).ravel()
    margin = np.bincount(cell, weights=week.actions[superior].ravel(),
                         minlength=c.code.size).reshape(c.code.shape)[met]
    majority = np.sign(margin).astype(np.int8)
    p_adopt = 1.0 - (1.0 - params.knowledge.code_learning_rate) ** np.abs(margin)
    code = c.code[met]
    adopt = (majority != 0) & (majority != code) & (u[met] < p_adopt)
    c.code[met] = np.where(adopt, majority, code)
