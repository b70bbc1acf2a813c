"""The probes that read the platform's own records: backups and drills, grants and applications, the data API's
errors, failed runs; each condition appears while the record says so and clears when it no longer does."""

import datetime as dt

import dagster as dg

from hubei_data.ops import probes

NOW = dt.datetime(2026, 12, 3, 9, 0, tzinfo=dt.UTC)


def _found(findings) -> list[tuple[str, str, str, str]]:
    return sorted((c.rule, c.target, c.severity, c.office) for c in findings.conditions)


def test_a_failed_backup_or_a_disagreeing_drill_is_critical_until_the_next_one_is_good(watched):
    with watched.connect() as conn:
        conn.execute("insert into ops.backups (backup_id, requested_by, directory, started_at, status, error) values"
                     " ('b1', 'ops', '/b', %s, 'failed', 'No space left on device')", (NOW,))
        conn.execute("insert into ops.drills (backup_id, kind, target, requested_by, started_at, status, mismatches)"
                     " values ('b0', 'drill', 'scratch', 'ops', %s, 'disagreed', '[\"raw.enterprise\"]')", (NOW,))
        found = probes.backups(conn)
        assert _found(found) == [("backup_failed", "b1", "critical", "运维组"),
                                 ("drill_disagreed", "b0", "critical", "运维组")]
        assert "No space left on device" in found.conditions[0].message
        conn.execute("insert into ops.backups (backup_id, requested_by, directory, started_at, status) values"
                     " ('b2', 'ops', '/b', %s, 'succeeded')", (NOW + dt.timedelta(hours=1),))
        conn.execute("insert into ops.drills (backup_id, kind, target, requested_by, started_at, status)"
                     " values ('b2', 'drill', 'scratch', 'ops', %s, 'matched')", (NOW + dt.timedelta(hours=1),))
        assert probes.backups(conn).conditions == []


def test_grants_ending_soon_remind_their_department_and_old_applications_the_approvers(watched):
    with watched.connect() as conn:
        conn.execute("insert into api.consumers (app_key, name, department, secret_encrypted)"
                     " values ('hd_1', '户籍', '湖北省公安厅', '\\x01')")
        for api, status, until, applied in (("vaccination", "approved", "2026-12-20", NOW - dt.timedelta(days=90)),
                                            ("enterprise", "approved", "2027-06-30", NOW - dt.timedelta(days=90)),
                                            ("license", "pending", "2027-06-30", NOW - dt.timedelta(hours=50)),
                                            ("product", "pending", "2027-06-30", NOW - dt.timedelta(hours=2))):
            conn.execute("insert into api.grants (app_key, api, purpose, valid_from, valid_until, status, applied_at)"
                         " values ('hd_1', %s, '出生一件事', '2026-01-01', %s, %s, %s)", (api, until, status, applied))
        found = probes.grants(conn, NOW)
    assert _found(found) == [("application_pending", "grant 3", "reminder", probes.APPROVERS),
                             ("grant_expiring", "grant 1", "reminder", "湖北省公安厅")]


def test_many_server_errors_of_the_data_api_in_the_last_hour_are_a_warning(watched):
    with watched.connect() as conn:
        conn.execute("insert into api.calls (called_at, api, latency_ms, status)"
                     " select %s, 'vaccination', 10, case when n <= 3 then 500 else 200 end"
                     " from generate_series(1, 30) n", (NOW - dt.timedelta(minutes=5),))
        assert probes.api_errors(conn, NOW).conditions[0].rule == "api_errors"
        assert probes.api_errors(conn, NOW + dt.timedelta(hours=2)).conditions == []


@dg.op
def step(context) -> None:
    if context.run.tags.get("fail") == "yes":
        raise RuntimeError("the source database is down")


@dg.job
def nightly_job():
    step()


def test_a_job_whose_latest_run_failed_is_critical_until_it_runs_clean():
    instance = dg.DagsterInstance.ephemeral()
    nightly_job.execute_in_process(instance=instance, tags={"fail": "yes"}, raise_on_error=False)
    now = dt.datetime.now(dt.UTC)
    assert _found(probes.failed_runs(instance, now)) == [("run_failed", "nightly_job", "critical", "运维组")]
    nightly_job.execute_in_process(instance=instance)
    assert probes.failed_runs(instance, now).conditions == []


def test_a_source_flagging_far_more_rows_than_last_week_is_a_spike(watched):
    from hubei_data.ingest.landing import ensure_landing

    with watched.connect() as conn:
        ensure_landing(conn)
        conn.execute("create schema if not exists quarantine")
        conn.execute("create table quarantine.issues (source text, key text, rule text, detail text,"
                     " batch_id bigint, file text, row_number integer)")
        for source, days_ago, rows, flagged in (("license", 3, 1000, 10), ("license", 0.5, 1000, 300),
                                                 ("penalty", 3, 1000, 100), ("penalty", 0.5, 1000, 110)):
            batch = conn.execute(
                "insert into landing.batches (source, channel, origin, status, row_count, received_at)"
                " values (%s, 'file', %s, 'loaded', %s, %s) returning batch_id",
                (source, f"{source}-{days_ago}", rows, NOW - dt.timedelta(days=days_ago))).fetchone()[0]
            conn.execute("insert into quarantine.issues (source, key, rule, batch_id, row_number)"
                         " select %s, n::text, 'required', %s, n from generate_series(1, %s) n", (source, batch, flagged))
        found = probes.quarantine_spikes(conn, NOW)
    assert _found(found) == [("quarantine_spike", "license", "warning", "运维组")]
    assert "30%" in found.conditions[0].message and "1%" in found.conditions[0].message


def test_a_share_dataset_not_built_within_its_cycle_is_stale():
    from hubei_data.catalog.share import SHARE_DATASETS
    from hubei_data.ops import freshness

    instance = dg.DagsterInstance.ephemeral()
    dataset = SHARE_DATASETS[0]
    instance.report_runless_asset_event(dg.AssetMaterialization(freshness.asset_key(dataset)))
    now = dt.datetime.now(dt.UTC)
    assert _rules_of(freshness.stale_datasets(instance, now)) == []
    later = freshness.stale_datasets(instance, now + freshness.allowed_age(dataset) + dt.timedelta(minutes=1))
    assert _rules_of(later) == [("dataset_stale", freshness.table_name(dataset))]
    assert dataset.update_frequency in later.conditions[0].message


def _rules_of(findings) -> list[tuple[str, str]]:
    return [(c.rule, c.target) for c in findings.conditions]


def test_every_share_dataset_has_a_freshness_check_by_its_cycle_and_a_running_sensor():
    from hubei_data.catalog.share import SHARE_DATASETS
    from hubei_data.ops import freshness

    defs = freshness.freshness_definitions()
    checked = {key for check in defs.asset_checks for key in check.check_keys}
    assert {key.asset_key for key in checked} == {freshness.asset_key(d) for d in SHARE_DATASETS}
    (sensor,) = defs.sensors
    assert sensor.default_status == dg.DefaultSensorStatus.RUNNING


@dg.asset
def penalty_info() -> None:
    pass


@dg.asset_check(asset=penalty_info, name="fines_are_positive")
def fines_are_positive(context) -> dg.AssetCheckResult:
    return dg.AssetCheckResult(passed=context.run.tags.get("broken") != "yes", severity=dg.AssetCheckSeverity.ERROR)


@dg.asset_check(asset=penalty_info, name="names_look_usual")
def names_look_usual() -> dg.AssetCheckResult:
    return dg.AssetCheckResult(passed=False, severity=dg.AssetCheckSeverity.WARN)


def test_an_error_check_that_failed_last_is_an_alert_and_a_warning_check_stays_in_the_ui():
    instance = dg.DagsterInstance.ephemeral()
    keys = [fines_are_positive.check_key, names_look_usual.check_key]
    dg.materialize([penalty_info, fines_are_positive, names_look_usual], instance=instance, tags={"broken": "yes"},
                   raise_on_error=False)
    found = probes.failed_checks(instance, keys)
    assert _rules_of(found) == [("check_failed", "penalty_info:fines_are_positive")]
    assert found.samples[0].value == 2
    dg.materialize([penalty_info, fines_are_positive, names_look_usual], instance=instance)
    assert probes.failed_checks(instance, keys).conditions == []


def test_a_feed_the_bureau_has_not_acknowledged_after_an_error_is_critical(watched):
    with watched.connect() as conn:
        conn.execute("insert into exchange.bureau_batches (batch_id, feed, run_id, records, status, attempts,"
                     " last_error) values ('b-1', 'penalty', 'r', 10, 'pending', 3, 'HTTP 503'),"
                     " ('b-2', 'drug_sampling', 'r', 10, 'pending', 0, null),"
                     " ('b-3', 'cosmetic_filing', 'r', 10, 'acknowledged', 2, 'HTTP 500')")
        found = probes.bureau_pushes(conn)
    assert _found(found) == [("bureau_push_failed", "penalty", "critical", "运维组")]
    assert "HTTP 503" in found.conditions[0].message


def test_licences_ending_within_a_month_remind_the_owner_of_the_licence_source_once(watched):
    with watched.connect() as conn:
        conn.execute("create schema if not exists resource")
        conn.execute("create table resource.license (license_no text, valid_until date, status text)")
        conn.execute("insert into resource.license values ('L1', '2026-12-20', '有效'), ('L2', '2026-12-25', '有效'),"
                     " ('L3', '2026-12-10', '注销'), ('L4', '2027-06-01', '有效')")
        found = probes.licences_expiring(conn, NOW)
    assert _found(found) == [("licences_expiring", "license", "reminder", "省药监局")]
    assert "2 张" in found.conditions[0].message and "2026-12-20" in found.conditions[0].message
