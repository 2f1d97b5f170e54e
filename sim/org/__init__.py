"""Organisations: who reports to whom, who works with whom, who spans boundaries.

``generator`` builds the seeded synthetic organisation (divisions, hierarchy, teams, small-world
informal ties, trust, boundary spanners, unofficial groups, as scipy.sparse matrices); ``chart``
reads a client's employees and collaboration CSV files into the same :class:`Organisation`,
pseudonymised; ``build`` picks one of the two for a run.

May import: :mod:`sim.errors` only. Everything above builds on it.
"""
