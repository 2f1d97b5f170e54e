"""The model: one run of the simulation, week by week.

``params`` is the one parameter schema; ``state`` holds all state in numpy arrays; ``agents``
are Mesa agents that are views onto those arrays; ``model`` is ``LearningModel`` with the one
documented step loop; ``mechanisms/`` has one module per mechanism; ``strategies`` the rollout
strategies (registered by name); ``metrics`` the weekly and run KPIs; ``rng`` the named random
streams; ``landscape`` NK landscapes; ``resources`` and ``limits`` what a run costs before it is
allocated.

May import: :mod:`sim.errors` and :mod:`sim.org`. It knows nothing of files, experiments or
reports.
"""
