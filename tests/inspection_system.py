"""The inspection system for drift tests: a warehouse of the test's own, the system's database with its table shaped
as the contract says and one row, connected by its URL, and 省药监局's contacts to tell."""

import psycopg

INSPECTION_TABLE = """
create table inspection (
    inspection_id varchar(40) primary key,
    uscc varchar(18) not null,
    inspected_on date,
    division_code varchar(6),
    result text,
    findings integer,
    updated_at timestamp not null
);
insert into inspection values ('JC-1', '91420100MA4K0000X1', '2026-01-02', '420102', '合格', 0, '2026-01-02 09:00');
"""


def connect(migrated_database, fresh_database, use_warehouse, tmp_path, monkeypatch):
    """The system's database, made and connected; the warehouse and contacts in use."""
    use_warehouse(migrated_database("drift"))
    system = fresh_database("inspection")
    with psycopg.connect(system.url, autocommit=True) as conn:
        conn.execute(INSPECTION_TABLE)
    monkeypatch.setenv("HUBEI_DATA_SYSTEM_INSPECTION_URL", system.sqlalchemy_url)
    monkeypatch.delenv("HUBEI_DATA_SYSTEM_INSPECTION_SCHEMA", raising=False)
    contacts = tmp_path / "contacts.yaml"
    contacts.write_text("省药监局:\n  emails: [inspection@yjj.example.gov.cn]\n", encoding="utf-8")
    monkeypatch.setenv("HUBEI_DATA_CONTACTS", str(contacts))
    return system
