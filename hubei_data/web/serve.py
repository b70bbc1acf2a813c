"""The platform's web process: the app on a TCP port, the Dagster services as its children."""

import signal

import uvicorn

from hubei_data import warehouse
from hubei_data.catalog.docs import PAGE
from hubei_data.web import services
from hubei_data.web.app import Settings, create_app

# The UI's messages are small; Dagster's answers come the other way and are not limited by this.
WS_MAX_BYTES = 1024 * 1024


def serve(host: str, port: int) -> None:
    """Serve until stopped; `services.ServiceError` when a Dagster service ended on its own first."""
    socket = services.socket_path()
    settings = Settings(warehouse.connect_info().url, socket, PAGE, services.dagster_services(socket),
                        warehouse.held_for)
    ended: list[str] = []

    def on_service_end(message: str) -> None:
        ended.append(message)
        server.should_exit = True

    config = uvicorn.Config(create_app(settings, on_service_end), host=host, port=port, log_level="warning",
                            ws_max_size=WS_MAX_BYTES, timeout_graceful_shutdown=5)
    server = uvicorn.Server(config)
    # uvicorn raises the signal it stopped on again once it has shut down, children and all; by then there is
    # nothing left to do but return, so SIGTERM is heard and dropped and SIGINT's KeyboardInterrupt caught.
    previous = signal.signal(signal.SIGTERM, lambda *_: None)
    try:
        server.run()
    except KeyboardInterrupt:
        pass
    finally:
        signal.signal(signal.SIGTERM, previous)
    if ended:
        raise services.ServiceError(f"{ended[0]}, so the web process stopped too")
