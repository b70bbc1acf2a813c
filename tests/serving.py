"""Serving an ASGI app in a test: uvicorn on a free loopback port, in a thread, over real HTTP."""

import socket
import threading
from contextlib import contextmanager

import uvicorn

from tests.polling import wait_for


@contextmanager
def serving(app):
    """The app on a free loopback port over real HTTP until the block ends; its base URL."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="on"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    wait_for(lambda: server.started, 20, "the service did not start")
    try:
        yield f"http://127.0.0.1:{sock.getsockname()[1]}"
    finally:
        server.should_exit = True
        thread.join(10)
        sock.close()
