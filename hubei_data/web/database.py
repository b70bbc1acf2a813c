"""The control tables, reached from async handlers: a small pool of autocommit connections as the owner role."""

from collections.abc import Callable
from typing import TypeVar

from psycopg_pool import ConnectionPool, PoolTimeout
from starlette.concurrency import run_in_threadpool

from hubei_data.web.refusal import Refusal

T = TypeVar("T")
WAIT_SECONDS = 5


class Database:
    """Runs the control package's functions, which take a connection, off the event loop."""

    def __init__(self, url: str):
        self.pool = ConnectionPool(url, min_size=1, max_size=4, open=False, timeout=WAIT_SECONDS,
                                   kwargs={"autocommit": True})

    def open(self) -> None:
        self.pool.open()

    def close(self) -> None:
        self.pool.close()

    async def run(self, function: Callable[..., T], *args) -> T:
        """`function(conn, *args)`; a warehouse that does not answer soon is a 503, not a hang."""
        return await run_in_threadpool(self._call, function, *args)

    def _call(self, function, *args):
        try:
            with self.pool.connection() as conn:
                return function(conn, *args)
        except PoolTimeout:
            raise Refusal(503, "the platform's database is not answering; try again in a minute") from None
