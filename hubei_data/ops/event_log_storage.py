"""The instance's event log storage: Dagster's PostgreSQL one, whose pools take their default limit once even when
several runs first claim a pool at the same moment.

Dagster gives a pool its default limit the first time a step claims it, in one transaction that inserts the limit's
row and, if another process inserted it first, updates it instead. On PostgreSQL the failed insert has already
aborted that transaction, so the update raises and the second run's step fails. Two subscriptions to a new
department pushed by the same schedule (or by two commands at once) meet exactly that. Here processes take turns,
and one that finds the pool already set up leaves it alone.
"""

from collections.abc import Mapping
from typing import Any

import sqlalchemy as db
from dagster._serdes import ConfigurableClassData
from dagster_postgres import PostgresEventLogStorage
from dagster_postgres.utils import get_token_provider_from_config, pg_url_from_config

_TURN = "select pg_advisory_lock(hashtext(:pool))"
_DONE = "select pg_advisory_unlock(hashtext(:pool))"


class PoolSafeEventLogStorage(PostgresEventLogStorage):
    """`PostgresEventLogStorage`, its pools' default limits set up by one process at a time."""

    @classmethod
    def from_config_value(
        cls, inst_data: ConfigurableClassData | None, config_value: Mapping[str, Any]
    ) -> "PoolSafeEventLogStorage":
        return cls(
            inst_data=inst_data,
            postgres_url=pg_url_from_config(config_value),
            should_autocreate_tables=config_value.get("should_autocreate_tables", True),
            token_provider=get_token_provider_from_config(config_value),
        )

    def initialize_concurrency_limit_to_default(self, concurrency_key: str) -> bool:
        turn = {"pool": f"dagster.pool.{concurrency_key}"}
        with self._engine.connect() as conn:
            conn.execute(db.text(_TURN), turn)
            try:
                if self._set_up(concurrency_key):
                    return True
                return super().initialize_concurrency_limit_to_default(concurrency_key)
            finally:
                conn.execute(db.text(_DONE), turn)
                conn.commit()

    def _set_up(self, concurrency_key: str) -> bool:
        """Whether the pool already has the limit a claim would give it: its own, or the instance's default."""
        default = self._instance.global_op_concurrency_default_limit if self.has_instance else None
        return any(pool.name == concurrency_key and (not pool.from_default or pool.limit == default)
                   for pool in self.get_pool_limits())
