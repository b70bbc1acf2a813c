"""`/platform/resources/`: the published data resource catalog (资源目录) — search, an entry with its freshness,
lineage and a few rows masked for the reader, and the catalog list (清单) as XLSX."""

import datetime as dt
import tempfile
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode

import anyio
import psycopg
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from hubei_data import roles, runner, warehouse
from hubei_data.api.spec import load_apis
from hubei_data.catalog import export, lifecycle, sample
from hubei_data.catalog.entry import Entry
from hubei_data.catalog.items import SHARE_TYPES
from hubei_data.catalog.usage import item_elements
from hubei_data.control.permissions import Permission
from hubei_data.governance.list_status import last_built, tables_behind
from hubei_data.ops.freshness import CYCLES
from hubei_data.registry import RegistryError
from hubei_data.web import downloads, portal
from hubei_data.web.refusal import Refusal
from hubei_data.web.session import require

PATH = "/platform/resources/"
EXPORT = PATH + "export.xlsx"
PAGE_SIZE = 20
SAMPLE_ROWS = 5
LONGEST_TERM = 100
FILTERS = ("q", "provider", "share_type", "item", "page")


@dataclass(frozen=True)
class Search:
    """What the search form asks: text in the name or code, the provider, the share type, text in an item's name."""

    q: str = ""
    provider: str = ""
    share_type: str = ""
    item: str = ""
    page: int = 1

    def matches(self, entry: Entry) -> bool:
        return ((not self.q or self.q.lower() in f"{entry.code} {entry.name}".lower())
                and (not self.provider or entry.provider == self.provider)
                and (not self.share_type or entry.share_type == self.share_type)
                and (not self.item or any(self.item.lower() in f"{i.name} {i.field}".lower() for i in entry.items)))

    def link(self, page: int) -> str:
        """The query string of this search at another page."""
        asked = {name: getattr(self, name) for name in FILTERS[:-1] if getattr(self, name)}
        return "?" + urlencode({**asked, "page": page})


def _search(request: Request, providers: list[str]) -> Search:
    """The search the query string asks for; a 400 naming what is wrong with it."""
    asked = request.query_params
    for name in FILTERS[:-1]:
        if len(asked.get(name, "")) > LONGEST_TERM:
            raise Refusal(400, f"搜索条件 {name} 过长（最多 {LONGEST_TERM} 个字符）。The term is too long.")
    share_type, provider = asked.get("share_type", ""), asked.get("provider", "")
    if share_type and share_type not in SHARE_TYPES:
        raise Refusal(400, f"共享类型须为 {'、'.join(SHARE_TYPES)} 之一。Unknown share type {share_type!r}.")
    if provider and provider not in providers:
        raise Refusal(400, f"没有提供方 {provider!r}。Unknown provider.")
    page = asked.get("page", "1")
    if not page.isascii() or not page.isdigit() or not 1 <= int(page) <= 10_000:
        raise Refusal(400, f"页码须为正整数，而不是 {page!r}。The page must be a positive whole number.")
    return Search(asked.get("q", "").strip(), provider, share_type, asked.get("item", "").strip(), int(page))


async def search(request: Request) -> Response:
    person = await require(request, Permission.CATALOG_VIEW, "catalog resources")
    entries = await request.app.state.database.run(lifecycle.published)
    providers = sorted({entry.provider for entry in entries})
    asked = _search(request, providers)
    found = [entry for entry in entries if asked.matches(entry)]
    pages = max(1, -(-len(found) // PAGE_SIZE))
    if asked.page > pages:
        raise Refusal(400, f"只有 {pages} 页。There are only {pages} pages.")
    shown = found[(asked.page - 1) * PAGE_SIZE:asked.page * PAGE_SIZE]
    return portal.show(request, person, "resources.html", "资源目录 Catalog", entries=shown, found=len(found),
                       total=len(entries), asked=asked, pages=pages, providers=providers, share_types=SHARE_TYPES)


def _published(conn: psycopg.Connection, code: str) -> lifecycle.Version | None:
    return next((version for version in lifecycle.published_versions(conn) if version.code == code), None)


@dataclass(frozen=True)
class Freshness:
    """When a table behind the entry was last built, and whether that is within the entry's update cycle."""

    table: str
    built: dt.datetime | None
    late: bool


def _freshness(entry: Entry, tables: list[str]) -> list[Freshness]:
    instance, now = runner.instance(), dt.datetime.now(dt.UTC)
    cycle = CYCLES.get(entry.update_frequency)
    found = []
    for table in tables:
        built = last_built(instance, table)
        found.append(Freshness(table, built, built is not None and cycle is not None and now - built > cycle))
    return found


def _sample(entry: Entry, table: str, whole: bool) -> sample.Sample | None:
    """Read as the query role: the page reads the libraries with no more right than the query console has."""
    with psycopg.connect(warehouse.reader_info(roles.QUERY).url) as conn:
        conn.read_only = True
        return sample.read(conn, entry, table, whole, SAMPLE_ROWS)


async def entry_page(request: Request) -> Response:
    code = request.path_params["code"]
    person = await require(request, Permission.CATALOG_VIEW, f"catalog {code}")
    version = await request.app.state.database.run(_published, code)
    if version is None:
        raise Refusal(404, f"目录中没有已发布的信息资源 {code}。No published catalog entry {code}.")
    entry = version.entry
    tables = tables_behind(entry, await anyio.to_thread.run_sync(load_apis))
    freshness = await anyio.to_thread.run_sync(_freshness, entry, tables)
    whole, table = person.may(Permission.QUERY_RUN), tables[0] if tables else None
    rows, unreadable = None, ""
    if table:
        try:
            rows = await anyio.to_thread.run_sync(_sample, entry, table, whole)
        except (psycopg.Error, warehouse.WarehouseError) as error:
            unreadable = str(error).strip()
    if rows is not None:
        treated = rows.treatment
        await portal.audit_view(request, person, f"catalog {code}", table=table, rows=len(rows.rows),
                                masked=", ".join(f for f, how in treated.items() if how == sample.MASKED),
                                withheld=", ".join(f for f, how in treated.items() if how == sample.WITHHELD))
    return portal.show(request, person, "resource.html", f"{entry.name} · 资源目录", entry=entry,
                       version=version.version, freshness=freshness, sample=rows, table=table, unreadable=unreadable,
                       whole=whole, elements=item_elements(tables), MASKED=sample.MASKED, WITHHELD=sample.WITHHELD)


def _workbook(entries: list[Entry], everything: bool) -> tuple[bytes, int, int]:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "list.xlsx"
        items, listed, _ = export.write_published(entries, path, "xlsx", everything)
        return path.read_bytes(), items, listed


async def export_list(request: Request) -> Response:
    person = await require(request, Permission.CATALOG_VIEW, "catalog export")
    scope = request.query_params.get("scope", "share")
    if scope not in ("share", "all"):
        raise Refusal(400, f"导出范围须为 share（共享库）或 all（全部），而不是 {scope!r}。Unknown scope.")
    entries = await request.app.state.database.run(lifecycle.published)
    try:
        content, items, listed = await anyio.to_thread.run_sync(_workbook, entries, scope == "all")
    except (export.BrokenCatalog, RegistryError) as error:
        raise Refusal(503, f"目录清单暂不能导出。The catalog list cannot be exported: {error}") from None
    await portal.audit_view(request, person, "catalog export", format="xlsx", scope=scope, entries=listed,
                            items=items)
    return downloads.xlsx(content, "数据资源目录清单.xlsx", "catalog.xlsx")


ROUTES = [
    Route(PATH, search, methods=["GET"]),
    Route(PATH.rstrip("/"), lambda _: RedirectResponse(PATH), methods=["GET"]),
    Route(EXPORT, export_list, methods=["GET"]),
    Route(PATH + "{code}", entry_page, methods=["GET"]),
]
