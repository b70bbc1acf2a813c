"""`hubei-data security`: the password, lockout and session rules (the security administrator's)."""

import click

from hubei_data.cli.gate import acting, source
from hubei_data.control.schema import connect_current


@click.group()
def security() -> None:
    """Security settings (安全策略)."""


@security.command()
@click.option("--set", "changes", multiple=True, metavar="RULE=N", help="Change a rule, e.g. expiry_days=60 (repeat).")
def policy(changes: tuple[str, ...]) -> None:
    """Show the password policy in force, or change rules of it; every login, CLI, web and API, follows it."""
    from hubei_data.control import policy_store
    from hubei_data.control.passwords import PasswordPolicy

    parsed = {}
    for change in changes:
        name, _, value = change.partition("=")
        if name not in PasswordPolicy.model_fields or not value.strip().lstrip("-").isdigit():
            raise click.ClickException(f"{change!r}: write RULE=N with RULE one of {', '.join(PasswordPolicy.model_fields)}")
        parsed[name] = int(value)
    with connect_current(autocommit=True) as conn:
        try:
            current = policy_store.change(conn, acting().username, source(), parsed) if parsed else policy_store.load(conn)
        except policy_store.PolicyError as error:
            raise click.ClickException(str(error)) from None
    for name, field in PasswordPolicy.model_fields.items():
        click.echo(f"{name:17} {getattr(current, name):>4}  {field.description}")
