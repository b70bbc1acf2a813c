"""Alembic's entry: migrate the connection `control.schema.upgrade` opened, inside its transaction and lock."""

from alembic import context

from hubei_data.control.schema import VERSION_SCHEMA, VERSION_TABLE

context.configure(
    connection=context.config.attributes["connection"],
    version_table=VERSION_TABLE,
    version_table_schema=VERSION_SCHEMA,
)
with context.begin_transaction():
    context.run_migrations()
