"""The ten source layouts of the interface, declared once for the whole platform (docs/sources.md)."""

from hubei_data.contracts.model import (
    After,
    Between,
    BirthDateMatchesId,
    Column,
    ExistsIn,
    HubeiDivision,
    NotFuture,
    OneOf,
    Pattern,
    RequiredWhen,
    ResidentId,
    Source,
    Uscc,
)

DRUG_REGULATOR = "省药监局"
HEALTH_COMMISSION = "省卫健委"

APPROVAL_NO = Pattern(
    "approval_no",
    r"^国药准字[HZSJBTF]C?[0-9]{8}$",
    "国药准字 + one letter of H, Z, S, J, B, T, F, optionally followed by C, + 8 digits",
)
FILING_NO = Pattern(
    "filing_no",
    r"^(国妆特字G[0-9]{8}|国妆特进字J[0-9]{8}|鄂G妆网备字[0-9]{10}|国妆网备进字\(鄂\)[0-9]{10})$",
    "国妆特字G or 国妆特进字J + 8 digits (year + serial); or 鄂G妆网备字 + 10 digits"
    " (year + 6-digit serial); or 国妆网备进字(鄂) + 10 digits",
)
REG_NO = Pattern(
    "reg_no",
    r"^(国械注准|国械注进|国械注许|鄂械注准)[0-9]{4}[23][0-9]{2}[0-9]{4}$",
    "国械注准, 国械注进, 国械注许 or 鄂械注准 + 4-digit year + class digit (2 or 3)"
    " + 2-digit category + 4-digit serial",
)
BIRTH_CERT_NO = Pattern("birth_cert_no", r"^[A-Z][0-9]{9}$", "one letter + 9 digits")
DRUG_PRODUCTION_LICENCE_NO = Pattern(
    "license_no", r"^鄂[0-9]{8}$", "鄂 + 8 digits, e.g. 鄂20160012", when=("license_type", "药品生产许可证")
)
COSMETIC_PRODUCTION_LICENCE_NO = Pattern(
    "license_no", r"^鄂妆[0-9]{8}$", "鄂妆 + 8 digits, e.g. 鄂妆20170003", when=("license_type", "化妆品生产许可证")
)

ENTERPRISE_TYPES = ("药品生产", "药品批发", "药品零售", "化妆品生产", "医疗器械生产", "医疗器械经营")
LICENCE_TYPES = ("药品生产许可证", "药品经营许可证", "化妆品生产许可证", "医疗器械生产许可证", "医疗器械经营许可证")


def _uscc(name: str, chinese: str, required: bool = False, *extra) -> Column:
    return Column(name, chinese, required=required, code=True, length=18, rules=(Uscc(), *extra), element="uscc")


def _division(chinese: str) -> Column:
    return Column("division_code", chinese, code=True, length=6, rules=(HubeiDivision(),), element="division_code")


def _updated_at() -> Column:
    return Column("updated_at", "更新时间", "timestamp", required=True, element="updated_at")


ENTERPRISE = Source(
    name="enterprise",
    chinese="企业基本信息",
    owner=DRUG_REGULATOR,
    system="行政审批/电子证照系统",
    system_english="administrative approval / e-licence system",
    system_code="approval",
    channel="database",
    key=("uscc",),
    columns=(
        _uscc("uscc", "统一社会信用代码", True),
        Column("name", "企业名称", required=True, element="enterprise_name"),
        Column("legal_rep", "法定代表人", element="legal_representative"),
        Column("address", "注册地址", element="registered_address"),
        _division("行政区划代码"),
        Column("enterprise_type", "企业类型", rules=(OneOf(ENTERPRISE_TYPES),), element="enterprise_type"),
        Column("established_on", "成立日期", "date", rules=(NotFuture(),), element="established_on"),
        Column("status", "经营状态", rules=(OneOf(("存续", "注销", "吊销")),), element="enterprise_status"),
        _updated_at(),
    ),
)

LICENSE = Source(
    name="license",
    chinese="许可证",
    owner=DRUG_REGULATOR,
    system="电子证照系统",
    system_english="e-licence system",
    system_code="elicence",
    channel="database",
    key=("license_no", "license_type"),
    columns=(
        Column(
            "license_no",
            "许可证编号",
            required=True,
            code=True,
            rules=(DRUG_PRODUCTION_LICENCE_NO, COSMETIC_PRODUCTION_LICENCE_NO),
            element="license_no",
        ),
        Column("license_type", "证照类型", required=True, rules=(OneOf(LICENCE_TYPES),), element="license_type"),
        _uscc("uscc", "持证企业统一社会信用代码", True, ExistsIn("enterprise", "uscc")),
        Column("issued_on", "发证日期", "date", element="issued_on"),
        Column("valid_until", "有效期至", "date", rules=(After("issued_on"),), element="valid_until"),
        Column("authority", "发证机关", element="issuing_authority"),
        Column("status", "证照状态", rules=(OneOf(("有效", "注销", "过期")),), element="license_status"),
        _updated_at(),
    ),
)

DRUG_PRODUCT = Source(
    name="drug_product",
    chinese="药品品种",
    owner=DRUG_REGULATOR,
    system="国家局下发",
    system_english="distributed by the national bureau",
    system_code="nmpa",
    channel="file",
    key=("approval_no",),
    columns=(
        Column("approval_no", "批准文号", required=True, code=True, rules=(APPROVAL_NO,), element="approval_no"),
        Column("generic_name", "通用名称", required=True, element="generic_name"),
        Column("dosage_form", "剂型", element="dosage_form"),
        Column("spec", "规格", element="specification"),
        _uscc("holder_uscc", "上市许可持有人统一社会信用代码"),
        Column("approved_on", "批准日期", "date", element="approved_on"),
        Column("valid_until", "有效期至", "date", element="valid_until"),
    ),
)

COSMETIC_FILING = Source(
    name="cosmetic_filing",
    chinese="化妆品注册备案",
    owner=DRUG_REGULATOR,
    system="国家局下发",
    system_english="distributed by the national bureau",
    system_code="nmpa",
    channel="file",
    key=("filing_no",),
    columns=(
        Column("filing_no", "注册证号/备案编号", required=True, code=True, rules=(FILING_NO,), element="filing_no"),
        Column("product_name", "产品名称", required=True, element="product_name"),
        Column("category", "类别", rules=(OneOf(("特殊化妆品", "普通化妆品")),), element="cosmetic_category"),
        _uscc("registrant_uscc", "注册人/备案人统一社会信用代码"),
        Column("filed_on", "注册/备案日期", "date", element="filed_on"),
        Column("status", "状态", rules=(OneOf(("有效", "注销")),), element="filing_status"),
    ),
)

DEVICE_REGISTRATION = Source(
    name="device_registration",
    chinese="医疗器械注册证",
    owner=DRUG_REGULATOR,
    system="国家局下发及省级审批",
    system_english="national bureau and provincial approval",
    system_code="nmpa_province",
    channel="file",
    key=("reg_no",),
    columns=(
        Column("reg_no", "注册证编号", required=True, code=True, rules=(REG_NO,), element="reg_no"),
        Column("product_name", "产品名称", required=True, element="product_name"),
        Column("device_class", "管理类别", code=True, rules=(OneOf(("II", "III")),), element="device_class"),
        _uscc("registrant_uscc", "注册人统一社会信用代码"),
        Column("approved_on", "批准日期", "date", element="approved_on"),
        Column("valid_until", "有效期至", "date", element="valid_until"),
    ),
)

INSPECTION = Source(
    name="inspection",
    chinese="日常监督检查",
    owner=DRUG_REGULATOR,
    system="监督检查系统",
    system_english="supervision system",
    system_code="inspection",
    channel="database",
    key=("inspection_id",),
    columns=(
        Column("inspection_id", "检查编号", required=True, element="inspection_id"),
        _uscc("uscc", "被检查企业统一社会信用代码", True),
        Column("inspected_on", "检查日期", "date", rules=(NotFuture(),), element="inspected_on"),
        _division("检查机构行政区划代码"),
        Column("result", "检查结果", rules=(OneOf(("符合", "基本符合", "不符合")),), element="inspection_result"),
        Column("findings", "缺陷项数", "integer", rules=(Between(low=0),), element="finding_count"),
        _updated_at(),
    ),
)

SAMPLING = Source(
    name="sampling",
    chinese="药品抽检",
    owner=DRUG_REGULATOR,
    system="抽检系统",
    system_english="sampling and testing system",
    system_code="sampling",
    channel="file",
    key=("sample_no",),
    columns=(
        Column("sample_no", "抽样编号", required=True, element="sample_no"),
        Column("approval_no", "批准文号", code=True, rules=(APPROVAL_NO,), element="approval_no"),
        _uscc("uscc", "被抽样单位统一社会信用代码", True),
        Column("sampled_on", "抽样日期", "date", element="sampled_on"),
        Column("result", "检验结论", rules=(OneOf(("合格", "不合格")),), element="sampling_result"),
        Column("failed_items", "不合格项目", rules=(RequiredWhen("result", "不合格"),), element="failed_items"),
    ),
)

PENALTY = Source(
    name="penalty",
    chinese="行政处罚",
    owner=DRUG_REGULATOR,
    system="执法办案系统",
    system_english="enforcement system",
    system_code="enforcement",
    channel="database",
    key=("case_no",),
    columns=(
        Column("case_no", "处罚决定书文号", required=True, element="case_no"),
        _uscc("uscc", "当事人统一社会信用代码", True),
        Column("decided_on", "处罚决定日期", "date", element="decided_on"),
        Column("violation", "违法行为", element="violation"),
        Column("fine_yuan", "罚款金额(元)", "decimal", rules=(Between(low=0),), element="fine_amount"),
        Column("confiscated_yuan", "没收金额(元)", "decimal", rules=(Between(low=0),), element="confiscated_amount"),
        _updated_at(),
    ),
)

VACCINATION = Source(
    name="vaccination",
    chinese="预防接种记录",
    owner=HEALTH_COMMISSION,
    system="免疫规划信息系统",
    system_english="immunisation information system",
    system_code="immunisation",
    channel="database",
    key=("record_id",),
    one_of_required=("child_id_no", "birth_cert_no"),
    columns=(
        Column("record_id", "接种记录编号", required=True, element="vaccination_record_id"),
        Column("child_id_no", "受种者身份证号", code=True, length=18, rules=(ResidentId(),), element="resident_id"),
        Column("birth_cert_no", "出生医学证明编号", code=True, rules=(BIRTH_CERT_NO,), element="birth_cert_no"),
        Column("child_name", "受种者姓名", required=True, element="person_name"),
        Column("birth_date", "出生日期", "date", rules=(BirthDateMatchesId("child_id_no"),), element="birth_date"),
        Column("vaccine_code", "疫苗编码", required=True, code=True, element="vaccine_code"),
        Column("vaccine_name", "疫苗名称", element="vaccine_name"),
        Column("dose_no", "剂次", "integer", rules=(Between(1, 5),), element="dose_no"),
        Column(
            "vaccinated_on",
            "接种日期",
            "date",
            rules=(After("birth_date", inclusive=True), NotFuture()),
            element="vaccinated_on",
        ),
        Column("unit_code", "接种单位编码", code=True, element="vaccination_unit_code"),
        _division("接种地行政区划代码"),
        _updated_at(),
    ),
)

BIRTH_CERTIFICATE = Source(
    name="birth_certificate",
    chinese="出生医学证明",
    owner=HEALTH_COMMISSION,
    system="妇幼保健信息系统",
    system_english="maternal and child health system",
    system_code="maternal",
    channel="database",
    key=("cert_no",),
    columns=(
        Column("cert_no", "出生医学证明编号", required=True, code=True, rules=(BIRTH_CERT_NO,), element="birth_cert_no"),
        Column("child_name", "新生儿姓名", element="person_name"),
        Column("sex", "性别", rules=(OneOf(("男", "女")),), element="sex"),
        Column("birth_date", "出生日期", "date", required=True, rules=(NotFuture(),), element="birth_date"),
        Column("mother_id_no", "母亲身份证号", code=True, length=18, rules=(ResidentId(),), element="resident_id"),
        Column("hospital", "助产机构", element="midwifery_institution"),
        _division("出生地行政区划代码"),
        _updated_at(),
    ),
)

SOURCES: dict[str, Source] = {
    s.name: s
    for s in (
        ENTERPRISE,
        LICENSE,
        DRUG_PRODUCT,
        COSMETIC_FILING,
        DEVICE_REGISTRATION,
        INSPECTION,
        SAMPLING,
        PENALTY,
        VACCINATION,
        BIRTH_CERTIFICATE,
    )
}
