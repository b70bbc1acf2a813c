"""`hubei-data lists import|show|check|rejections` and `hubei-data matters report`: the three lists (三清单) and the
matters catalog (事项目录)."""

import datetime as dt
from pathlib import Path

import click

from hubei_data.cli.output import emit, format_option
from hubei_data.registry.lists import LISTS

KINDS = click.Choice(list(LISTS))


def _checked():
    """The registry with its lists checked against the catalog, or its first error in one line."""
    from hubei_data import registry
    from hubei_data.governance import lists

    try:
        return lists.load()
    except registry.RegistryError as error:
        raise click.ClickException(str(error)) from None


@click.group("lists")
def lists_group() -> None:
    """The three lists (三清单): responsibilities (责任清单), demands (需求清单) and the negative list (负面清单)."""


@lists_group.command("import")
@click.argument("kind", type=KINDS)
@click.argument("workbook", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def import_command(kind: str, workbook: Path) -> None:
    """Replace a list by the entries of an XLSX workbook in the agencies' layout (docs/lists.md), as its next version;
    a bad workbook changes nothing and the error names its row and column. Done or refused, it is audited."""
    from hubei_data import registry
    from hubei_data.cli.gate import acting, source
    from hubei_data.control import audit_trail
    from hubei_data.control.audit_chain import Action, Outcome
    from hubei_data.control.schema import connect_current
    from hubei_data.governance.list_workbook import import_list
    from hubei_data.reports import ReportError

    detail = {"change": "lists import", "workbook": workbook.name}
    with connect_current(autocommit=True) as conn:
        def audit(outcome: Outcome, **more) -> None:
            audit_trail.append(conn, acting().username, source(), Action.CONFIG_CHANGE, f"lists {kind}", outcome,
                               {**detail, **more})

        try:
            written, version, count = import_list(kind, workbook)
        except (registry.RegistryError, ReportError) as error:
            audit(Outcome.FAILURE, error=str(error))
            raise click.ClickException(str(error)) from None
        audit(Outcome.SUCCESS, version=version, entries=count)
    click.echo(f"{written}: {LISTS[kind].chinese} version {version}, {count} entries from {workbook.name}")


@lists_group.command()
@click.argument("kind", type=KINDS)
@format_option
def show(kind: str, fmt: str) -> None:
    """A list's entries, with what each links to."""
    held = _checked().lists[kind]
    click.echo(f"{LISTS[kind].chinese} version {held.version}"
               + (f", imported from {held.imported_from} on {held.imported_on}" if held.imported_from else ""),
               err=True)
    if kind == "responsibilities":
        emit(["code", "name", "office", "catalog", "items", "cycle"],
             [[code, e.name, e.office, ", ".join(e.catalog), ", ".join(e.items), e.cycle]
              for code, e in held.entries.items()], fmt)
    elif kind == "demands":
        emit(["code", "department", "asks", "catalog", "met_by", "answer"],
             [[code, e.department, e.asks, ", ".join(e.catalog), ", ".join(f"{m.kind} {m.name}" for m in e.met_by),
               e.answer] for code, e in held.entries.items()], fmt)
    else:
        emit(["code", "name", "item", "element", "legal_basis", "office"],
             [[code, e.name, e.item, e.element, e.legal_basis, e.office] for code, e in held.entries.items()], fmt)


@lists_group.command()
@format_option
def check(fmt: str) -> None:
    """Whether the lists hold, as every build checks them: responsibilities published, with data and fresh; demands
    met or answered; nothing on the negative list reachable. Fails when anything does not hold."""
    from hubei_data import runner
    from hubei_data.catalog import manifest
    from hubei_data.control.schema import connect_current
    from hubei_data.governance import list_status

    declared = _checked()
    with connect_current() as conn:
        statuses = list_status.responsibilities(conn, runner.instance(), declared, dt.datetime.now(dt.UTC))
    statuses += list_status.demands(declared, dt.date.today())
    emit(["list", "code", "name", "holds", "detail"],
         [[s.kind, s.code, s.name, "yes" if s.holds else "no", s.detail] for s in statuses], fmt)
    breaches = list_status.negative(declared, manifest.load())
    failing = [s for s in statuses if not s.holds]
    if breaches or failing:
        raise click.ClickException(f"{len(failing)} list entries do not hold; {len(breaches)} negative-list"
                                   " breaches" + "".join(f"\n  {breach}" for breach in breaches))
    click.echo("negative list: nothing reaches it", err=True)


@lists_group.command()
@format_option
def rejections(fmt: str) -> None:
    """The entries the provincial big-data center sent back, why, and where each stands in its fix."""
    declared = _checked()
    emit(["rejection", "list", "entry", "reason", "status", "since", "steps"],
         [[code, LISTS[r.list].chinese, r.entry, r.reason, r.status, r.steps[-1].date,
           " → ".join(f"{step.status} {step.date} {step.note}" for step in r.steps)]
          for code, r in declared.rejections.items()], fmt, empty="no rejections")


@click.group()
def matters() -> None:
    """The government service matters catalog (事项目录): each matter and the data it uses."""


@matters.command()
@format_option
def report(fmt: str) -> None:
    """Each matter fully, partly or not supported by its data (published, holding data, fresh), and the share
    datasets it depends on."""
    from hubei_data import registry, runner
    from hubei_data.control.schema import connect_current
    from hubei_data.governance import matters as matters_catalog

    declared = _checked()
    try:
        with connect_current() as conn:
            found = matters_catalog.report(conn, runner.instance(), declared, dt.datetime.now(dt.UTC))
    except registry.RegistryError as error:
        raise click.ClickException(str(error)) from None
    emit(["code", "name", "department", "support", "datasets", "problems"],
         [[s.code, s.name, s.department, s.support, ", ".join(s.datasets), "; ".join(s.problems) or None]
          for s in found], fmt, empty="no matters")
