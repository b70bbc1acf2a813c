"""`hubei-data serve` and `hubei-data api`: run the data API, administer consumers and grants, read statistics."""

import datetime as dt
import json

import click

from hubei_data.cli.gate import acting, source
from hubei_data.cli.output import FORMATS, emit
from hubei_data.control.schema import connect_current


def _specs():
    from hubei_data.api.spec import load_apis
    from hubei_data.registry import RegistryError

    try:
        return load_apis()
    except RegistryError as error:
        raise click.ClickException(str(error)) from None


def _vault():
    """The vault of the cryptographic profile in force (HUBEI_DATA_CRYPTO_PROFILE): Fernet, or SM4 for 国密."""
    from hubei_data.api.vault import VaultError
    from hubei_data.control import crypto

    try:
        return crypto.profile().vault(None)
    except (VaultError, crypto.ProfileError) as error:
        raise click.ClickException(str(error)) from None


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8600, show_default=True, type=int)
@click.option("--statement-timeout-ms", default=5000, show_default=True, type=int, help="Longest a data query may run.")
def serve(host: str, port: int, statement_timeout_ms: int) -> None:
    """Run the data API (OpenAPI docs at /docs) over the share library.

    Needs HUBEI_DATA_API_KEY (consumer secrets are encrypted with it); admin routes answer a
    person's bearer token (`hubei-data token create`) whose roles allow the route.
    """
    import uvicorn

    import psycopg

    from hubei_data import roles, warehouse
    from hubei_data.api.app import Settings, create_app
    from hubei_data.control import schema

    specs, vault = _specs(), _vault()
    schema.upgrade(warehouse.connect_info())
    reader_url = warehouse.reader_info(roles.API_READER).url
    with psycopg.connect(reader_url) as reader:
        _check_queries(reader, specs)
    settings = Settings(warehouse.connect_info().url, reader_url, statement_timeout_ms)
    click.echo(f"serving {len(specs)} APIs ({', '.join(specs)}) on http://{host}:{port} — docs at /docs")
    uvicorn.run(create_app(specs, vault, settings), host=host, port=port, log_level="warning")


def _check_queries(conn, specs) -> None:
    """Each API's query runs against the share library as it is now (no rows fetched), or serving stops."""
    from hubei_data.api.query import probe

    problems = probe(conn, specs)
    if problems:
        raise click.ClickException("APIs whose query does not run:\n" + "\n".join(problems))


@click.group()
def api() -> None:
    """Administer the data API: consumers, applications and grants, statistics."""


@api.command()
def keygen() -> None:
    """Print a new HUBEI_DATA_API_KEY (the key consumer secrets are encrypted with), for the
    cryptographic profile in force: Fernet by default, SM4 with HUBEI_DATA_CRYPTO_PROFILE=gm."""
    from hubei_data.control import crypto

    try:
        click.echo(crypto.profile().new_key())
    except crypto.ProfileError as error:
        raise click.ClickException(str(error)) from None


@api.command("list")
def list_apis() -> None:
    """The APIs defined in registry/apis/: name, mode, parameters, fields."""
    for spec in _specs().values():
        params = ", ".join(n + ("*" if p.required else "") for p in spec.params for n in p.request_names)
        personal = f"  masked unless granted: {', '.join(spec.personal)}" if spec.personal else ""
        click.echo(f"{spec.name:12} {spec.mode:6} POST {spec.path}  ({spec.title})\n"
                   f"{'':12} params: {params}\n{'':12} fields: {', '.join(spec.fields)}{personal}")


@api.group()
def consumer() -> None:
    """Consumer applications (接入应用): each has an app key and a secret."""


@consumer.command("create")
@click.argument("name")
@click.option("--department", required=True, help="The department the consumer belongs to.")
def create_consumer(name: str, department: str) -> None:
    """Create a consumer; its secret is printed this once and stored only encrypted."""
    from hubei_data.api.store import create_consumer as create

    with connect_current() as conn:
        app_key, secret = create(conn, _vault(), name, department, _by())
    click.echo(json.dumps({"app_key": app_key, "secret": secret}))


@consumer.command("list")
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="table", show_default=True)
def list_consumers(fmt: str) -> None:
    from hubei_data.api.store import consumers

    with connect_current() as conn:
        rows = consumers(conn)
    emit(["app_key", "name", "department", "created_at"], [list(r.values()) for r in rows], fmt,
         empty="no consumers yet (`hubei-data api consumer create`)")


@api.command()
@click.argument("app_key")
@click.argument("api_name")
@click.option("--purpose", required=True)
@click.option("--from", "valid_from", type=click.DateTime(["%Y-%m-%d"]), default=None, help="Default: today.")
@click.option("--until", "valid_until", type=click.DateTime(["%Y-%m-%d"]), required=True)
def apply(app_key: str, api_name: str, purpose: str, valid_from, valid_until) -> None:
    """Record a consumer's application for an API (consumers can also POST /v1/applications)."""
    from hubei_data.api.store import ApiAdminError, apply as record

    if api_name not in _specs():
        raise click.ClickException(f"no API {api_name!r} (see `hubei-data api list`)")
    with connect_current() as conn:
        if not conn.execute("select 1 from api.consumers where app_key = %s", (app_key,)).fetchone():
            raise click.ClickException(f"no consumer {app_key!r} (see `hubei-data api consumer list`)")
        try:
            grant_id = record(conn, app_key, api_name, purpose, (valid_from or dt.datetime.now()).date(),
                              valid_until.date())
        except ApiAdminError as error:
            raise click.ClickException(str(error)) from None
    click.echo(f"grant {grant_id}: pending")


@api.command()
@click.option("--status", type=click.Choice(["pending", "approved", "rejected", "revoked"]))
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="table", show_default=True)
def grants(status: str | None, fmt: str) -> None:
    """Applications and grants, newest first."""
    from hubei_data.api.store import grants as listed

    with connect_current() as conn:
        rows = listed(conn, status)
    columns = ["grant_id", "consumer", "department", "api", "purpose", "valid_from", "valid_until", "status",
               "fields", "row_scope", "allow_personal", "rate_per_minute"]
    emit(columns, [[r[c] for c in columns] for r in rows], fmt,
         empty=f"no grants with status {status}" if status else "no applications or grants yet")


def _by():
    from hubei_data.control.audit_trail import Actor

    return Actor(acting().username, source())


def _decided(action, grant_id: int, **kwargs) -> None:
    from hubei_data.api.store import ApiAdminError

    with connect_current() as conn:
        try:
            action(conn, grant_id, _by(), **kwargs)
        except ApiAdminError as error:
            raise click.ClickException(str(error)) from None


@api.command()
@click.argument("grant_id", type=int)
@click.option("--field", "fields", multiple=True, help="A field the consumer sees (repeat); default: every field.")
@click.option("--scope", default="[]", help='Row scope as JSON, e.g. \'[{"field": "division_code", "op": "prefix", "value": "4201"}]\'.')
@click.option("--allow-personal", is_flag=True, help="Show personal fields whole instead of masked.")
@click.option("--rate", "rate_per_minute", default=60, show_default=True, type=int, help="Calls a minute.")
def approve(grant_id: int, fields: tuple[str, ...], scope: str, allow_personal: bool, rate_per_minute: int) -> None:
    """Approve an application, fixing the fields, rows and rate its consumer gets."""
    from hubei_data.api.store import approve as record

    try:
        row_scope = json.loads(scope)
    except json.JSONDecodeError as error:
        raise click.ClickException(f"--scope is not JSON: {error}") from None
    specs = _specs()
    with connect_current() as conn:
        found = conn.execute("select api from api.grants where grant_id = %s", (grant_id,)).fetchone()
    if found is None or found[0] not in specs:
        raise click.ClickException(f"no grant {grant_id} for a defined API")
    _decided(lambda conn, gid, by: record(conn, gid, specs[found[0]], by, list(fields) or None, row_scope,
                                          allow_personal, rate_per_minute), grant_id)
    click.echo(f"grant {grant_id}: approved")


@api.command()
@click.argument("grant_id", type=int)
@click.option("--note", default="")
def reject(grant_id: int, note: str) -> None:
    """Reject a pending application."""
    from hubei_data.api.store import reject as record

    _decided(record, grant_id, note=note)
    click.echo(f"grant {grant_id}: rejected")


@api.command()
@click.argument("grant_id", type=int)
@click.option("--note", default="")
def revoke(grant_id: int, note: str) -> None:
    """Revoke an approved grant: the running service refuses its very next call."""
    from hubei_data.api.store import revoke as record

    _decided(record, grant_id, note=note)
    click.echo(f"grant {grant_id}: revoked")


@api.command()
@click.option("--since", type=click.DateTime(["%Y-%m-%d"]), default=None, help="Default: 7 days ago.")
@click.option("--until", type=click.DateTime(["%Y-%m-%d"]), default=None, help="Exclusive; default: tomorrow.")
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="table", show_default=True)
def stats(since, until, fmt: str) -> None:
    """Calls per API and consumer: errors, error rate, latency p50/p95/p99, rows."""
    from hubei_data.api.stats import call_stats

    today = dt.date.today()
    start = (since.date() if since else today - dt.timedelta(days=7))
    end = (until.date() if until else today + dt.timedelta(days=1))
    with connect_current() as conn:
        rows = call_stats(conn, dt.datetime.combine(start, dt.time(), dt.UTC), dt.datetime.combine(end, dt.time(), dt.UTC))
    columns = ["api", "consumer", "calls", "errors", "error_rate_pct", "p50_ms", "p95_ms", "p99_ms", "rows"]
    emit(columns, [[r[c] for c in columns] for r in rows], fmt, empty=f"no calls from {start} to {end} (exclusive)")
