"""Serving the dashboard: ``orglearn dashboard``.

The Solara app (:mod:`sim.dashboard.app`) runs in a uvicorn server started here rather than by
``solara run``, so that the command checks its input before anything starts, binds the port
itself (a port in use is a one-line error), and never reaches out of the machine: Solara's
version check is not run, its usage telemetry is off, and its asset proxy serves every
script and style sheet from the installed ``solara-assets`` package, with no upstream to fall
back on.
"""

from __future__ import annotations

import os
import socket
from collections.abc import Callable
from pathlib import Path

from sim.dashboard.settings import Settings, settings_environment, settings_from_environment

__all__ = ["DEFAULT_HOST", "DEFAULT_PORT", "DashboardError", "Settings", "serve",
           "settings_from_environment"]

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8765

OFFLINE_ENVIRONMENT = {
    "SOLARA_APP": "sim.dashboard.app",
    "SOLARA_TELEMETRY_MIXPANEL_ENABLE": "False",  # no usage reports
    # The page loads every script through the server's /_solara/cdn/ path, which serves the
    # files solara-assets installed; a file missing there would be fetched from this address,
    # a closed port of this machine, instead of a public CDN: it fails here, it never goes out.
    "SOLARA_ASSETS_CDN": "http://127.0.0.1:9/offline/",
}
"""Environment the server sets before Solara is imported (its settings are read at import)."""


class DashboardError(ValueError):
    """Input the dashboard cannot start with; the message is one line."""


def check_inputs(scenario: Path | None, results: Path | None) -> None:
    """Load the scenario and open the results folder once, so bad input fails before serving.

    Raises:
        sim.engine.params.ParameterError, sim.config.scenario.ScenarioError: A bad scenario.
        DashboardError: A folder that is not a compare or sweep results folder.
    """
    if scenario is not None:
        from sim.config.scenario import load_scenario

        load_scenario(scenario)
    if results is not None:
        from sim.dashboard.results_view import ResultsError, open_results

        try:
            open_results(results)
        except ResultsError as error:
            raise DashboardError(str(error)) from None


def bind(host: str, port: int) -> socket.socket:
    """A listening socket on ``host:port``.

    Raises:
        DashboardError: If the port is in use or the address cannot be bound.
    """
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as error:
        raise DashboardError(f"--host: {host!r} is not an address of this machine "
                             f"({error.strerror}); allowed: e.g. 127.0.0.1") from None
    family, kind, proto, _, address = infos[0]
    sock = socket.socket(family, kind, proto)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind(address)
    except OSError as error:
        sock.close()
        reason = "is in use" if error.errno == 98 else f"cannot be used ({error.strerror})"
        raise DashboardError(f"--port: {port} on {host} {reason}; allowed: a free port, "
                             f"e.g. --port {port + 1}") from None
    sock.listen(128)
    sock.set_inheritable(True)
    return sock


def serve(scenario: Path | None = None, results: Path | None = None, *,
          host: str = DEFAULT_HOST, port: int = DEFAULT_PORT,
          announce: Callable[[str], object] = print) -> None:
    """Check the input, bind the port and serve the dashboard until Ctrl-C.

    Args:
        scenario: Scenario file to open first.
        results: Results folder to open in the results viewer.
        host: Address to listen on (the machine itself unless told otherwise).
        port: Port to listen on.
        announce: Called with the lines that tell the user where the page is.

    Raises:
        DashboardError, sim.engine.params.ParameterError, sim.config.scenario.ScenarioError:
            Bad input.
    """
    if not 1 <= port <= 65535:
        raise DashboardError(f"--port: {port} is not allowed; allowed: an integer in "
                             "[1, 65535]")
    check_inputs(scenario, results)
    sock = bind(host, port)
    os.environ.update(OFFLINE_ENVIRONMENT)
    os.environ.update(settings_environment(scenario, results))
    import warnings

    import uvicorn

    # Solara warns on every page load that a plain-http session cookie falls back to
    # samesite=lax; on the machine's own address that is what is wanted.
    warnings.filterwarnings("ignore", message="Cookies with samesite=none require https")

    import gc

    import sim.dashboard.app  # noqa: F401  (imported once here, not on the first visit)

    gc.freeze()  # what is loaded now lives for good: keep it out of garbage collections
    config = uvicorn.Config("solara.server.starlette:app", log_level="warning",
                            ws_max_size=64 * 1024 * 1024, lifespan="on",
                            ws_per_message_deflate=False)  # loopback: compressing costs time
    shown = f"[{host}]" if ":" in host else host
    announce(f"orglearn dashboard: http://{shown}:{port}/")
    announce("Press Ctrl-C to stop.")
    uvicorn.Server(config).run(sockets=[sock])
