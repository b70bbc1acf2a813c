"""The `hubei-data` command."""

import click

from hubei_data.registry import RegistryError

# Every command reads the sources (registry/sources/): a wrong file is one line, not a traceback.
try:
    import hubei_data.contracts  # noqa: F401
except RegistryError as error:
    raise SystemExit(f"Error: {error}") from None

from hubei_data.cli.api import api, serve
from hubei_data.cli.audit import audit
from hubei_data.cli.backup import backup
from hubei_data.cli.bureau_sim import bureau_sim
from hubei_data.cli.catalog import catalog
from hubei_data.cli.contracts import contracts
from hubei_data.cli.db import db
from hubei_data.cli.gate import guard
from hubei_data.cli.demo import demo
from hubei_data.cli.drift import drift
from hubei_data.cli.freeze import freeze, list_freezes, unfreeze
from hubei_data.cli.ingest import build, ingest
from hubei_data.cli.lists import lists_group, matters
from hubei_data.cli.login import login, logout, passwd, token, whoami
from hubei_data.cli.metadata import metadata
from hubei_data.cli.metrics import metrics
from hubei_data.cli.quality import quality
from hubei_data.cli.push import push
from hubei_data.cli.query import query
from hubei_data.cli.queue import queue
from hubei_data.cli.report import report
from hubei_data.cli.security import security
from hubei_data.cli.standards import standards
from hubei_data.cli.sync import sync_log_command
from hubei_data.cli.ui import ui
from hubei_data.cli.unexpected import MainGroup
from hubei_data.cli.up import up
from hubei_data.cli.users import user
from hubei_data.cli.watch import alerts, status, watch


@click.group(cls=MainGroup, context_settings={"help_option_names": ["-h", "--help"]})
def main() -> None:
    """hubei_data: sync, check, catalog and share the regulator's data, inspectably."""


for command in (demo, ingest, build, query, quality, sync_log_command, catalog, push, bureau_sim, serve, api, metrics,
                ui, contracts, db, audit, login, logout, whoami, passwd, token, user, security, backup, up, watch,
                status, alerts, report, freeze, unfreeze, list_freezes, queue, standards, metadata,
                drift, lists_group, matters):
    main.add_command(command)
guard(main, "hubei-data")
