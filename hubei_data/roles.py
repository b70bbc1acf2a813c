"""Least privilege in the warehouse: the role each kind of process connects as, and what it may touch.

- the owner builds, migrates, lands, pushes and keeps the platform's own tables; never a superuser;
- the query role reads the libraries for `hubei-data query` and can change nothing;
- the API reader answers data API queries from the share library and the metric values only;
- the audit keeper logs in never: it owns the audit trail (and the `control` schema), so the
  owner may add and read audit rows but cannot change, drop or unguard them, and cannot become it.

A superuser is needed once, to create the roles (the embedded server does it at start; on an
external server an administrator runs `creation_sql()`, see docs/roles.md). Everything after
that runs as the owner, which grants the readers what they may read.
"""

import psycopg
from psycopg import sql

OWNER = "hubei_data_owner"
QUERY = "hubei_data_query"
API_READER = "hubei_data_api_reader"
READERS = (QUERY, API_READER)
KEEPER = "hubei_data_audit_keeper"

# What ad-hoc queries may read: every library, never the API's consumers and nonces
# (schema api) nor Dagster's run storage (public).
QUERY_SCHEMAS = (
    "landing", "raw", "staging", "resource", "quarantine", "subject", "share",
    "reference", "metric", "audit", "exchange", "std",
)
# The API may use the share library and the masking functions, and of the metrics only their values.
API_SCHEMAS = ("share", "metric", "std")
_ALL_TABLES_IN = {QUERY: QUERY_SCHEMAS, API_READER: ("share",)}
_USAGE_OF = {QUERY: QUERY_SCHEMAS, API_READER: API_SCHEMAS}
QUERY_TIMEOUT = "60s"

_READER_SETTINGS = {
    "default_transaction_read_only": "on",
    "statement_timeout": QUERY_TIMEOUT,
    "idle_in_transaction_session_timeout": QUERY_TIMEOUT,
    "lock_timeout": "5s",
}


def creation_sql() -> str:
    """What a superuser runs once: the three login roles and the keeper, none privileged, and the readers' limits."""
    return "\n".join([*_CREATE.values(), *_reader_settings()])


_LOGS_IN = {OWNER: True, QUERY: True, API_READER: True, KEEPER: False}
_CREATE = {
    role: f"create role {role} {'login' if login else 'nologin'} nosuperuser nocreatedb nocreaterole;"
    for role, login in _LOGS_IN.items()
}


def _reader_settings() -> list[str]:
    return [f"alter role {role} set {name} = '{value}';" for role in READERS for name, value in _READER_SETTINGS.items()]


def create_roles(superuser: psycopg.Connection) -> None:
    """Create the roles that are missing and apply the readers' limits, as a superuser (autocommit).

    Roles belong to the whole server: callers take `setup_lock` so concurrent first starts take turns.
    """
    existing = {
        role: (login == _LOGS_IN[role] and not (superuser_ or createdb or createrole))
        for role, login, superuser_, createdb, createrole in superuser.execute(
            "select rolname, rolcanlogin, rolsuper, rolcreatedb, rolcreaterole from pg_roles where rolname = any(%s)",
            (list(_CREATE),),
        )
    }
    settings = {
        f"alter role {role} set {name} = '{value}';"
        for role, name, value in superuser.execute(
            "select rolname, split_part(setting, '=', 1), substr(setting, strpos(setting, '=') + 1)"
            " from pg_db_role_setting join pg_roles on pg_roles.oid = setrole, unnest(setconfig) as setting"
            " where setdatabase = 0"
        )
    }
    for role, statement in _CREATE.items():
        if role not in existing:
            superuser.execute(statement)
        elif not existing[role]:  # made by an older release, or changed by hand: as documented again
            superuser.execute(statement.replace("create role", "alter role", 1))
    for statement in _reader_settings():
        if statement not in settings:
            superuser.execute(statement)


def setup_lock(conn: psycopg.Connection) -> None:
    """Wait for any other process setting up roles and grants; held until this session ends."""
    conn.execute("select pg_advisory_lock(hashtext('hubei_data.roles'))")


def adopt_objects(superuser: psycopg.Connection) -> None:
    """Hand every schema, table, view, sequence and function of this database to the owner.

    A data directory made when everything ran as the superuser still holds objects the owner
    may not touch; this moves them over once, and finds nothing to do after that. What the
    audit keeper owns stays its own.
    """
    superuser.execute(_ADOPT.replace("{owner}", OWNER).replace("{keeper}", KEEPER))


_ADOPT = """
do $$
declare
    item record;
begin
    perform pg_advisory_xact_lock(hashtext('hubei_data.roles'));
    for item in
        select format('alter schema %I owner to {owner}', nspname) as statement
        from pg_namespace
        where nspname not like 'pg\\_%' and nspname not in ('information_schema', 'public')
          and pg_get_userbyid(nspowner) not in ('{owner}', '{keeper}')
        union all
        select format(
            'alter %s %s owner to {owner}',
            case relkind when 'v' then 'view' when 'm' then 'materialized view'
                         when 'S' then 'sequence' else 'table' end,
            classes.oid::regclass
        )
        from pg_class as classes
        join pg_namespace as namespaces on namespaces.oid = classes.relnamespace
        where nspname not like 'pg\\_%' and nspname <> 'information_schema'
          and relkind in ('r', 'p', 'v', 'm', 'S')
          and pg_get_userbyid(relowner) not in ('{owner}', '{keeper}')
          -- a sequence behind a serial or identity column moves with its table
          and not exists (
              select from pg_depend
              where objid = classes.oid and classid = 'pg_class'::regclass and deptype in ('a', 'i')
          )
        union all
        select format('alter routine %s owner to {owner}', procs.oid::regprocedure)
        from pg_proc as procs
        join pg_namespace as namespaces on namespaces.oid = procs.pronamespace
        where nspname not like 'pg\\_%' and nspname <> 'information_schema'
          and pg_get_userbyid(proowner) not in ('{owner}', '{keeper}')
    loop
        execute item.statement;
    end loop;
end $$
"""


def seal_sql() -> str:
    """What a superuser runs after each `hubei-data db upgrade`: the audit trail handed to the keeper."""
    return _SEAL.replace("{owner}", OWNER).replace("{keeper}", KEEPER)


def seal_audit_trail(superuser: psycopg.Connection) -> None:
    """As a superuser in the platform's database: give the audit trail to the keeper; nothing to do once done."""
    superuser.execute(seal_sql())


def audit_trail_sealed(conn: psycopg.Connection) -> bool:
    """Whether the keeper owns the audit trail and its schema, so the platform's role cannot undo its guards."""
    return conn.execute(
        "select pg_get_userbyid(relowner) = %(keeper)s and pg_get_userbyid(nspowner) = %(keeper)s"
        " from pg_class join pg_namespace on pg_namespace.oid = relnamespace"
        " where pg_class.oid = to_regclass('control.audit_trail')", {"keeper": KEEPER},
    ).fetchone() == (True,)


_SEAL = """
do $$
begin
    -- processes upgrading together take turns, so the second finds the trail already sealed
    perform pg_advisory_xact_lock(hashtext('hubei_data.roles'));
    if to_regclass('control.audit_trail') is not null and (
        select pg_get_userbyid(relowner) from pg_class where oid = to_regclass('control.audit_trail')
    ) <> '{keeper}' then
        alter schema control owner to {keeper};
        grant usage, create on schema control to {owner};
        alter table control.audit_trail owner to {keeper};
        alter function control.refuse_audit_change() owner to {keeper};
        revoke all on control.audit_trail from {owner};
        grant select, insert on control.audit_trail to {owner};
    end if;
end $$;
""".strip()


def grant_reading(owner: psycopg.Connection) -> None:
    """As the owner: create the schemas, let each reader read what it may, now and in future tables.

    Default privileges make tables that later builds create (full refreshes included) readable
    at once. Temporary tables are kept from the readers too: they may write nothing at all.
    Every process start calls this, so it only writes when something is missing: a grant takes
    locks a running build may hold.
    """
    present = [role for (role,) in owner.execute("select rolname from pg_roles where rolname = any(%s)", (list(READERS),))]
    if not _missing_grants(owner, present):
        owner.rollback()
        return
    owner.execute("select pg_advisory_xact_lock(hashtext('hubei_data.roles'))")
    for schema in sorted(set(QUERY_SCHEMAS) | set(API_SCHEMAS)):
        owner.execute(sql.SQL("create schema if not exists {}").format(sql.Identifier(schema)))
    is_database_owner = owner.execute(
        "select datdba = (select oid from pg_roles where rolname = current_user)"
        " from pg_database where datname = current_database()"
    ).fetchone()[0]
    if is_database_owner:
        keep_temporary_tables_from_public(owner, owner.info.dbname)
    for role in present:
        _grant(owner, role)
    owner.commit()


def keep_temporary_tables_from_public(conn: psycopg.Connection, database: str) -> None:
    """Revoke `temporary` on the database from public, so a reader may write nothing, temporary tables included. A
    database's own privileges are not copied with it: a copy of a database needs this again."""
    conn.execute(sql.SQL("revoke temporary on database {} from public").format(sql.Identifier(database)))


def _missing_grants(owner: psycopg.Connection, present: list[str]) -> bool:
    """Whether a schema, a reader's schema or table privilege, or a default privilege is missing."""
    checks = [("select bool_or(to_regnamespace(name) is null) from unnest(%s::text[]) as name",
               [sorted(set(QUERY_SCHEMAS) | set(API_SCHEMAS))])]
    for role in present:
        schemas = list(_ALL_TABLES_IN[role])
        checks += [
            ("select bool_or(not has_schema_privilege(%s, name, 'usage')) from unnest(%s::text[]) as name"
             " where to_regnamespace(name) is not null", [role, list(_USAGE_OF[role])]),
            ("select bool_or(not has_table_privilege(%s, classes.oid, 'select')) from pg_class as classes"
             " join pg_namespace as namespaces on namespaces.oid = relnamespace"
             " where nspname = any(%s) and relkind in ('r', 'p', 'v', 'm')", [role, schemas]),
            ("select count(*) < cardinality(%s::text[]) from pg_default_acl"
             " join pg_namespace on pg_namespace.oid = defaclnamespace"
             " where defaclrole = (select oid from pg_roles where rolname = current_user) and defaclobjtype = 'r'"
             " and nspname = any(%s) and defaclacl::text like '%%' || %s || '=r/%%'", [schemas, schemas, role]),
        ]
    if API_READER in present:
        checks.append((
            "select to_regclass('metric.metric_values') is not null"
            " and not has_table_privilege(%s, 'metric.metric_values', 'select')", [API_READER]
        ))
    return any(owner.execute(query, params).fetchone()[0] for query, params in checks)


def grant_metric_values(owner: psycopg.Connection) -> None:
    """The one metric table the API may read, once it exists."""
    if owner.execute("select to_regclass('metric.metric_values') is not null").fetchone()[0]:
        owner.execute(sql.SQL("grant select on metric.metric_values to {}").format(sql.Identifier(API_READER)))


def _grant(owner: psycopg.Connection, role: str) -> None:
    grantee = sql.Identifier(role)
    for name in _USAGE_OF[role]:
        owner.execute(sql.SQL("grant usage on schema {} to {}").format(sql.Identifier(name), grantee))
    for name in _ALL_TABLES_IN[role]:
        schema = sql.Identifier(name)
        owner.execute(sql.SQL("grant select on all tables in schema {} to {}").format(schema, grantee))
        owner.execute(sql.SQL("alter default privileges in schema {} grant select on tables to {}").format(
            schema, grantee
        ))
    if role == API_READER:
        grant_metric_values(owner)
