"""dbt docs show the published catalog version of each table and data API: generated against a real warehouse,
the published text is in the page, a later draft's is not, and a table no published entry hangs on says 未发布."""

import json

import psycopg

from hubei_data.catalog import docs, lifecycle
from hubei_data.catalog.docs_overlay import overlay
from hubei_data.control.audit_trail import Actor

PENALTY = "420000-SYJ-GX-0007"
WRITER, REVIEWER = Actor("wang", "tests"), Actor("li", "tests")
PUBLISHED, DRAFT = "已发布的行政处罚信息摘要", "尚在草稿中的行政处罚信息摘要"


def _penalty(conn, **changes):
    entry = lifecycle.versions(conn, PENALTY)[-1].entry
    lifecycle.change(conn, WRITER, entry.model_copy(update=changes))


def test_the_docs_show_the_published_version_not_a_later_draft(share_db, use_warehouse, tmp_path):
    use_warehouse(share_db)
    with psycopg.connect(share_db.url, autocommit=True) as conn:
        _penalty(conn, summary=PUBLISHED, open_attribute="有条件开放")
        lifecycle.submit(conn, WRITER, PENALTY)
        lifecycle.decide(conn, REVIEWER, PENALTY, True, "同意")
        _penalty(conn, summary=DRAFT, name="草稿中的新名称")
        conn.execute("update control.catalog_versions set status = 'superseded'"
                     " where target = 'subject.enterprise_profile'")

    page = docs.generate(tmp_path).read_text(encoding="utf-8")

    assert f"**数据资源目录 {PENALTY}，已发布版本 2**" in page
    assert f"- 摘要：{PUBLISHED}" in page and "- 开放属性：有条件开放" in page
    assert DRAFT not in page and "草稿中的新名称" not in page
    assert "**数据资源目录：未发布**" in page
    assert '"exposure.hubei_data.api_enterprise"' in page
    dbt_own = json.loads((tmp_path / "manifest.json").read_text(encoding="utf-8"))
    assert PUBLISHED not in json.dumps(dbt_own, ensure_ascii=False)


def test_a_published_table_takes_its_entry_and_an_api_is_drawn_after_what_it_reads(share_db):
    from hubei_data.catalog import manifest

    with psycopg.connect(share_db.url, autocommit=True) as conn:
        published = lifecycle.published_versions(conn)
    shown = overlay(manifest.load(), published, {"enterprise": ["shr_enterprise_basic"]})
    penalty = shown["nodes"]["model.hubei_data.shr_penalty_info"]
    assert penalty["meta"]["resource_code"] == PENALTY and penalty["meta"]["catalog_version"] == 1
    assert penalty["config"]["meta"]["open_attribute"] == "不予开放"
    assert penalty["columns"]["uscc"]["meta"]["catalog_item"] == "当事人统一社会信用代码"
    licence = shown["nodes"]["model.hubei_data.res_license"]
    assert licence["meta"]["catalog_version"] == 1, "a resource table shows its published entry too"
    api = shown["exposures"]["exposure.hubei_data.api_enterprise"]
    assert api["depends_on"]["nodes"] == ["model.hubei_data.shr_enterprise_basic"]
    assert "exposure.hubei_data.api_enterprise" in shown["child_map"]["model.hubei_data.shr_enterprise_basic"]
    assert api["label"] == "企业基本信息查询" and "已发布版本 1" in api["description"]
