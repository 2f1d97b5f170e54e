"""Organisations: who reports to whom, who works with whom, who spans boundaries.

``organisation`` is the :class:`Organisation` a run works on; ``generator`` builds the seeded
synthetic one from ``hierarchy`` (divisions, managers, teams), ``informal`` (small-world
informal ties), ``trust``, ``groups`` (boundary spanners, unofficial groups) and ``ties`` (tie
types, scipy.sparse matrices); ``chart`` reads a client's employees and collaboration CSV files
into the same :class:`Organisation`, pseudonymised; ``build`` picks one of the two for a run.

May import: :mod:`sim.errors` only. Everything above builds on it.
"""
