"""The data resource catalog list (数据资源目录清单): one row per shared data item."""

import csv
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Font

from hubei_data.catalog import manifest as m
from hubei_data.metrics.catalog import COLUMNS as METRIC_COLUMNS, KINDS as KIND_NAMES

COLUMNS = (
    ("resource_code", "信息资源代码"),
    ("resource_name", "信息资源名称"),
    ("provider", "信息资源提供方"),
    ("category", "资源分类"),
    ("summary", "信息资源摘要"),
    ("share_type", "共享类型"),
    ("share_conditions", "共享条件"),
    ("consumers", "使用范围"),
    ("share_method", "共享方式"),
    ("update_frequency", "更新周期"),
    ("table", "数据库表"),
    ("item_no", "信息项序号"),
    ("item_name", "信息项名称"),
    ("field", "字段名"),
    ("data_type", "数据类型"),
    ("standard", "数据标准"),
    ("item_share_type", "信息项共享类型"),
    ("masking", "脱敏规则"),
)
FORMATS = ("xlsx", "csv")


def catalog_rows(manifest: dict) -> list[dict]:
    """The catalog list from the dbt manifest's share models."""
    rows = []
    for node in sorted(m.models(manifest, "share"), key=lambda n: m.meta(n)["resource_code"]):
        entry = m.meta(node)
        for number, column in enumerate(m.data_columns(node), start=1):
            item = m.meta(column)
            rows.append({
                **{key: entry[key] for key in (
                    "resource_code", "resource_name", "summary", "provider", "category", "share_type",
                    "share_conditions", "consumers", "share_method", "update_frequency",
                )},
                "table": f"{node['schema']}.{node['alias']}",
                "item_no": number,
                "item_name": item["chinese"],
                "field": column["name"],
                "data_type": column["data_type"],
                "standard": item["standard"],
                "item_share_type": item["share_type"],
                "masking": item["masking"],
            })
    return rows


def write(rows: list[dict], path: Path, fmt: str, metrics: list[dict] = ()) -> None:
    """Write the list with Chinese headings: CSV in UTF-8 with BOM (Excel opens it right), or XLSX,
    which also holds the indicator catalog (指标目录) on a second sheet."""
    headings = [chinese for _, chinese in COLUMNS]
    values = [[row[key] for key, _ in COLUMNS] for row in rows]
    if fmt == "csv":
        with path.open("w", encoding="utf-8-sig", newline="") as out:
            writer = csv.writer(out)
            writer.writerow(headings)
            writer.writerows(values)
        return
    book = Workbook()
    sheet = book.active
    sheet.title = "数据资源目录清单"
    sheet.append(headings)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for line in values:
        sheet.append(line)
    sheet.freeze_panes = "A2"
    if metrics:
        indicators = book.create_sheet("指标目录")
        indicators.append([chinese for _, chinese in METRIC_COLUMNS])
        for cell in indicators[1]:
            cell.font = Font(bold=True)
        for row in metrics:
            indicators.append([KIND_NAMES.get(row[key], row[key]) if key == "kind" else row[key]
                               for key, _ in METRIC_COLUMNS])
        indicators.freeze_panes = "A2"
    book.save(path)
