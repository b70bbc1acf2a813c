"""Data items (信息项): a column's Chinese name, type, data standard, share type and masking."""

from dataclasses import dataclass, replace

from hubei_data.contracts import SOURCES
from hubei_data.contracts.model import Between, Column, HubeiDivision, NotFuture, OneOf, Pattern, ResidentId, Rule, Uscc
from hubei_data.contracts.sources import DECLARED

UNCONDITIONAL, CONDITIONAL, NOT_SHARED = "无条件共享", "有条件共享", "不予共享"
SHARE_TYPES = (UNCONDITIONAL, CONDITIONAL, NOT_SHARED)

# Masking rules by kind of personal field, as std.mask_* apply them in SQL.
MASKING = {
    "id_number": "保留前6位和后4位，其余以*代替",
    "name": "保留姓氏（含复姓），其余以*代替",
    "phone": "保留前3位和后4位，其余以*代替",
}
NO_MASKING = "不脱敏"

USCC = "GB 32100-2015 法人和其他组织统一社会信用代码编码规则"
RESIDENT_ID = "GB 11643-1999 公民身份号码"
DIVISION = "GB/T 2260 中华人民共和国行政区划代码（湖北省）"
DATE = "GB/T 7408 日期，YYYY-MM-DD"
TIMESTAMP = "GB/T 7408 日期时间，YYYY-MM-DD HH:MM:SS"
TEXT = "文本，NFKC 规范化并去除首尾空白"
COUNT = "计数，非负整数"
INTEGER = "整数"
AMOUNT = "金额，人民币元"
FLAG = "逻辑值，true 是 / false 否"
FORMATS = {
    "approval_no": "药品批准文号：国药准字 + H/Z/S/J/B/T/F（可加 C）+ 8 位数字",
    "filing_no": "化妆品注册证号 / 备案编号：国妆特字G、国妆特进字J、鄂G妆网备字、国妆网备进字(鄂)",
    "reg_no": "医疗器械注册证编号：国械注准/进/许、鄂械注准 + 年份 + 类别 + 分类编码 + 流水号",
    "birth_cert_no": "出生医学证明编号：1 位字母 + 9 位数字",
    "license_no": "许可证编号，如 鄂20160012（药品生产）、鄂妆20170003（化妆品生产）",
}
POSTGRES_TYPES = {"text": "text", "date": "date", "timestamp": "timestamp", "integer": "bigint", "decimal": "numeric"}
_VALUE_RULES = (Uscc, ResidentId, HubeiDivision, NotFuture, Between)
_CHECK_STANDARDS = {"uscc_check": USCC, "id_check": RESIDENT_ID, "hubei_division": DIVISION}
_TYPE_STANDARDS = {"date": DATE, "timestamp": TIMESTAMP, "integer": INTEGER, "decimal": AMOUNT}


@dataclass(frozen=True)
class Item:
    """One column of a subject or share model, as the catalog lists it.

    `personal` names the kind of personal data a column holds (a key of MASKING);
    `masking` is the rule a share model applies to it, or with `masked_on_delivery` the rule
    the data API applies when it answers; `rules` are the source contract's rules on one value
    that still hold here, which pandera checks; `length` is the most characters the source allows;
    `element` is the source column's data element (数据元), whose standard and code list dbt docs name.
    """

    name: str
    chinese: str
    data_type: str
    standard: str = TEXT
    description: str = ""
    share_type: str = UNCONDITIONAL
    personal: str | None = None
    masking: str | None = None
    required: bool = False
    accepted: tuple[str, ...] = ()
    references: tuple[str, str] | None = None
    rules: tuple[Rule, ...] = ()
    masked_on_delivery: bool = False
    length: int | None = None
    element: str | None = None

    def __post_init__(self) -> None:
        if self.share_type not in SHARE_TYPES:
            raise ValueError(f"item {self.name}: share type {self.share_type!r} is not one of {SHARE_TYPES}")
        for kind in (self.personal, self.masking):
            if kind is not None and kind not in MASKING:
                raise ValueError(f"item {self.name}: {kind!r} is not a masking rule ({', '.join(MASKING)})")

    @property
    def masking_words(self) -> str:
        """The masking rule in words, as the catalog lists it (不脱敏 when none applies)."""
        if not self.masking:
            return NO_MASKING
        if self.masked_on_delivery:
            return f"数据接口按授权脱敏：{MASKING[self.masking]}"
        return MASKING[self.masking]

    def masked(self) -> "Item":
        """This item as a share model shows it: masked by the rule for its kind of personal data."""
        rule = MASKING[self.personal]
        return replace(self, masking=self.personal, standard=f"{self.standard}（脱敏：{rule}）", rules=())

    def masked_on_delivery_only(self) -> "Item":
        """This item kept whole in the share model, for a dataset only the data API serves:
        the API masks it by the same rule unless the consumer's grant allows personal fields."""
        rule = MASKING[self.personal]
        return replace(self, masking=self.personal, masked_on_delivery=True,
                       standard=f"{self.standard}（按授权脱敏：{rule}）")


def standard_of(column: Column) -> str:
    """The data standard a source column follows, as the catalog names it."""
    for rule in column.rules:
        if isinstance(rule, Uscc):
            return USCC
        if isinstance(rule, ResidentId):
            return RESIDENT_ID
        if isinstance(rule, HubeiDivision):
            return DIVISION
        if isinstance(rule, Pattern) and rule.label in FORMATS:
            return FORMATS[rule.label]
        if isinstance(rule, OneOf):
            return code_list(rule.values)
    return _element_standard(column.element) or _TYPE_STANDARDS.get(column.type, TEXT)


def code_list(values: tuple[str, ...]) -> str:
    """The standard of an item that takes only the listed values."""
    return "代码表：" + "、".join(values)


def _element_standard(name: str | None) -> str | None:
    """The standard a column's data element checks or formats by, for a column whose rules do not say it yet:
    a source registered from a harvest names its elements before the data steward writes their rules."""
    element = DECLARED.elements.get(name) if name else None
    if element is None:
        return None
    return _CHECK_STANDARDS.get(element.check) or FORMATS.get(name)


def from_source(source: str, column_name: str) -> Item:
    """The item as a source contract declares it."""
    column = SOURCES[source].column(column_name)
    accepted = next((r.values for r in column.rules if isinstance(r, OneOf)), ())
    return Item(
        name=column_name,
        chinese=column.chinese,
        data_type=POSTGRES_TYPES[column.type],
        standard=standard_of(column),
        required=column.required,
        accepted=accepted,
        length=column.length,
        element=column.element,
        rules=tuple(r for r in column.rules if isinstance(r, _VALUE_RULES) or (isinstance(r, Pattern) and not r.when)),
    )

