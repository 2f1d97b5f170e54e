"""Many runs: designs, tasks, executors, the per-run store, results folders and manifests.

An :class:`~sim.experiments.design.Experiment` is contexts (points of a design over uncertain
parameters) x policies (strategies, optionally crossed with levers) x replications on common
random numbers; a strategy comparison is the one-context case. ``tasks`` turns it into runs,
``executors`` runs them (serially, in processes or on Dask), ``store`` keeps each finished run,
``pipeline`` is the one path from an experiment to ``runs.parquet``, ``timeseries.parquet`` and
``manifest.json`` (``manifest`` is its typed record); ``folders`` claims a results folder;
``runner`` is a single run (``orglearn run``); ``sampling`` draws and analyses sampled designs;
``memory`` measures a run's peak memory; ``statistics`` sets the one confidence level of every
interval (t-intervals clipped to what a KPI can take); ``robustness`` and ``breakeven`` the
tornado and break-even values of a robustness design; ``posterior`` draws fitted parameters per
replication from a calibration's posterior.

May import: :mod:`sim.errors`, :mod:`sim.org` and :mod:`sim.engine`.
"""
