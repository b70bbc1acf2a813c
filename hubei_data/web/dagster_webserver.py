"""The Dagster webserver on a Unix socket in a private directory, so it is reached only through the web process.

`dagster-webserver` listens on TCP only, so this builds the same ASGI app from the workspace with the
webserver's own API and serves it on the socket. Run as
`python -m hubei_data.web.dagster_webserver <socket> <workspace.yaml>`.
"""

import sys

import dagster as dg
import uvicorn
from dagster._core.nux import set_nux_seen
from dagster._core.workspace.context import WorkspaceProcessContext
from dagster._core.workspace.load_target import WorkspaceFileTarget
from dagster._utils.interrupts import setup_interrupt_handlers
from dagster_webserver.app import create_app_from_workspace_process_context
from dagster_webserver.cli import DEFAULT_DB_STATEMENT_TIMEOUT, DEFAULT_POOL_MAX_OVERFLOW, DEFAULT_POOL_RECYCLE
from dagster_webserver.version import __version__


def serve(socket: str, workspace: str) -> None:
    """Serve until SIGTERM or SIGINT, then shut the code servers down."""
    # uvicorn raises the signal it stopped on again when done: as KeyboardInterrupt, the workspace still closes.
    setup_interrupt_handlers()
    # Dagster's first-visit invitation to its community and newsletter has no place in a regulator's platform.
    set_nux_seen()
    with dg.DagsterInstance.get() as instance:
        instance.optimize_for_webserver(DEFAULT_DB_STATEMENT_TIMEOUT, DEFAULT_POOL_RECYCLE, DEFAULT_POOL_MAX_OVERFLOW)
        with WorkspaceProcessContext(instance, WorkspaceFileTarget(paths=[workspace]), version=__version__) as context:
            app = create_app_from_workspace_process_context(context)
            try:
                uvicorn.run(app, uds=socket, log_level="warning", timeout_graceful_shutdown=5)
            except KeyboardInterrupt:
                pass


if __name__ == "__main__":
    serve(sys.argv[1], sys.argv[2])
