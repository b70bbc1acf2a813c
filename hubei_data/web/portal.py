"""The portal's frame: the modules a person may open, shown in every page's navigation, and the pages drawn in it.

A module appears in the navigation only for a person holding one of its permissions; each page and action
still checks its own permission on the server (`session.require`), so a hidden link is never the guard.
"""

from dataclasses import dataclass

from starlette.requests import Request
from starlette.responses import HTMLResponse

from hubei_data import registry
from hubei_data.control import audit_trail, sessions
from hubei_data.control.audit_chain import Action, Outcome
from hubei_data.control.permissions import Permission, Role
from hubei_data.web import pages
from hubei_data.web.csrf import page_token
from hubei_data.web.refusal import Refusal
from hubei_data.web.session import source

P = Permission


@dataclass(frozen=True)
class Module:
    """A section of the portal: where it starts, its names, and the permissions any one of which opens it."""

    path: str
    chinese: str
    english: str
    permissions: tuple[Permission, ...]


MODULES = (
    Module("/platform/resources/", "资源目录", "Catalog", (P.CATALOG_VIEW,)),
    Module("/platform/query/", "数据查询", "Query", (P.DATA_QUERY, P.METRIC_VIEW)),
    Module("/platform/sharing/", "共享管理", "Sharing", (P.DATA_APPLY, P.GRANT_VIEW_OWN, P.GRANT_VIEW, P.GRANT_DECIDE)),
    Module("/platform/standards/", "数据标准", "Standards", (P.CATALOG_VIEW,)),
    Module("/platform/manage/", "数据管理", "Manage", (P.RUN_VIEW,)),
    Module("/platform/status", "监控", "Monitoring", (P.MONITORING_VIEW,)),
    Module("/platform/reports/", "报告", "Reports", (P.REPORT_VIEW,)),
    Module("/platform/audit/", "审计", "Audit", (P.AUDIT_READ,)),
    Module("/", "运行与血缘", "Dagster", (P.RUN_VIEW,)),
)


def visible(person: sessions.Identity) -> list[Module]:
    return [module for module in MODULES if any(person.may(permission) for permission in module.permissions)]


def show(request: Request, person: sessions.Identity, template: str, title: str, status: int = 200,
         **context) -> HTMLResponse:
    """A portal page: the template inside the frame with the person's modules, name and form token."""
    here = request.url.path
    return pages.page(template, status, title=title, person=person, modules=visible(person), here=here,
                      csrf=page_token(request), full=True, **context)


async def audit_view(request: Request, person: sessions.Identity, target: str, **detail) -> None:
    """Record that the person saw or exported data: every data view and export is in the audit trail."""
    await request.app.state.database.run(
        audit_trail.append, person.username, source(request), Action.DATA_VIEW, target, Outcome.SUCCESS, detail)


def declared(cannot: str) -> registry.Registry:
    """The registry as declared; one that does not load is the platform's fault, a 503 saying what `cannot` be
    done and why, never a 500."""
    try:
        return registry.load()
    except registry.RegistryError as error:
        raise Refusal(503, f"{cannot}: {error}") from None


def menu_markdown() -> str:
    """The roles × modules table of the user guide (docs/portal-guide.md), so the guide says what the menu shows."""
    roles = list(Role)
    lines = ["| 模块 Module | " + " | ".join(role.chinese for role in roles) + " |",
             "|---|" + "---|" * len(roles)]
    for module in MODULES:
        cells = ("✓" if any(permission in role.permissions for permission in module.permissions) else ""
                 for role in roles)
        lines.append(f"| {module.chinese} {module.english} (`{module.path}`) | " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"
