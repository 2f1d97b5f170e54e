"""What a results folder says: statistics, the report's text and its figures.

``summary`` gives the per-strategy and paired statistics (at the one confidence level of
:mod:`sim.experiments.statistics`)
(``summary.csv``, verdicts, winners per context); ``text`` and ``figures`` the report of one
context (the strategy comparison); ``sweep`` and ``sweep_figures`` the sections and figures of
many contexts; ``folder`` writes the whole report of a results folder from its runs and manifest.

May import: :mod:`sim.errors`, :mod:`sim.org`, :mod:`sim.engine` and :mod:`sim.experiments`.
"""
