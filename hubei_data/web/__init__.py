"""The platform's web process: its login, and the Dagster UI and dbt docs catalog behind it."""
