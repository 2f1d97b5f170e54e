"""Organisations: who reports to whom, who works with whom, who spans boundaries.

``organisation`` is the :class:`Organisation` a run works on; ``generator`` builds the seeded
synthetic one from ``hierarchy`` (divisions, managers, teams), ``informal`` (small-world
informal ties), ``trust``, ``groups`` (boundary spanners, unofficial groups) and ``ties`` (tie
types, scipy.sparse matrices); ``chart`` reads a client's employees and collaboration CSV files
into the same :class:`Organisation`, pseudonymised, with ``csv_export`` (encodings, delimiters,
header names of HR systems) and ``collaboration`` (weight kinds, merging, counts to trust);
``summary`` says in counts what the files hold; ``build`` picks the synthetic organisation or
the client's for a run.

May import: :mod:`sim.errors` only. Everything above builds on it.
"""
