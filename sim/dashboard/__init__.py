"""The leaders' dashboard: a Solara app over the library (see README, "For leaders").

``race`` steps two strategies side by side; ``frames``, ``charts`` and ``network`` turn a race
into what the page draws; ``bands`` runs replications in the background; ``results_view`` shows
a results folder; ``app`` is the page, ``server`` serves it.

May import: every package below it; nothing imports the dashboard except :mod:`sim.cli`.
"""
