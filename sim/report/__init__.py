"""What a results folder says: statistics, the report's text and its figures.

``statistics`` sets the one confidence level; ``summary`` the per-strategy and paired statistics
(``summary.csv``, verdicts, winners per context); ``text`` and ``figures`` the report of one
context (the strategy comparison); ``sweep`` and ``sweep_figures`` the sections and figures of
many contexts; ``folder`` writes the whole report of a results folder from its runs and manifest.

May import: :mod:`sim.errors`, :mod:`sim.org`, :mod:`sim.engine` and :mod:`sim.experiments`.
"""
