"""End to end through the command line, as a newcomer runs it, on the real embedded PostgreSQL: the data path."""

import csv
import datetime as dt
import json
import os
import subprocess
from pathlib import Path

import openpyxl
import pytest
import yaml
from psycopg import sql

from hubei_data import warehouse as wh
from hubei_data.catalog.share import DATASETS
from hubei_data.contracts import SOURCES
from hubei_data.exchange import share_push
from hubei_data.exchange.subscription import checked
from hubei_data.registry.subscriptions import Subscription
from hubei_data.transform.assets import DBT_DIR, dbt_resource
from tests.demo_run import counts, flagged, run

pytestmark = pytest.mark.slow


def test_demo_prints_the_summary(demo):
    result, _ = demo
    assert "Rows per library" in result.stdout and "Flagged rows per rule" in result.stdout
    assert "hubei-data quality issues" in result.stdout
    assert "check failed" not in result.stderr
    assert "subject.enterprise_profile" in result.stdout and "share.newborn_vaccination" in result.stdout


def test_every_known_defect_is_flagged_and_no_clean_row_is(demo):
    truth_file = wh.data_dir() / "landing" / "_truth.jsonl"
    truth = {(d["source"], d["key"], d["rule"]) for d in map(json.loads, truth_file.read_text().splitlines())}
    assert len(truth) > 100
    assert flagged() == truth


def test_the_planted_defects_open_one_ticket_per_source_and_rule_assigned_to_its_owner(demo):
    truth_file = wh.data_dir() / "landing" / "_truth.jsonl"
    planted = {(d["source"], d["rule"]) for d in map(json.loads, truth_file.read_text().splitlines())}
    listed = [json.loads(line) for line in run("quality", "tickets", "--format", "json").stdout.splitlines()]
    held = [t for t in listed if t["origin"] == "rule"]
    assert sorted((t["source"], t["rule"]) for t in held) == sorted(planted), listed
    assert {t["stage"] for t in held} == {"new"}
    assert all(t["owner"] == SOURCES[t["source"]].owner and t["vendor"] for t in held)


def test_every_clean_row_reaches_resource(demo):
    with wh.connect() as conn:
        for s in SOURCES.values():
            key = " and ".join(f"r.{k} is not distinct from s.{k}" for k in s.key)
            lost = conn.execute(
                f"select count(*) from staging.{s.name} s where jsonb_array_length(s._issues) = 0"
                f" and not exists (select 1 from resource.{s.name} r where {key})"
            ).fetchone()[0]
            assert lost == 0, s.name
            assert conn.execute(f"select count(*) from resource.{s.name}").fetchone()[0] > 0


def test_issues_are_traceable_to_file_and_row(demo):
    lines = [json.loads(line) for line in run("quality", "issues", "--source", "sampling").stdout.splitlines()]
    assert lines and {d["source"] for d in lines} == {"sampling"}
    for issue in lines:
        assert set(issue) == {"source", "key", "rule", "detail", "batch_id", "file", "row"}
        assert Path(issue["file"]).exists() and issue["row"] >= 2


def test_running_the_demo_again_changes_no_row_count(demo):
    _, before = demo
    run("demo", "--as-of", "2026-10-31")
    assert counts() == before


def test_the_same_file_again_is_not_loaded_twice(demo):
    _, before = demo
    existing = sorted((wh.data_dir() / "landing" / "drug_product").iterdir())[0]
    result = run("ingest", str(existing))
    assert "already loaded as batch" in result.stdout
    assert counts() == before


def test_an_unreadable_file_is_rejected_with_its_reason(demo, tmp_path):
    bad = tmp_path / "penalty" / "broken.csv"
    bad.parent.mkdir()
    bad.write_bytes(b"fine_yuan\n1\n")
    result = run("ingest", str(bad), check=False)
    assert result.returncode == 1
    assert f"{bad}: rejected: missing required columns" in result.stdout


def test_new_rows_in_a_file_flow_to_resource_and_bad_ones_to_quarantine(demo, tmp_path):
    folder = tmp_path / "penalty"
    folder.mkdir()
    (folder / "extra.csv").write_text(
        "处罚决定书文号,当事人统一社会信用代码,罚款金额(元),更新时间\n"
        "鄂药监罚〔2026〕901号,91420100MA4K12345K,500,2026-10-30 10:00:00\n"
        "鄂药监罚〔2026〕902号,91420100MA4K12345K,-5,2026-10-30 10:00:00\n",
        encoding="gbk",
    )
    run("ingest", str(folder / "extra.csv"))
    assert ("penalty", "鄂药监罚〔2026〕902号", "range") in flagged()
    rows = run("query", "select case_no from resource.penalty where case_no like '%〔2026〕90_号'",
               "--format", "json").stdout.splitlines()
    assert [json.loads(r)["case_no"] for r in rows] == ["鄂药监罚〔2026〕901号"]


def test_profiles_count_what_resource_holds(demo):
    with wh.connect() as conn:
        assert conn.execute(
            "select count(*), count(distinct uscc) from subject.enterprise_profile"
        ).fetchone() == conn.execute("select count(*), count(*) from resource.enterprise").fetchone()
        mismatched = conn.execute(
            """
            select p.uscc from subject.enterprise_profile p
            where p.sampling_batches <> (select count(*) from resource.sampling s where s.uscc = p.uscc)
               or p.failed_sampling_batches
                  <> (select count(*) from resource.sampling s where s.uscc = p.uscc and s.result = '不合格')
               or p.penalty_cases <> (select count(*) from resource.penalty n where n.uscc = p.uscc)
               or p.fines_yuan <> (select coalesce(sum(fine_yuan), 0) from resource.penalty n where n.uscc = p.uscc)
               or p.inspections <> (select count(*) from resource.inspection i where i.uscc = p.uscc)
               or p.drug_products <> (select count(*) from resource.drug_product d where d.holder_uscc = p.uscc)
               or p.current_license_count <> (
                   select count(*) from resource.license l
                   where l.uscc = p.uscc and l.status = '有效' and (l.valid_until is null or l.valid_until >= current_date))
               or p.current_license_count <> jsonb_array_length(p.current_licenses)
            """
        ).fetchall()
        assert mismatched == []
        products = conn.execute(
            "select (select count(*) from resource.drug_product) + (select count(*) from resource.cosmetic_filing)"
            " + (select count(*) from resource.device_registration)"
        ).fetchone()[0]
        assert conn.execute("select count(*) from subject.product_profile").fetchone()[0] == products
        records, children = conn.execute(
            "select sum(vaccination_records), count(*) from subject.child_immunisation_profile"
        ).fetchone()
        assert records == conn.execute("select count(*) from resource.vaccination").fetchone()[0]
        doses = conn.execute(
            "select sum(value::integer) from subject.child_immunisation_profile, jsonb_each_text(doses_by_vaccine)"
        ).fetchone()[0]
        assert doses == records
        certificates = conn.execute("select count(*) from resource.birth_certificate").fetchone()[0]
        assert certificates <= children < certificates * 1.01


def _masked(value: str, head: int, tail: int) -> str:
    return "*" * len(value) if len(value) <= head + tail else value[:head] + "*" * (len(value) - head - tail) + value[-tail:]


def test_every_share_row_masks_personal_fields_by_rule(demo):
    with wh.connect() as conn:
        names = conn.execute(
            "select b.legal_rep, p.legal_rep from share.enterprise_basic b"
            " join subject.enterprise_profile p using (uscc) where p.legal_rep is not null"
        ).fetchall()
        children = conn.execute(
            "select v.child_id_no, p.child_id_no, v.child_name, p.child_name from share.newborn_vaccination v"
            " join subject.child_immunisation_profile p on p.child_key = v.birth_cert_no"
        ).fetchall()
    assert names and children
    for shared, clear in names + [(c[2], c[3]) for c in children if c[3]]:
        assert shared == clear[0] + "*" * (len(clear) - 1) or (clear[:2] == shared[:2] and set(shared[2:]) == {"*"})
    ids = [(shared, clear) for shared, clear, *_ in children if clear]
    assert ids
    assert all(shared == _masked(clear, 6, 4) for shared, clear in ids)


def test_a_day_of_changes_touches_only_the_changed_rows(demo, tmp_path):
    with wh.connect() as conn:
        uscc, approval_no = conn.execute(
            "select s.uscc, s.approval_no from resource.sampling s join resource.drug_product d"
            " on d.approval_no = s.approval_no where s.uscc <> d.holder_uscc order by s.sample_no limit 1"
        ).fetchone()
        license_no, license_type, holder = conn.execute(
            "select license_no, license_type, uscc from resource.license where status = '有效'"
            " and valid_until > current_date and uscc <> %s order by license_no limit 1",
            (uscc,),
        ).fetchone()
    full_width = uscc.translate({c: c + 0xFEE0 for c in range(0x21, 0x7F)})
    spellings = [full_width, uscc.lower(), f" {uscc} "]
    (tmp_path / "sampling").mkdir()
    (tmp_path / "sampling" / "day.csv").write_text(
        "sample_no,approval_no,uscc,sampled_on,result,failed_items\n"
        + "".join(f"CHG-{n},{approval_no},{s},2026-10-30,不合格,含量测定\n" for n, s in enumerate(spellings)),
        encoding="utf-8",
    )
    (tmp_path / "license").mkdir()
    (tmp_path / "license" / "day.csv").write_text(
        "license_no,license_type,uscc,status,updated_at\n"
        f"{license_no},{license_type},{holder},注销,2026-10-31 09:00:00\n",
        encoding="utf-8",
    )
    run("ingest", str(tmp_path / "sampling" / "day.csv"), str(tmp_path / "license" / "day.csv"))
    entries = [json.loads(line) for line in run("sync-log", "--format", "json").stdout.splitlines()]
    changed = {e["table"]: (e["inserted"], e["updated"], e["removed"]) for e in entries
               if e["run"] == entries[0]["run"] and (e["inserted"] or e["updated"] or e["removed"])}
    assert changed == {
        "share.sampling_result": (3, 0, 0),
        "share.license_info": (0, 1, 0),
        "subject.enterprise_profile": (0, 2, 0),
        "subject.product_profile": (0, 1, 0),
    }
    with wh.connect() as conn:
        assert conn.execute(
            "select count(*), sum(sampling_batches) from subject.enterprise_profile where uscc = %s", (uscc,)
        ).fetchone() == (1, conn.execute("select count(*) from resource.sampling where uscc = %s", (uscc,)).fetchone()[0])


VACCINATION_FIELDS = [c.name for c in SOURCES["vaccination"].columns]


def _row_versions(conn, table: str) -> dict[tuple, str]:
    """Each row's transaction id by (batch, row): a rebuilt table gives every row a new one."""
    return {(b, r): x for b, r, x in conn.execute(f"select _batch_id, _row_number, xmin::text from {table}")}


def test_a_day_of_vaccinations_is_merged_by_key_without_rewriting_history(demo, tmp_path):
    fields = ", ".join(VACCINATION_FIELDS)
    with wh.connect() as conn:
        newer, older, copied = conn.execute(
            f"select {fields} from staging.vaccination s where jsonb_array_length(_issues) = 0"
            " and exists (select 1 from resource.vaccination r where r.record_id = s.record_id"
            " and r._batch_id = s._batch_id and r._row_number = s._row_number) order by record_id limit 3"
        ).fetchall()
        staged_before = _row_versions(conn, "staging.vaccination")
        quarantined_before = _row_versions(conn, "quarantine.vaccination")
    column = VACCINATION_FIELDS.index
    day = [
        {**dict(zip(VACCINATION_FIELDS, newer)), "vaccine_name": "更名疫苗", "updated_at": "2026-10-31 23:00:00"},
        {**dict(zip(VACCINATION_FIELDS, older)), "vaccine_name": "旧版本", "updated_at": "2000-01-01 00:00:00"},
        {**dict(zip(VACCINATION_FIELDS, copied)), "record_id": "NEW-1"},
        {**dict(zip(VACCINATION_FIELDS, copied)), "record_id": "NEW-2", "dose_no": "9"},
        {**dict(zip(VACCINATION_FIELDS, copied)), "record_id": "NEW-2", "updated_at": "2026-10-31 23:30:00"},
    ]
    (tmp_path / "vaccination").mkdir()
    with (tmp_path / "vaccination" / "day.csv").open("w", encoding="utf-8", newline="") as out:
        writer = csv.DictWriter(out, VACCINATION_FIELDS)
        writer.writeheader()
        writer.writerows(day)
    run("ingest", str(tmp_path / "vaccination" / "day.csv"))
    with wh.connect() as conn:
        names = dict(conn.execute(
            "select record_id, vaccine_name from resource.vaccination where record_id = any(%s)",
            ([newer[column("record_id")], older[column("record_id")], "NEW-1", "NEW-2"],),
        ).fetchall())
        staged_after = _row_versions(conn, "staging.vaccination")
        quarantined_after = _row_versions(conn, "quarantine.vaccination")
    assert names == {
        newer[column("record_id")]: "更名疫苗",
        older[column("record_id")]: older[column("vaccine_name")],
        "NEW-1": copied[column("vaccine_name")],
    }
    assert {("vaccination", "NEW-2", "range"), ("vaccination", "NEW-2", "unique")} <= flagged()
    assert len(staged_after) == len(staged_before) + len(day)
    assert {k: staged_after[k] for k in staged_before} == staged_before
    assert {k: quarantined_after[k] for k in quarantined_before} == quarantined_before


def test_a_days_lookups_of_versions_read_indexes_that_carry_what_they_need(demo):
    """A day's build compares its rows with those held, reads its records' versions, and hands children on from
    an identifier to the child's other identifiers, by indexes alone (hubei_data/transform/model_sql.py,
    models/subject); the newborn shares find a day's children with a certificate in an index of those alone."""
    with wh.connect() as conn:
        unique = {table: definition for table, definition in conn.execute(
            "select tablename, indexdef from pg_indexes where schemaname = 'resource' and indexdef like 'CREATE UNIQUE%'")}
        versions = [definition for (definition,) in conn.execute(
            "select indexdef from pg_indexes where schemaname = 'staging' and tablename = 'vaccination'"
            " and indexdef like '%(record_id)%'")]
        subject = {definition.split(" USING ")[1] for (definition,) in conn.execute(
            "select indexdef from pg_indexes where schemaname = 'subject'"
            " and tablename in ('child_identifier', 'child_immunisation_profile')")}
    assert {"btree (identifier) INCLUDE (child_key)", "btree (child_key) INCLUDE (identifier)",
            "btree (child_key) WHERE has_birth_certificate"} <= subject
    assert unique["vaccination"].endswith("(record_id) INCLUDE (updated_at, _batch_id, _row_number)")
    assert unique["sampling"].endswith("(sample_no) INCLUDE (_batch_id, _row_number)")
    assert versions == [versions[0].split(" ON ")[0] + " ON staging.vaccination USING btree (record_id)"
                        " INCLUDE (child_id_no, birth_cert_no, child_name, birth_date__value, vaccine_code,"
                        " dose_no__value, vaccinated_on__value, _batch_id, _issues)"]


BIRTH_CERTIFICATE_FIELDS = [c.name for c in SOURCES["birth_certificate"].columns]
UNLINKED_IDS = """
    select i.identifier from subject.child_identifier as i
    where i.identifier_kind = 'child_id_no' and i.child_key = i.identifier
    and not exists (select 1 from resource.vaccination v where v.child_id_no = i.identifier and v.birth_cert_no is not null)
"""


def _write_csv(folder: Path, fields: list[str], rows: list[dict]) -> Path:
    folder.mkdir()
    with (folder / "day.csv").open("w", encoding="utf-8", newline="") as out:
        writer = csv.DictWriter(out, fields)
        writer.writeheader()
        writer.writerows(rows)
    return folder / "day.csv"


def test_a_day_that_moves_records_between_children_links_them_as_a_full_build_would(demo, tmp_path):
    """A record moved to another child, an ID number claimed by a second certificate and a new certificate for a
    child known by ID number alone: each changes children the day's records never named (the full build's
    identity follows in test_a_full_refresh_gives_the_same_tables)."""
    fields = ", ".join(VACCINATION_FIELDS)
    with wh.connect() as conn:
        moved = conn.execute(f"select {fields} from resource.vaccination v where child_id_no in ({UNLINKED_IDS})"
                             " and (select count(*) from resource.vaccination o where o.child_id_no = v.child_id_no) = 1"
                             " order by record_id limit 1").fetchone()
        column = VACCINATION_FIELDS.index
        target, certified = conn.execute(
            f"select p.child_key, p.child_name, p.birth_date, p.vaccination_records from subject.child_immunisation_profile p"
            f" where p.child_key in ({UNLINKED_IDS}) and p.child_key <> %s order by p.child_key limit 2",
            (moved[column("child_id_no")],)).fetchall()
        claimed, claimed_cert = conn.execute(
            "select i.identifier, i.child_key from subject.child_identifier i where i.linked_by = 'same_record'"
            " and exists (select 1 from resource.vaccination v where v.child_id_no = i.identifier"
            " and v.birth_cert_no is null) order by 1 limit 1").fetchone()
        claimed_record = conn.execute(f"select {fields} from resource.vaccination where child_id_no = %s limit 1",
                                      (claimed,)).fetchone()
        unnumbered = [r for (r,) in conn.execute("select record_id from resource.vaccination where child_id_no = %s"
                                                 " and birth_cert_no is null", (claimed,))]
    later = "2026-10-31 23:45:00"
    run("ingest", str(_write_csv(tmp_path / "vaccination", VACCINATION_FIELDS, [
        {**dict(zip(VACCINATION_FIELDS, moved)), "child_id_no": target[0], "child_name": target[1],
         "birth_date": target[2].isoformat(), "updated_at": later},
        {**dict(zip(VACCINATION_FIELDS, claimed_record)), "record_id": "CLAIM-1", "birth_cert_no": "Q420009902",
         "updated_at": later},
    ])))
    sex = "男" if int(certified[0][16]) % 2 else "女"
    run("ingest", str(_write_csv(tmp_path / "birth_certificate", BIRTH_CERTIFICATE_FIELDS, [
        {"cert_no": "Q420009901", "child_name": certified[1], "sex": sex, "birth_date": certified[2].isoformat(),
         "hospital": "武汉市妇幼保健院", "division_code": "420102", "updated_at": later},
    ])))
    with wh.connect() as conn:
        links = dict(conn.execute("select identifier, coalesce(linked_by, '') || ':' || child_key"
                                  " from subject.child_identifier where identifier = any(%s)",
                                  ([moved[column("child_id_no")], claimed, certified[0]],)).fetchall())
        profiles = dict(conn.execute("select child_key, vaccination_records from subject.child_immunisation_profile"
                                     " where child_key = any(%s)",
                                     ([moved[column("child_id_no")], target[0], claimed, certified[0], "Q420009901"],)
                                     ).fetchall())
        looked_up = {r for (r,) in conn.execute("select record_id from share.newborn_vaccination_lookup"
                                                " where record_id = any(%s)", (unnumbered,))}
        shared = conn.execute("select count(*) from share.newborn_vaccination where birth_cert_no = 'Q420009901'"
                              ).fetchone()[0]
        recorded_builds = conn.execute("select count(distinct taken_in) from raw.children_touched").fetchone()[0]
    # the moved record's old number is named by no record any more; its new child has it
    assert moved[column("child_id_no")] not in links and moved[column("child_id_no")] not in profiles
    assert profiles[target[0]] == target[3] + 1
    # two certificates claim the number: it links neither, and its records without a certificate leave the share
    assert links[claimed] == f":{claimed}" and claimed_cert != claimed and profiles[claimed] >= len(unnumbered)
    assert unnumbered and not looked_up
    # the new certificate is the child's: one row, under the certificate, and its records are shared
    assert links[certified[0]] == "name_birth_date_sex:Q420009901"
    assert certified[0] not in profiles and profiles["Q420009901"] == certified[3] == shared
    # what the identifiers touched is kept only until every model built on them has read it
    assert recorded_builds == 1


def test_a_record_sent_again_for_the_same_child_links_nothing_again_and_its_child_is_counted_again(demo, tmp_path):
    """A record sent again with a later vaccination and the same child (ID number, certificate, name, birth date):
    the identifiers are not rewritten, and the child's profile, counted from every record of the child, those
    naming only its ID number too, shows the new vaccination (the full build's identity follows in
    test_a_full_refresh_gives_the_same_tables)."""
    fields = ", ".join(VACCINATION_FIELDS)
    column = VACCINATION_FIELDS.index
    with wh.connect() as conn:
        child, number = conn.execute(
            "select i.child_key, i.identifier from subject.child_identifier i"
            " where i.identifier_kind = 'child_id_no' and i.child_key <> i.identifier"
            " and exists (select 1 from resource.vaccination v where v.child_id_no = i.identifier"
            " and v.birth_cert_no is null)"
            " and exists (select 1 from resource.vaccination v where v.birth_cert_no = i.child_key)"
            " order by 1 limit 1").fetchone()
        record = conn.execute(f"select {fields} from resource.vaccination where birth_cert_no = %s"
                              " order by record_id limit 1", (child,)).fetchone()
        records = conn.execute("select vaccination_records from subject.child_immunisation_profile"
                               " where child_key = %s", (child,)).fetchone()[0]
        links_before = conn.execute("select identifier, _sync_id from subject.child_identifier"
                                    " where child_key = %s order by 1", (child,)).fetchall()
        first_synced, synced = conn.execute("select _first_sync_id, _sync_id from subject.child_immunisation_profile"
                                            " where child_key = %s", (child,)).fetchone()
    later = (dt.date.today() - dt.timedelta(days=1)).isoformat()
    run("ingest", str(_write_csv(tmp_path / "vaccination", VACCINATION_FIELDS, [
        {**dict(zip(VACCINATION_FIELDS, record)), "vaccinated_on": later,
         "updated_at": dt.datetime.now().strftime("%Y-%m-%d %H:%M:%S")},
    ])))
    with wh.connect() as conn:
        profile = conn.execute("select vaccination_records, last_vaccinated_on::text, _first_sync_id, _sync_id <> %s"
                               " from subject.child_immunisation_profile where child_key = %s", (synced, child)).fetchone()
        links_after = conn.execute("select identifier, _sync_id from subject.child_identifier"
                                   " where child_key = %s order by 1", (child,)).fetchall()
        shared = conn.execute("select vaccinated_on::text from share.newborn_vaccination_lookup where record_id = %s",
                              (record[column("record_id")],)).fetchone()
    assert number in {identifier for identifier, _ in links_before}
    assert links_after == links_before
    assert profile == (records, later, first_synced, True)
    assert shared == (later,)


def _child_rows(conn, child: str) -> dict[str, list]:
    """The rows of one child in the child models, each with its sync ids and the transaction that wrote it."""
    return {table: conn.execute(f"select {key}, _first_sync_id, _sync_id, _synced_at, xmin::text from {table}"
                                f" where {where} order by 1", (child,)).fetchall()
            for table, key, where in [
                ("subject.child_identifier", "identifier", "child_key = %s"),
                ("subject.child_immunisation_profile", "child_key", "child_key = %s"),
                ("share.newborn_vaccination_lookup", "record_id", "birth_cert_no = %s"),
                ("share.newborn_vaccination", "record_id", "birth_cert_no = %s"),
            ]}


def _counted(conn, child: str, counted: tuple[int, str]) -> tuple[int, str]:
    """Set the vaccination records a child's profile counts and the digest its row is compared by; what they were."""
    before = conn.execute("select vaccination_records, _row_hash from subject.child_immunisation_profile"
                          " where child_key = %s", (child,)).fetchone()
    conn.execute("update subject.child_immunisation_profile set vaccination_records = %s, _row_hash = %s"
                 " where child_key = %s", (*counted, child))
    return before


def test_a_record_sent_again_unchanged_but_for_its_update_time_rewrites_only_its_share_rows(demo, tmp_path):
    """Nothing the profile counts changed, so the child's profile is not computed again: a count set wrong on purpose,
    with a digest that would make a recomputed row differ, stays wrong until the test puts it back. The identifiers
    and the child's other records are left as they are; the record's share rows move to the new batch, keeping
    their sync ids, since nothing a consumer sees changed (the full build's identity follows in
    test_a_full_refresh_gives_the_same_tables)."""
    fields = ", ".join(VACCINATION_FIELDS)
    column = VACCINATION_FIELDS.index
    with wh.connect() as conn:
        record = conn.execute(
            f"select {fields} from resource.vaccination v where birth_cert_no is not null"
            " and (select count(*) from share.newborn_vaccination s where s.birth_cert_no = v.birth_cert_no) > 1"
            " order by record_id limit 1").fetchone()
        child = record[column("birth_cert_no")]
        counted = _counted(conn, child, (-1, "set by the test"))
    with wh.connect() as conn:
        before = _child_rows(conn, child)
    run("ingest", str(_write_csv(tmp_path / "vaccination", VACCINATION_FIELDS, [
        {**dict(zip(VACCINATION_FIELDS, record)), "updated_at": dt.datetime.now().strftime("%Y-%m-%d %H:%M:%S")},
    ])))
    with wh.connect() as conn:
        after = _child_rows(conn, child)
        marked = _counted(conn, child, counted)
        batch = conn.execute("select _batch_id from resource.vaccination where record_id = %s",
                             (record[column("record_id")],)).fetchone()[0]
        shared_batches = {table: conn.execute(f"select _batch_id from {table} where record_id = %s",
                                              (record[column("record_id")],)).fetchone()[0]
                          for table in ("share.newborn_vaccination_lookup", "share.newborn_vaccination")}
    sent_again = record[column("record_id")]
    assert after["subject.child_identifier"] == before["subject.child_identifier"]
    assert after["subject.child_immunisation_profile"] == before["subject.child_immunisation_profile"]
    assert marked == (-1, "set by the test") and counted[0] > 1
    for table in ("share.newborn_vaccination_lookup", "share.newborn_vaccination"):
        assert [row for row in after[table] if row[0] != sent_again] == [
            row for row in before[table] if row[0] != sent_again]
        [(_, *stamps_after, written_after)] = [row for row in after[table] if row[0] == sent_again]
        [(_, *stamps_before, written_before)] = [row for row in before[table] if row[0] == sent_again]
        assert stamps_after == stamps_before and written_after != written_before
    assert shared_batches == dict.fromkeys(shared_batches, batch)


def test_a_row_sent_again_unchanged_but_for_its_update_time_moves_its_share_row_to_the_new_batch(demo, tmp_path):
    """A share built by comparing digests (enterprises, licences, products, penalties, samplings) takes the batch and
    row of the version sent last, as a full build would, and keeps its sync ids, since nothing it shares changed (the
    full build's identity follows in test_a_full_refresh_gives_the_same_tables)."""
    fields = [c.name for c in SOURCES["penalty"].columns]
    shared = "select _batch_id, _row_number, _first_sync_id, _sync_id, _synced_at, xmin::text from share.penalty_info"
    with wh.connect() as conn:
        sent = dict(zip(fields, conn.execute(
            f"select {', '.join(f'r.{f}' for f in fields)} from raw.penalty r join resource.penalty p"
            " on p._batch_id = r._batch_id and p._row_number = r._row_number order by p.case_no limit 1").fetchone()))
        before = conn.execute(f"{shared} where case_no = %s", (sent["case_no"],)).fetchone()
    run("ingest", str(_write_csv(tmp_path / "penalty", fields, [
        {**sent, "updated_at": dt.datetime.now().strftime("%Y-%m-%d %H:%M:%S")},
    ])))
    with wh.connect() as conn:
        held = conn.execute("select _batch_id, _row_number from resource.penalty where case_no = %s",
                            (sent["case_no"],)).fetchone()
        after = conn.execute(f"{shared} where case_no = %s", (sent["case_no"],)).fetchone()
    assert held[0] > before[0]
    assert after[:2] == held and after[2:5] == before[2:5] and after[5] != before[5]


def _business_rows(conn) -> dict[str, list]:
    """Every row of every library built from raw, without the columns that say which build wrote it."""
    tables = conn.execute(
        "select table_schema, table_name from information_schema.tables"
        " where table_schema in ('staging', 'resource', 'quarantine', 'subject', 'share') order by 1, 2"
    ).fetchall()
    snapshot = {}
    for schema, table in tables:
        snapshot[f"{schema}.{table}"] = conn.execute(
            f"select r::text from (select to_jsonb(t) - '_sync_id' - '_first_sync_id' - '_synced_at' as r"
            f" from {schema}.{table} t) as rows order by 1"
        ).fetchall()
    return snapshot


def test_a_day_holding_more_than_a_twentieth_of_the_history_computes_every_child_again(demo, tmp_path):
    """A backlog, a day holding a tenth as many records as staging: some sent again unchanged but for their update
    time, some with a new vaccination, some moved to another child, some new. The build computes every child again
    instead of following the day's records' links one by one (macros/children_touched.sql `large_day`), and says so;
    every record passing its checks reaches resource (the full build's identity follows in
    test_a_full_refresh_gives_the_same_tables).
    """
    fields = ", ".join(VACCINATION_FIELDS)
    with wh.connect() as conn:
        held = conn.execute("select count(*) from staging.vaccination").fetchone()[0]
        records = [dict(zip(VACCINATION_FIELDS, row)) for row in conn.execute(
            f"select {fields} from resource.vaccination order by record_id limit %s", (held // 10,))]
    sent = dt.datetime.now().strftime("%Y-%m-%d %H:%M:%S")
    yesterday = (dt.date.today() - dt.timedelta(days=1)).isoformat()
    third = len(records) // 3
    day = []
    for n, record in enumerate(records):
        record = {**record, "updated_at": sent}
        if third <= n < 2 * third:
            record["vaccinated_on"] = yesterday
        elif n >= 2 * third:
            other = records[(n + 1) % len(records)]
            record |= {name: other[name] for name in ("child_id_no", "birth_cert_no", "child_name", "birth_date")}
        day.append(record)
    day += [{**record, "record_id": f"BACKLOG-{n}", "updated_at": sent} for n, record in enumerate(records[:third])]
    result = run("ingest", str(_write_csv(tmp_path / "vaccination", VACCINATION_FIELDS, day)))
    assert f"the day's {len(day)} versions are more than a twentieth" in result.stdout
    assert "every child is computed again" in result.stdout
    with wh.connect() as conn:
        updated = conn.execute("select count(*) from resource.vaccination where updated_at = %s", (sent,)).fetchone()[0]
        passed = conn.execute("select count(*) from staging.vaccination where updated_at = %s"
                              " and jsonb_array_length(_issues) = 0", (sent,)).fetchone()[0]
    # a record moved to a child born after its vaccination is quarantined
    assert updated == passed > len(day) * 9 // 10


def test_every_share_table_has_the_index_pushes_read_it_along_and_an_older_table_gets_it_at_its_next_build(
        demo, tmp_path):
    with wh.connect(autocommit=True) as conn:
        conn.execute("drop index share.penalty_info_push_order")
    built = subprocess.run(
        [dbt_resource().dbt_executable, "run", "--select", "shr_penalty_info", "--project-dir", str(DBT_DIR),
         "--profiles-dir", str(DBT_DIR), "--target-path", str(tmp_path), "--log-path", str(tmp_path)],
        env={**os.environ, **wh.connect_info().dbt_env()}, capture_output=True, text=True)
    assert built.returncode == 0, built.stdout[-3000:]
    with wh.connect() as conn:
        found = dict(conn.execute("select indexname, indexdef from pg_indexes where schemaname = 'share'"
                                  " and indexname like '%_push_order'").fetchall())
        subscription = checked(Subscription.model_validate({
            "id": "plan", "department": "省医保局", "purpose": "医保基金监管", "dataset": "penalty_info",
            "fields": ["case_no", "fine_yuan"], "schedule": "0 2 * * *", "mode": "upsert",
            "target": {"url_env": "UNUSED_TARGET_URL", "table": "plan"},
            "valid_from": "2026-01-01", "valid_until": "2099-12-31"}), "plan.yaml")
        with share_push._one_snapshot(conn) as reader:
            batch = next(iter(share_push.PushOrder(reader, subscription, None)))
            plan = json.dumps(reader.execute(sql.SQL("explain (format json) ") + batch.select, batch.params)
                              .fetchone()[0])
    assert found == {
        f"{table}_push_order": f"CREATE INDEX {table}_push_order ON share.{table} USING btree (_synced_at, "
                               + ", ".join(f'{key} COLLATE "C"' for key in dataset.key) + ")"
        for table, dataset in DATASETS.items()
    }
    assert '"Index Name": "penalty_info_push_order"' in plan and '"Sort"' not in plan


def test_a_full_refresh_gives_the_same_tables(demo):
    with wh.connect() as conn:
        before = _business_rows(conn)
    result = run("build", "--from", "2026-10-30", "--full-refresh")
    assert "share.newborn_vaccination" in result.stdout
    with wh.connect() as conn:
        assert _business_rows(conn) == before
        assert conn.execute("select count(*) from raw.enterprise").fetchone()[0] > 0


def test_a_build_leaves_its_tables_analysed_and_reads_of_one_batch_planned_as_small(demo):
    with wh.connect() as conn:
        analysed = {row[0] for row in conn.execute(
            "select distinct schemaname || '.' || tablename from pg_stats"
            " where schemaname in ('raw', 'staging', 'resource', 'subject', 'share')")}
        declared = {row[0] for row in conn.execute(
            "select c.relnamespace::regnamespace || '.' || c.relname from pg_attribute as a"
            " join pg_class as c on c.oid = a.attrelid"
            " where a.attname = '_batch_id' and 'n_distinct=1000' = any(a.attoptions)")}
    assert {"raw.vaccination", "staging.vaccination", "resource.vaccination", "subject.child_identifier",
            "share.newborn_vaccination"} <= analysed
    assert {"raw.vaccination", "staging.vaccination", "resource.vaccination", "quarantine.vaccination"} <= declared


def test_the_dbt_unit_tests_the_builds_leave_out_pass_here(demo, tmp_path):
    declared = {test["name"] for path in (DBT_DIR / "models").rglob("*unit_tests.yml")
                for test in yaml.safe_load(path.read_text(encoding="utf-8"))["unit_tests"]}
    tested = subprocess.run(
        [dbt_resource().dbt_executable, "test", "--select", "test_type:unit", "--project-dir", str(DBT_DIR),
         "--profiles-dir", str(DBT_DIR), "--target-path", str(tmp_path), "--log-path", str(tmp_path)],
        env={**os.environ, **wh.connect_info().dbt_env()}, capture_output=True, text=True)
    assert tested.returncode == 0, tested.stdout[-3000:]
    results = json.loads((tmp_path / "run_results.json").read_text())["results"]
    assert len(declared) >= 2
    ran = {r["unique_id"].rsplit(".", 1)[-1]: r["status"] for r in results if r["unique_id"].startswith("unit_test.")}
    assert ran == dict.fromkeys(declared, "pass")


def test_the_catalog_list_has_one_filled_row_per_shared_item(demo, tmp_path):
    with wh.connect() as conn:
        shared = set(conn.execute(
            "select table_schema || '.' || table_name, column_name from information_schema.columns"
            " where table_schema = 'share' and column_name not like '\\_%'"
        ).fetchall())
    run("catalog", "export", "--format", "csv", "--output", str(tmp_path / "list.csv"))
    with (tmp_path / "list.csv").open(encoding="utf-8-sig") as listed:
        rows = list(csv.DictReader(listed))
    assert {(r["数据库表"], r["字段名"]) for r in rows} == shared
    assert len(rows) == len(shared)
    assert all(all(str(v).strip() for v in r.values()) for r in rows)
    run("catalog", "export", "--output", str(tmp_path / "list.xlsx"))
    book = openpyxl.load_workbook(tmp_path / "list.xlsx")
    assert book.active.max_row == len(rows) + 1
    from hubei_data.metrics.registry import load_registry

    indicators = list(book["指标目录"].iter_rows(values_only=True))
    assert indicators[0][:4] == ("指标编码", "指标类型", "指标名称", "业务口径")
    assert {r[0] for r in indicators[1:]} == set(load_registry().metrics) and all(r[3] for r in indicators[1:])


def test_catalog_docs_describe_the_share_library(demo):
    page = Path(run("catalog", "docs").stdout.strip().splitlines()[-1])
    assert page.name == "static_index.html" and page.stat().st_size > 100_000
    catalog = json.loads((page.parent / "catalog.json").read_text(encoding="utf-8"))
    table = catalog["nodes"]["model.hubei_data.shr_newborn_vaccination"]
    assert (table["metadata"]["schema"], table["metadata"]["name"]) == ("share", "newborn_vaccination")
    assert "出生一件事" in table["metadata"]["comment"]
    assert table["columns"]["child_id_no"]["comment"].startswith("受种者身份证号")
