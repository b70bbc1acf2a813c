"""Who may do what: the permissions and built-in roles, declared once, the three administrators kept apart."""

from collections.abc import Iterable, Mapping
from enum import StrEnum
from pathlib import Path

DOC = Path(__file__).resolve().parents[2] / "docs" / "permissions.md"


class Permission(StrEnum):
    """A named operation; `covers` lists the commands and admin routes that perform it today."""

    meaning: str
    covers: tuple[str, ...]

    def __new__(cls, name: str, meaning: str, covers: tuple[str, ...] = ()):
        member = str.__new__(cls, name)
        member._value_ = name
        member.meaning = meaning
        member.covers = covers
        return member

    USER_MANAGE = "user.manage", "create accounts with their first roles, disable and unlock them, reset passwords", (
        "hubei-data user add", "hubei-data user list", "hubei-data user disable", "hubei-data user enable",
        "hubei-data user unlock", "hubei-data user reset-password",
    )
    CONFIG_CHANGE = "config.change", "change the platform's settings and keys", ("hubei-data api keygen",)
    SCHEMA_MIGRATE = "schema.migrate", "migrate the warehouse's own schema and see its revision", (
        "hubei-data db upgrade", "hubei-data db current",
    )
    CONSUMER_MANAGE = "consumer.manage", "create and list data API consumers (接入应用)", (
        "hubei-data api consumer create", "hubei-data api consumer list", "GET /admin/consumers",
        "POST /admin/consumers",
    )
    ROLE_ASSIGN = "role.assign", "change the roles of existing accounts", ("hubei-data user role",)
    GRANT_VIEW = "grant.view", "see every application and grant", ("hubei-data api grants", "GET /admin/grants")
    GRANT_DECIDE = "grant.decide", "approve or reject applications for data, revoke grants", (
        "hubei-data api approve", "hubei-data api reject", "hubei-data api revoke",
        "POST /admin/grants/{grant_id}/approve", "POST /admin/grants/{grant_id}/reject",
        "POST /admin/grants/{grant_id}/revoke",
    )
    PASSWORD_POLICY_CHANGE = "password_policy.change", "see and change the password, lockout and session rules", (
        "hubei-data security policy",
    )
    AUDIT_READ = "audit.read", "search the audit trail and check its chain", (
        "hubei-data audit verify", "hubei-data audit search",
    )
    AUDIT_EXPORT = "audit.export", "export the audit trail", ("hubei-data audit export",)
    BUILD_RUN = "build.run", "land files and build what depends on them; compute metrics", (
        "hubei-data ingest", "hubei-data demo", "hubei-data metrics compute",
    )
    BACKFILL_RUN = "backfill.run", "build a range of days again, or rebuild from scratch", (
        "hubei-data build", "hubei-data runs backfill",
    )
    QUALITY_RULE_CHANGE = "quality_rule.change", (
        "change the source contracts (their rules; a harvested table registered as a source) and regenerate what they"
        " drive"
    ), ("hubei-data contracts generate", "hubei-data metadata register")
    RUN_VIEW = "run.view", "read the Dagster UI: lineage, runs, checks; the sync log", (
        "hubei-data sync-log", "hubei-data runs list",
    )
    RUN_LAUNCH = "run.launch", "launch and rerun runs", ("hubei-data runs launch", "hubei-data runs rerun")
    RUN_TERMINATE = "run.terminate", "terminate a run in progress", ("hubei-data runs terminate",)
    RUN_FREEZE = "run.freeze", "freeze and unfreeze assets, bureau feeds, subscriptions, schedules and sensors", (
        "hubei-data freeze", "hubei-data unfreeze", "hubei-data freezes",
    )
    PUSH_RUN = "push.run", "push to the national bureau and departments' front-end databases now; reconcile", (
        "hubei-data push bureau", "hubei-data push share", "hubei-data push reconcile",
    )
    SERVICE_RUN = "service.run", "start the platform's services and its watcher", (
        "hubei-data serve", "hubei-data ui", "hubei-data up", "hubei-data watch",
    )
    BACKUP_MANAGE = "backup.manage", "back up the warehouse, list backups, drill and restore them", (
        "hubei-data backup run", "hubei-data backup list", "hubei-data backup drill", "hubei-data backup restore",
    )
    MONITORING_VIEW = "monitoring.view", (
        "see the health page, alerts, pushes waiting, late or failed and the data API's call statistics"
    ), (
        "hubei-data push status", "hubei-data api stats", "hubei-data status", "hubei-data alerts",
    )
    REPORT_VIEW = "report.view", (
        "generate and read the weekly sharing report, the weekly data-quality bulletin and the annual operations report"
    ), (
        "hubei-data report weekly", "hubei-data report quality", "hubei-data report annual",
    )
    CATALOG_VIEW = "catalog.view", (
        "read the data resource catalog (数据资源目录), the data standards (数据标准), the APIs and the metrics, the"
        " three lists (三清单) with the big-data center's rejections, and the matters catalog (事项目录)"
    ), (
        "hubei-data catalog docs", "hubei-data catalog export", "hubei-data api list", "hubei-data metrics list",
        "hubei-data standards list", "hubei-data standards show", "hubei-data standards export",
        "hubei-data catalog list", "hubei-data catalog show", "hubei-data catalog history", "hubei-data catalog check",
        "hubei-data lists show", "hubei-data lists check", "hubei-data lists rejections", "hubei-data matters report",
    )
    METADATA_HARVEST = "metadata.harvest", "harvest business systems' metadata now (元数据采集)", (
        "hubei-data metadata harvest",
    )
    METADATA_VIEW = "metadata.view", (
        "see the business systems, where each is read and their harvested metadata: versions, tables and columns,"
        " diffs, tables to register; schema drift findings (元数据漂移)"
    ), (
        "hubei-data metadata systems", "hubei-data metadata versions", "hubei-data metadata show",
        "hubei-data metadata diff", "hubei-data metadata candidates", "hubei-data drift list", "hubei-data drift show",
    )
    CATALOG_EDIT = "catalog.edit", (
        "register and change catalog entries as drafts and submit them for review; import the three lists"
    ), ("hubei-data catalog register", "hubei-data catalog change", "hubei-data catalog submit",
        "hubei-data lists import")
    CATALOG_REVIEW = "catalog.review", "approve or reject catalog entries submitted for review, publishing them", (
        "hubei-data catalog approve", "hubei-data catalog reject",
    )
    STANDARD_EDIT = "standard.edit", "edit data standards and code lists (数据标准)"
    QUALITY_ISSUE_VIEW = "quality_issue.view", (
        "see every flagged record and why, the rectification tickets and the column profiles"
    ), (
        "hubei-data quality issues", "hubei-data quality tickets", "hubei-data quality ticket",
        "hubei-data quality profile",
    )
    QUALITY_ISSUE_HANDLE = "quality_issue.handle", (
        "move rectification tickets (整改工单) on and resolve them; export a ticket's rows for its owner and vendor"
    ), ("hubei-data quality move", "hubei-data quality rows")
    QUALITY_REPORT = "quality.report", "report a problem with a share dataset or record and follow it (数据质量反馈)", (
        "hubei-data quality report", "hubei-data quality reported",
    )
    METRIC_VIEW = "metric.view", "read metric values", ("hubei-data metrics query",)
    QUERY_RUN = "query.run", "run read-only SQL over the libraries; ad-hoc reports of a query", (
        "hubei-data query", "hubei-data report adhoc",
    )
    DATA_QUERY = "data.query", "query share tables in the portal (数据查询), personal fields masked"
    DATA_EXPORT = "data.export", "export data from the libraries, such as a portal query as CSV or XLSX"
    DATA_APPLY = "data.apply", "apply for data through an API (接口申请)", ("hubei-data api apply",)
    GRANT_VIEW_OWN = "grant.view_own", "see one's own applications and grants"


P = Permission

# Whoever is logged in may run these about themselves; logging in and out needs no session at all.
SELF_SERVICE = ("hubei-data whoami", "hubei-data passwd", "hubei-data token create")
OPEN = ("hubei-data login", "hubei-data logout")
# The command or admin route → the permission it needs.
COMMAND_PERMISSION = {entry: permission for permission in Permission for entry in permission.covers}


class Role(StrEnum):
    """A built-in role: its Chinese and English names, its duty, and the permissions that duty needs."""

    chinese: str
    english: str
    duty: str
    permissions: frozenset[Permission]

    def __new__(cls, key: str, chinese: str, english: str, duty: str, permissions: Iterable[Permission]):
        member = str.__new__(cls, key)
        member._value_ = key
        member.chinese, member.english, member.duty = chinese, english, duty
        member.permissions = frozenset(permissions)
        return member

    SYSTEM_ADMIN = "system_admin", "系统管理员", "System administrator", "people's accounts and configuration", (
        P.USER_MANAGE, P.CONFIG_CHANGE, P.SCHEMA_MIGRATE, P.CONSUMER_MANAGE,
    )
    SECURITY_ADMIN = "security_admin", "安全管理员", "Security administrator", "roles, grants and the password policy", (
        P.ROLE_ASSIGN, P.GRANT_VIEW, P.GRANT_DECIDE, P.PASSWORD_POLICY_CHANGE,
    )
    AUDIT_ADMIN = "audit_admin", "审计管理员", "Audit administrator", "reads and exports the audit trail, nothing else", (
        P.AUDIT_READ, P.AUDIT_EXPORT,
    )
    DATA_DEVELOPER = "data_developer", "数据开发", "Data developer", "builds, backfills, quality rules and catalog drafts", (
        P.BUILD_RUN, P.BACKFILL_RUN, P.QUALITY_RULE_CHANGE, P.RUN_VIEW, P.CATALOG_VIEW, P.QUALITY_ISSUE_VIEW,
        P.METRIC_VIEW, P.QUERY_RUN, P.DATA_QUERY, P.METADATA_VIEW, P.CATALOG_EDIT, P.QUALITY_REPORT,
    )
    OPERATOR = "operator", "运维人员", "Operator", "runs, freezes, reruns, pushes and monitoring", (
        P.RUN_VIEW, P.RUN_LAUNCH, P.RUN_TERMINATE, P.RUN_FREEZE, P.PUSH_RUN, P.SERVICE_RUN, P.MONITORING_VIEW,
        P.BACKUP_MANAGE, P.REPORT_VIEW, P.METADATA_HARVEST, P.METADATA_VIEW,
    )
    DATA_STEWARD = "data_steward", "数据管理员", "Data steward", "the catalog, data standards and quality issues", (
        P.RUN_VIEW, P.CATALOG_VIEW, P.CATALOG_EDIT, P.CATALOG_REVIEW, P.STANDARD_EDIT, P.QUALITY_ISSUE_VIEW,
        P.QUALITY_ISSUE_HANDLE, P.METRIC_VIEW, P.QUERY_RUN, P.DATA_QUERY, P.DATA_EXPORT, P.REPORT_VIEW, P.METADATA_HARVEST,
        P.METADATA_VIEW, P.QUALITY_REPORT,
    )
    DEPARTMENT_USER = "department_user", "部门用户", "Department user", "applies for data and sees its own grants", (
        P.CATALOG_VIEW, P.METRIC_VIEW, P.DATA_QUERY, P.DATA_APPLY, P.GRANT_VIEW_OWN, P.QUALITY_REPORT,
    )
    VIEWER = "viewer", "查看人员", "Viewer", "reads the Dagster UI, the catalog and the metrics", (
        P.RUN_VIEW, P.CATALOG_VIEW, P.METRIC_VIEW,
    )


# 三员分立: the duties GB/T 22239-2019 level 3 keeps apart.
ADMINISTRATORS = (Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN, Role.AUDIT_ADMIN)


class SeparationOfDutiesError(ValueError):
    """A role table or a person's roles that would let one person hold two administrators' duties."""


def check_table(table: Mapping[Role, frozenset[Permission]]) -> None:
    """Refuse a table in which an administrator's permission is held by any other role.

    That keeps the three administrators' sets pairwise disjoint, and also stops an administrator
    reaching another's duty through an ordinary role held beside their own.
    """
    for admin in ADMINISTRATORS:
        for other, permissions in table.items():
            shared = sorted(table[admin] & permissions)
            if other != admin and shared:
                raise SeparationOfDutiesError(
                    f"{', '.join(shared)}: held by the {admin.english} ({admin.chinese}) and by the"
                    f" {other.english} ({other.chinese}), but an administrator's permissions belong to no other role"
                )


def check_assignment(roles: Iterable[Role | str]) -> None:
    """Refuse roles that give one person two of the three administrators' duties."""
    admins = sorted({Role(role) for role in roles} & set(ADMINISTRATORS), key=ADMINISTRATORS.index)
    if len(admins) > 1:
        raise SeparationOfDutiesError(
            "one person may hold only one of the administrator roles (三员分立), not "
            + " and ".join(f"{admin.english} ({admin.chinese})" for admin in admins)
        )


def permissions_of(roles: Iterable[Role | str]) -> frozenset[Permission]:
    """Everything a person with these roles may do; roles that break separation of duties raise, granting nothing."""
    held = [Role(role) for role in roles]
    check_assignment(held)
    return frozenset().union(*(role.permissions for role in held))


def allowed(roles: Iterable[Role | str], permission: Permission | str) -> bool:
    """Whether a person with these roles may perform the operation; an unknown permission name raises."""
    return Permission(permission) in permissions_of(roles)


def markdown() -> str:
    """docs/permissions.md: the roles, the roles × permissions matrix and what each permission covers."""
    roles = list(Role)
    lines = [
        "# Roles and permissions",
        "",
        (
            "Generated from `hubei_data/control/permissions.py`; run"
            " `uv run python -m hubei_data.control.permissions` after changing it."
        ),
        "",
        (
            "The three administrators are kept apart (三员分立, GB/T 22239-2019 level 3): a permission of one of"
            " them is held by no other role, and no person may hold two of their roles."
        ),
        "",
        "| role | 角色 | duty |",
        "|---|---|---|",
        *(f"| `{role}` {role.english} | {role.chinese} | {role.duty} |" for role in roles),
        "",
        "| permission | " + " | ".join(role.chinese for role in roles) + " |",
        "|---" * (len(roles) + 1) + "|",
        *(
            f"| `{permission}` | " + " | ".join("✓" if permission in role.permissions else "" for role in roles) + " |"
            for permission in Permission
        ),
        "",
        (
            "What each permission lets a person do, and the commands and admin routes that do it today"
            " (— where none exists yet):"
        ),
        "",
        "| permission | meaning | commands and admin routes |",
        "|---|---|---|",
        *(
            f"| `{permission}` | {permission.meaning} | "
            + (", ".join(f"`{entry}`" for entry in permission.covers) or "—") + " |"
            for permission in Permission
        ),
        "",
        "Anyone logged in may run " + ", ".join(f"`{entry}`" for entry in SELF_SERVICE) + " for themselves;"
        " " + " and ".join(f"`{entry}`" for entry in OPEN) + " need no session.",
    ]
    return "\n".join(lines) + "\n"


check_table({role: role.permissions for role in Role})

if __name__ == "__main__":
    DOC.write_text(markdown(), encoding="utf-8")
