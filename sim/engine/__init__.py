"""The model: one run of the simulation, week by week.

The parameter schema is declared once: ``fields`` is how a parameter is declared,
``parameters`` declares the model's (strategies declare their own) and assembles ``SCHEMA``,
``params`` is the validated :class:`Params` of a run. ``state`` holds all state in numpy
arrays; ``agents`` are Mesa agents that are views onto those arrays; ``model`` is
``LearningModel`` with the one documented step loop; ``mechanisms/`` has one module per
mechanism; ``strategies`` the rollout strategies (registered by name); ``metrics`` the weekly
and run KPIs; ``rng`` the named random streams; ``landscape`` NK landscapes; ``resources``,
``memory_limit``, ``byte_sizes`` and ``limits`` what a run costs and what the machine offers,
checked before anything is allocated.

May import: :mod:`sim.errors`, :mod:`sim.extras` and :mod:`sim.org`. It knows nothing of files,
experiments or reports.
"""
