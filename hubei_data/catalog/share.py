"""The share library (共享库): one dataset per entry of the sharing list (共享清单)."""

from hubei_data.catalog.items import CONDITIONAL, UNCONDITIONAL, Item, from_source
from hubei_data.catalog.models import Dataset
from hubei_data.catalog.subject import CHILD_PROFILE, ENTERPRISE_PROFILE, PRODUCT_PROFILE

REGULATOR = "湖北省药品监督管理局"
HEALTH = "湖北省卫生健康委员会"
PUBLIC = "无条件共享，省内政务部门按需获取"
ALL_DEPARTMENTS = "省直各部门及市州政务部门"


def _enterprise_name(name: str = "enterprise_name", chinese: str = "企业名称") -> Item:
    return Item(name, chinese, "text", description="From the enterprise register, when the enterprise is in it.")


ENTERPRISE_BASIC = Dataset(
    summary="全省药品、医疗器械、化妆品生产经营企业的登记基本信息，法定代表人姓名脱敏。",
    name="shr_enterprise_basic",
    chinese="药品医疗器械化妆品企业基本信息",
    description="Basic information of every registered enterprise; the legal representative's name masked.",
    key=("uscc",),
    items=(
        *(ENTERPRISE_PROFILE.item(n) for n in ("uscc", "name")),
        ENTERPRISE_PROFILE.item("legal_rep").masked(),
        *(ENTERPRISE_PROFILE.item(n) for n in (
            "address", "division_code", "division_name", "enterprise_type", "established_on", "status",
        )),
    ),
    resource_code="420000-SYJ-GX-0001",
    provider=REGULATOR,
    category="市场监管 / 药品监管 / 企业登记许可",
    share_type=UNCONDITIONAL,
    conditions=PUBLIC,
    consumers=ALL_DEPARTMENTS,
    record_level=False,
)

LICENSE_INFO = Dataset(
    summary="全省药品、医疗器械、化妆品生产经营许可证的编号、持证企业、有效期和状态。",
    name="shr_license_info",
    chinese="药品医疗器械化妆品许可证信息",
    description="Every licence with its holder, validity and status.",
    key=("license_no", "license_type"),
    items=(
        from_source("license", "license_no"),
        from_source("license", "license_type"),
        from_source("license", "uscc", references=("shr_enterprise_basic", "uscc")),
        _enterprise_name(),
        from_source("license", "issued_on"),
        from_source("license", "valid_until"),
        from_source("license", "authority"),
        from_source("license", "status"),
    ),
    resource_code="420000-SYJ-GX-0002",
    provider=REGULATOR,
    category="市场监管 / 药品监管 / 行政许可",
    share_type=UNCONDITIONAL,
    conditions=PUBLIC,
    consumers=ALL_DEPARTMENTS,
)

DRUG_PRODUCT_INFO = Dataset(
    summary="药品批准文号、通用名称、剂型规格、上市许可持有人和有效期。",
    name="shr_drug_product_info",
    chinese="药品品种信息",
    description="Drug approvals (批准文号) with the marketing-authorisation holder and validity.",
    key=("approval_no",),
    items=(
        *(from_source("drug_product", n) for n in ("approval_no", "generic_name", "dosage_form", "spec", "holder_uscc")),
        PRODUCT_PROFILE.item("holder_name"),
        from_source("drug_product", "approved_on"),
        from_source("drug_product", "valid_until"),
        PRODUCT_PROFILE.item("is_valid"),
    ),
    resource_code="420000-SYJ-GX-0003",
    provider=REGULATOR,
    category="市场监管 / 药品监管 / 产品注册",
    share_type=UNCONDITIONAL,
    conditions=PUBLIC,
    consumers=ALL_DEPARTMENTS,
)

COSMETIC_PRODUCT_INFO = Dataset(
    summary="化妆品注册证号和备案编号、产品名称、类别、注册人/备案人和状态。",
    name="shr_cosmetic_product_info",
    chinese="化妆品注册备案信息",
    description="Cosmetic registrations and filings with the registrant; the source of the national cosmetics feed.",
    key=("filing_no",),
    items=(
        *(from_source("cosmetic_filing", n) for n in ("filing_no", "product_name", "category", "registrant_uscc")),
        _enterprise_name("registrant_name", "注册人/备案人名称"),
        from_source("cosmetic_filing", "filed_on"),
        from_source("cosmetic_filing", "status"),
    ),
    resource_code="420000-SYJ-GX-0004",
    provider=REGULATOR,
    category="市场监管 / 化妆品监管 / 注册备案",
    share_type=UNCONDITIONAL,
    conditions=PUBLIC,
    consumers=ALL_DEPARTMENTS,
)

DEVICE_PRODUCT_INFO = Dataset(
    summary="医疗器械注册证编号、产品名称、管理类别、注册人和有效期。",
    name="shr_device_product_info",
    chinese="医疗器械注册证信息",
    description="Medical device registrations with the registrant and validity.",
    key=("reg_no",),
    items=(
        *(from_source("device_registration", n) for n in ("reg_no", "product_name", "device_class", "registrant_uscc")),
        _enterprise_name("registrant_name", "注册人名称"),
        from_source("device_registration", "approved_on"),
        from_source("device_registration", "valid_until"),
        PRODUCT_PROFILE.item("is_valid"),
    ),
    resource_code="420000-SYJ-GX-0005",
    provider=REGULATOR,
    category="市场监管 / 医疗器械监管 / 注册",
    share_type=UNCONDITIONAL,
    conditions=PUBLIC,
    consumers=ALL_DEPARTMENTS,
)

SAMPLING_RESULT = Dataset(
    summary="药品监督抽检的抽样编号、品种、被抽样单位、抽样日期和检验结论。",
    name="shr_sampling_result",
    chinese="药品抽检结果信息",
    description="Every drug sampling with its test conclusion; the source of the national sampling feed.",
    key=("sample_no",),
    items=(
        from_source("sampling", "sample_no"),
        from_source("sampling", "approval_no"),
        from_source("drug_product", "generic_name", required=False),
        from_source("sampling", "uscc"),
        _enterprise_name("enterprise_name", "被抽样单位名称"),
        from_source("sampling", "sampled_on"),
        from_source("sampling", "result"),
        from_source("sampling", "failed_items"),
    ),
    resource_code="420000-SYJ-GX-0006",
    provider=REGULATOR,
    category="市场监管 / 药品监管 / 监督抽检",
    share_type=CONDITIONAL,
    conditions="用于药品安全监管、医保基金监管和公共卫生应急，经省药监局审核同意后共享；不合格结论以公告为准",
    consumers="国家药品监督管理局、省医疗保障局、省卫生健康委员会、省市场监督管理局",
)

PENALTY_INFO = Dataset(
    summary="药品、医疗器械、化妆品行政处罚决定书文号、当事人、违法行为、罚没金额。",
    name="shr_penalty_info",
    chinese="药品医疗器械化妆品行政处罚信息",
    description="Administrative penalty decisions with fines and confiscations; the source of the national penalty feed.",
    key=("case_no",),
    items=(
        from_source("penalty", "case_no"),
        from_source("penalty", "uscc"),
        _enterprise_name("enterprise_name", "当事人名称"),
        *(from_source("penalty", n) for n in ("decided_on", "violation", "fine_yuan", "confiscated_yuan")),
    ),
    resource_code="420000-SYJ-GX-0007",
    provider=REGULATOR,
    category="市场监管 / 药品监管 / 行政处罚",
    share_type=UNCONDITIONAL,
    conditions=PUBLIC,
    consumers=ALL_DEPARTMENTS,
)

NEWBORN_VACCINATION = Dataset(
    summary="省内出生儿童的预防接种记录，供“出生一件事”联办使用，身份证号和姓名脱敏。",
    name="shr_newborn_vaccination",
    chinese="新生儿预防接种记录（出生一件事）",
    description=(
        "Every vaccination of a child born in the province, for the newborn household-registration "
        "joint service (出生一件事); ID number and name masked."
    ),
    key=("record_id",),
    items=(
        from_source("vaccination", "record_id"),
        from_source("birth_certificate", "cert_no", name="birth_cert_no"),
        CHILD_PROFILE.item("child_id_no").masked(),
        CHILD_PROFILE.item("child_name").masked(),
        from_source("birth_certificate", "sex"),
        from_source("birth_certificate", "birth_date"),
        *(from_source("vaccination", n) for n in (
            "vaccine_code", "vaccine_name", "dose_no", "vaccinated_on", "unit_code", "division_code",
        )),
    ),
    resource_code="420000-WJW-GX-0001",
    provider=HEALTH,
    category="卫生健康 / 妇幼健康 / 预防接种",
    share_type=CONDITIONAL,
    conditions="仅用于“出生一件事”联办（出生登记、户口登记、医保参保），须经省卫健委审批并按授权范围使用",
    consumers="省公安厅（户籍管理）、省医疗保障局、省卫生健康委员会",
)

NEWBORN_VACCINATION_LOOKUP = Dataset(
    summary="出生一件事联办部门按身份证号或出生医学证明编号加姓名查询儿童预防接种记录的接口数据，个人信息按授权脱敏。",
    name="shr_newborn_vaccination_lookup",
    chinese="新生儿预防接种记录查询（出生一件事·数据接口）",
    description=(
        "The newborn vaccinations with the child's ID number and name kept whole, so an approved "
        "consumer of the data API can find a child's records by them; served only by the data API, "
        "which masks those fields unless the consumer's grant allows them."
    ),
    key=("record_id",),
    items=tuple(
        CHILD_PROFILE.item(i.name).masked_on_delivery_only() if i.masking else i for i in NEWBORN_VACCINATION.items
    ),
    resource_code="420000-WJW-GX-0002",
    provider=HEALTH,
    category="卫生健康 / 妇幼健康 / 预防接种",
    share_type=CONDITIONAL,
    conditions="仅经审批的数据接口授权访问，用于“出生一件事”联办；个人信息按授权范围脱敏",
    consumers="省公安厅（户籍管理）、省医疗保障局",
    method="数据接口（签名认证、按授权脱敏、调用审计）",
    update_frequency="每日",
)

SHARE_DATASETS = (
    ENTERPRISE_BASIC,
    LICENSE_INFO,
    DRUG_PRODUCT_INFO,
    COSMETIC_PRODUCT_INFO,
    DEVICE_PRODUCT_INFO,
    SAMPLING_RESULT,
    PENALTY_INFO,
    NEWBORN_VACCINATION,
    NEWBORN_VACCINATION_LOOKUP,
)
