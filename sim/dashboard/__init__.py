"""The leaders' dashboard: a Solara app over the library (see README, "For leaders").

``race`` steps two strategies side by side; ``frames``, ``charts`` and ``network`` (with its
``network_*`` modules: layout, week, style, chart, figure, table) turn a race into what the page
draws; ``bands`` runs replications in the background; ``results_view`` (with ``results_files``,
``results_manifest``, ``results_verdict``) reads a results folder. ``app`` is the page, made of
``race_tab`` (with ``race_controls``) and ``results_tab``, sharing ``page_state`` and
``widgets``; ``server`` serves it, handing it its ``settings``.

May import: every package below it; nothing imports the dashboard except :mod:`sim.cli`.
"""
