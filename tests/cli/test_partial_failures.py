"""Commands that finish their work but find something wrong end with what was wrong, in one line, and exit 1."""

import json

from stdnum.cn import uscc

from hubei_data.exchange.bureau import Record
from tests.people import invoke


def test_reconcile_ends_with_the_feeds_whose_holdings_differ(migrated_database, use_warehouse, bureau_server,
                                                             monkeypatch):
    bureau = bureau_server()
    base = "91420100MA0000001"
    case = {"case_no": "鄂药监罚〔2026〕1号", "uscc": base + uscc.calc_check_digit(base), "enterprise_name": "企业",
            "decided_on": "2026-10-01"}
    receipt = bureau.client().send_batch("penalty", "b-1", [
        Record(case["case_no"], "0" * 32, json.dumps(case, ensure_ascii=False))])
    assert receipt.rejected == {}
    monkeypatch.setenv("HUBEI_DATA_BUREAU_URL", bureau.url)
    monkeypatch.setenv("HUBEI_DATA_BUREAU_APP_KEY", bureau.app_key)
    monkeypatch.setenv("HUBEI_DATA_BUREAU_APP_SECRET", bureau.secret)
    use_warehouse(migrated_database("reconcile"))
    result = invoke(["push", "reconcile", "--feed", "penalty", "--feed", "drug_sampling"])
    assert result.exit_code == 1
    assert result.stderr.strip() == ("Error: the bureau's holdings differ from its acknowledgements: "
                                     "penalty (0 missing at the bureau, 1 unknown to us, 0 different)")
    assert "penalty" in result.stdout and "drug_sampling" in result.stdout


def test_ingest_ends_with_every_rejected_file_and_why(migrated_database, hubei_data, tmp_path):
    folder = tmp_path / "landing_in" / "enterprise"
    folder.mkdir(parents=True)
    (folder / "a_columns.csv").write_text("name,phone\n某公司,123\n", encoding="utf-8")
    (folder / "b_binary.csv").write_bytes(b"\x00\x01\x02PK\x03\x04 not a table")
    process = hubei_data(migrated_database("ingest"), "ingest", str(folder), "--no-build")
    last = process.stderr.strip().splitlines()[-1]
    assert process.returncode == 1, process.stderr
    assert last.startswith(f"Error: 2 of 2 files rejected: {folder / 'a_columns.csv'}: rejected: ")
    assert f"; {folder / 'b_binary.csv'}: rejected: " in last
    assert "Traceback" not in process.stderr and "Stack Trace" not in process.stderr
