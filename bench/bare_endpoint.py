"""The vaccination query behind a bare endpoint, for the API benchmark's baseline.

    python bench/bare_endpoint.py PORT   (HUBEI_DATA_DATABASE_URL names the database)

Same framework, server, pool and query as the data API, with no signature, nonce, grant,
rate limit, masking or audit log: what those cost is the difference.
"""

import json
import os
import sys
from contextlib import asynccontextmanager

import uvicorn
from fastapi import FastAPI, Request, Response
from psycopg import sql
from psycopg_pool import AsyncConnectionPool

from hubei_data.api.spec import load_apis

SPEC = load_apis()["vaccination"]
QUERY = sql.SQL("select * from ({}) as answer limit %(_limit)s offset 0").format(sql.SQL(SPEC.sql))


@asynccontextmanager
async def lifespan(app: FastAPI):
    async with AsyncConnectionPool(os.environ["HUBEI_DATA_DATABASE_URL"], min_size=2, max_size=10) as pool:
        app.state.pool = pool
        yield


app = FastAPI(lifespan=lifespan)


@app.get("/health")
async def health() -> dict:
    return {"status": "ok"}


@app.post(SPEC.path)
async def vaccination(request: Request) -> Response:
    values = json.loads(await request.body())
    params = {p.name: values.get(p.name) for p in SPEC.params} | {"_limit": SPEC.default_page_size + 1}
    async with request.app.state.pool.connection() as connection, connection.cursor() as cursor:
        await cursor.execute(QUERY, params)
        names = [d.name for d in cursor.description]
        rows = [dict(zip(names, row)) for row in await cursor.fetchall()]
    return Response(json.dumps({"rows": rows[: SPEC.default_page_size]}, ensure_ascii=False, default=str),
                    media_type="application/json")


if __name__ == "__main__":
    uvicorn.run(app, host="127.0.0.1", port=int(sys.argv[1]), log_level="warning")
