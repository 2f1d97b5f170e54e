"""Calibration: fit a scenario's uncertain parameters to a client's observed weekly data.

``observed`` reads and checks the observations (a CSV of weekly shares or counts); ``distance``
says how far a run is from them; ``abc`` is the ABC-SMC sampler, independent of the model; and
``run`` runs a calibration through the executors and the run store, so it resumes. May import
sim.errors, sim.org, sim.engine and sim.experiments; sim.report and sim.config build on it.
"""
