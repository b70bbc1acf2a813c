"""`hubei-data report weekly` and `annual` as a person runs them: the paths written, or one line saying why not."""

from hubei_data.reports.periods import Week, today
from tests.people import invoke
from tests.reports.sharing_week import a_week_of_sharing
from tests.reports.workbooks import sheet


def test_the_weekly_report_of_a_chosen_week_goes_to_the_reports_folder(reporting):
    with reporting.connect() as conn:
        a_week_of_sharing(conn)
    ran = invoke(["report", "weekly", "--week", "2026-W48"], target=reporting.info)
    assert ran.exit_code == 0, ran.output
    assert ran.output.splitlines() == [str(reporting.folder / f"政务信息共享情况周报-2026-W48.{kind}")
                                       for kind in ("html", "xlsx")]
    assert sheet(reporting.folder / "政务信息共享情况周报-2026-W48.xlsx", "共享推送")[2][6] == 150
    [(target, outcome, detail)] = reporting.exports()
    assert (target, outcome, detail["rows"]) == ("report 政务信息共享情况周报-2026-W48", "success", 16)


def test_without_a_week_it_is_the_last_full_one(reporting, tmp_path):
    ran = invoke(["report", "weekly", "--output", str(tmp_path / "elsewhere")], target=reporting.info)
    assert ran.exit_code == 0, ran.output
    assert ran.output.splitlines()[0] == str(tmp_path / "elsewhere" / f"政务信息共享情况周报-{Week.last_complete().label}.html")


def test_a_week_that_is_not_one_is_refused_in_one_line(reporting):
    ran = invoke(["report", "weekly", "--week", "2026-W60"], target=reporting.info)
    assert (ran.exit_code, ran.output) == (1, "Error: '2026-W60': 2026 has no week 60\n")


def test_a_full_disk_is_one_line_and_leaves_no_file(reporting, tiny_filesystem):
    folder = tiny_filesystem(64)
    with reporting.connect() as conn:
        a_week_of_sharing(conn)
    ran = invoke(["report", "weekly", "--week", "2026-W48", "--output", str(folder)], target=reporting.info)
    assert ran.exit_code == 1
    [line] = ran.output.splitlines()
    assert line.startswith(f"Error: cannot write {folder}/政务信息共享情况周报-2026-W48.")
    assert line.endswith(": No space left on device")
    assert list(folder.iterdir()) == []


def test_the_annual_report_reads_the_runs_the_dagster_ui_shows(reporting):
    ran = invoke(["report", "annual"], target=reporting.info)
    assert ran.exit_code == 0, ran.output
    page, workbook = ran.output.splitlines()
    assert page == str(reporting.folder / f"年度运维报告-{today().year}.html")
    assert sheet(workbook, "作业运行")[1] == ("本年没有作业运行记录。", None, None, None, None, None, None)
