"""The leaders' dashboard: a Solara app over the library (see README, "For leaders")."""
