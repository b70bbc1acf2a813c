"""The data standards in words people read: one row per data element, one per code list value of each version,
one per code list version with what it added and removed."""

from hubei_data.registry.code_list_history import changes
from hubei_data.registry.contents import Registry
from hubei_data.registry.standards import CHECKS, Element, Format

TYPE_WORDS = {"text": "字符型", "date": "日期型", "timestamp": "日期时间型", "integer": "整数型", "decimal": "数值型"}
ELEMENT_COLUMNS = (
    ("element", "标识符"), ("chinese", "中文名称"), ("english", "英文名称"), ("definition", "定义"),
    ("type", "数据类型"), ("length", "长度"), ("format", "格式"), ("check", "校验"), ("values", "值域"),
    ("range", "取值范围"), ("example", "示例"), ("standard", "标准"),
)
VALUE_COLUMNS = (
    ("code_list", "代码集"), ("chinese", "代码集名称"), ("standard", "标准"), ("version", "版本"),
    ("effective", "生效日期"), ("current", "现行"), ("code", "代码"), ("name", "名称"), ("label", "对接值"),
)
VERSION_COLUMNS = (
    ("code_list", "代码集"), ("chinese", "代码集名称"), ("version", "版本"), ("effective", "生效日期"),
    ("current", "现行"), ("count", "代码数"), ("added", "新增"), ("removed", "删除"),
)


def element_rows(registry: Registry) -> list[dict]:
    """Every data element with its format, check, values and range spelled out, as the XLSX and `show` give them."""
    return [_element_row(registry, name, element) for name, element in registry.elements.items()]


def code_value_rows(registry: Registry) -> list[dict]:
    """Every value of every version of every code list, each with its version, the day it took effect, whether it
    is current, and the list's standard."""
    return [
        {"code_list": name, "chinese": listed.chinese, "standard": _standard(registry, listed.standard),
         "version": version.version, "effective": version.effective, "current": _yes(version is listed.current),
         "code": value.code, "name": value.name, "label": value.label}
        for name, listed in registry.code_lists.items()
        for version in listed.versions
        for value in version.values
    ]


def version_rows(registry: Registry, only: str | None = None) -> list[dict]:
    """Every version of every code list (or of the list `only`), oldest first, with the values it added and
    removed against the version before it."""
    return [
        {"code_list": name, "chinese": listed.chinese, "version": change.version.version,
         "effective": change.version.effective, "current": _yes(change.current),
         "count": len(change.version.values), "added": _listed(change.added), "removed": _listed(change.removed)}
        for name, listed in registry.code_lists.items() if only in (None, name)
        for change in changes(listed)
    ]


def _listed(values) -> str | None:
    return "、".join(value.code + (f" {value.name}" if value.name else "") for value in values) or None


def _yes(flag: bool) -> str:
    return "是" if flag else "否"


def _element_row(registry: Registry, name: str, element: Element) -> dict:
    return {
        "element": name,
        "chinese": element.chinese,
        "english": element.english,
        "definition": element.definition,
        "type": TYPE_WORDS[element.type],
        "length": element.length,
        "format": "\n".join(_format(each) for each in element.formats) or None,
        "check": CHECKS.get(element.check),
        "values": _values(registry, name),
        "range": _range(element),
        "example": element.example,
        "standard": _standard(registry, element.standard),
    }


def _format(declared: Format) -> str:
    scope = f"{declared.when.element}为{declared.when.value}时：" if declared.when else ""
    return f"{scope}{declared.pattern}（{declared.shape}）"


def _values(registry: Registry, name: str) -> str | None:
    allowed = registry.allowed_values(name)
    if allowed is None:
        return None
    element = registry.elements[name]
    listed = registry.code_lists[element.code_list]
    return f"{'、'.join(allowed)}（代码集 {element.code_list}，版本 {listed.version}）"


def _range(element: Element) -> str | None:
    if element.minimum is None and element.maximum is None:
        return None
    low = "" if element.minimum is None else f"{element.minimum:g}"
    high = "" if element.maximum is None else f"{element.maximum:g}"
    return f"{low}–{high}" if low and high else f"≥ {low}" if low else f"≤ {high}"


def _standard(registry: Registry, name: str) -> str:
    standard = registry.standards[name]
    return f"{standard.code} {standard.chinese}"
