"""Files a user writes: scenario files and experiment files, read with one-line errors.

``scenario`` maps a TOML scenario onto the parameter schema (and ``--set`` overrides);
``experiment_file`` reads an experiment file into an :class:`~sim.experiments.design.Experiment`;
``fit`` checks, before anything runs, that the organisation suits the strategies asked for and
says when its start already leaves the verdict little to say.

May import: every package below the dashboard (:mod:`sim.errors`, :mod:`sim.org`,
:mod:`sim.engine`, :mod:`sim.experiments`, :mod:`sim.report`, :mod:`sim.validation`): a file is
checked against all of them (parameters, strategies, KPIs, validation checks) before anything
runs.
"""
