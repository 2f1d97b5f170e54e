"""Files a user writes: scenario files and experiment files, read with one-line errors.

``scenario`` maps a TOML scenario onto the parameter schema (and ``--set`` overrides);
``experiment_file`` reads an experiment file into an :class:`~sim.experiments.design.Experiment`.

May import: :mod:`sim.errors`, :mod:`sim.org`, :mod:`sim.engine` and :mod:`sim.experiments`.
"""
