"""The subject library (主体库): 一企一档, 一品一档 and the child immunisation profile."""

from hubei_data.catalog.items import (
    CONDITIONAL,
    DIVISION,
    NOT_SHARED,
    Item,
    count,
    flag,
    from_source,
)
from hubei_data.catalog.models import Model

ENTERPRISE_PROFILE = Model(
    name="sub_enterprise_profile",
    chinese="一企一档（企业画像）",
    description=(
        "One row per enterprise of the register (统一社会信用代码, standardised so full-width, "
        "half-width and lower-case spellings are one enterprise), with its current licences, the "
        "products it holds, its last inspection, sampling, penalties and warning flags as of the "
        "build day."
    ),
    key=("uscc",),
    items=(
        from_source("enterprise", "uscc"),
        from_source("enterprise", "name"),
        from_source("enterprise", "legal_rep", personal="name"),
        from_source("enterprise", "address"),
        from_source("enterprise", "division_code"),
        Item("division_name", "行政区划名称", "text", DIVISION),
        from_source("enterprise", "enterprise_type"),
        from_source("enterprise", "established_on"),
        from_source("enterprise", "status"),
        count("current_license_count", "现行有效许可证数", "Licences with status 有效 not past their validity."),
        Item(
            "current_licenses", "现行有效许可证", "jsonb", "JSON 数组：许可证编号、证照类型、发证日期、有效期至",
            description="Each current licence: license_no, license_type, issued_on, valid_until.", required=True,
        ),
        Item("next_license_expiry", "最近许可证到期日", "date", description="Earliest valid_until of the current licences."),
        count("drug_products", "持有药品品种数", "Drug approvals whose marketing-authorisation holder it is."),
        count("cosmetic_products", "化妆品注册备案数", "Cosmetic filings it registered."),
        count("device_products", "医疗器械注册证数", "Device registrations it holds."),
        count("inspections", "日常监督检查次数"),
        Item("last_inspected_on", "最近检查日期", "date"),
        from_source("inspection", "result", name="last_inspection_result", chinese="最近检查结果", share_type=CONDITIONAL),
        count("sampling_batches", "抽检批次"),
        count("failed_sampling_batches", "抽检不合格批次"),
        Item("last_failed_sampling_on", "最近抽检不合格日期", "date"),
        count("penalty_cases", "行政处罚案件数"),
        from_source("penalty", "fine_yuan", name="fines_yuan", chinese="罚款金额合计(元)", required=True),
        from_source("penalty", "confiscated_yuan", chinese="没收金额合计(元)", required=True),
        Item("last_penalty_on", "最近处罚决定日期", "date"),
        flag("license_expiring_within_90_days", "许可证90日内到期", "A current licence expires within 90 days."),
        flag("failed_sampling_within_12_months", "12个月内抽检不合格", "A failed sampling in the last 12 months."),
        flag("penalised_within_12_months", "12个月内受行政处罚", "A penalty decided in the last 12 months."),
    ),
)

PRODUCT_PROFILE = Model(
    name="sub_product_profile",
    chinese="一品一档（产品画像）",
    description=(
        "One row per product number across drugs (批准文号), cosmetics (注册证号/备案编号) and "
        "devices (注册证编号), with its holder, validity and sampling history."
    ),
    key=("product_no",),
    items=(
        Item("product_no", "产品编号", "text", "批准文号 / 注册证号 / 备案编号", required=True),
        Item("product_kind", "产品类别", "text", "代码表：药品、化妆品、医疗器械", required=True, accepted=("药品", "化妆品", "医疗器械")),
        Item("product_name", "产品名称", "text", required=True),
        Item("category", "剂型 / 化妆品类别 / 管理类别", "text"),
        from_source("drug_product", "holder_uscc", chinese="持有人统一社会信用代码"),
        Item("holder_name", "持有人名称", "text", description="From the enterprise register when the holder is in it."),
        Item("approved_on", "批准 / 备案日期", "date"),
        from_source("drug_product", "valid_until"),
        flag("is_valid", "是否有效", "Cosmetics: status 有效; drugs and devices: not past valid_until."),
        count("sampling_batches", "抽检批次"),
        count("failed_sampling_batches", "抽检不合格批次"),
        Item("last_sampled_on", "最近抽检日期", "date"),
        Item("last_failed_sampling_on", "最近抽检不合格日期", "date"),
    ),
)

CHILD_IDENTIFIER = Model(
    name="sub_child_identifier",
    chinese="儿童身份标识对照",
    description=(
        "Every birth certificate number and child ID number known, with the child it names. An ID "
        "number is linked to a certificate when a vaccination record carries both and the birth date "
        "inside the ID number is the certificate's; failing that, when exactly one certificate has "
        "the child's name, that birth date and the sex the ID number encodes. The vaccination "
        "interface carries no mother's ID number, so it cannot take part. A number claimed by two "
        "children links nothing."
    ),
    key=("identifier",),
    items=(
        Item("identifier", "标识号码", "text", "出生医学证明编号或公民身份号码", required=True, share_type=NOT_SHARED),
        Item(
            "identifier_kind", "标识类型", "text", "代码表：birth_cert_no、child_id_no", required=True,
            accepted=("birth_cert_no", "child_id_no"),
        ),
        Item("child_key", "儿童标识", "text", "出生医学证明编号，无则公民身份号码", required=True, share_type=NOT_SHARED),
        Item(
            "linked_by", "关联依据", "text", "代码表：same_record、name_birth_date_sex",
            description="How an ID number was linked to its certificate; empty when it was not.",
            accepted=("same_record", "name_birth_date_sex"),
        ),
    ),
)

CHILD_PROFILE = Model(
    name="sub_child_immunisation_profile",
    chinese="儿童预防接种档案",
    description=(
        "One row per child, known by birth certificate number or ID number, joining the birth "
        "certificate and every vaccination: doses per vaccine and whether the first hepatitis B "
        "dose came within 24 hours of birth (records carry dates, so: on the day of birth or the next)."
    ),
    key=("child_key",),
    items=(
        Item("child_key", "儿童标识", "text", "出生医学证明编号，无则公民身份号码", required=True, share_type=NOT_SHARED),
        from_source("birth_certificate", "cert_no", name="birth_cert_no", required=False),
        from_source("vaccination", "child_id_no", personal="id_number"),
        from_source("vaccination", "child_name", personal="name", required=False),
        from_source("birth_certificate", "sex"),
        from_source("birth_certificate", "birth_date", required=False),
        from_source("birth_certificate", "mother_id_no", share_type=NOT_SHARED, personal="id_number"),
        from_source("birth_certificate", "hospital"),
        from_source("birth_certificate", "division_code", name="birth_division_code"),
        flag("has_birth_certificate", "有出生医学证明", "The province issued the child's 出生医学证明."),
        count("vaccination_records", "接种记录数"),
        Item(
            "doses_by_vaccine", "各疫苗接种剂次", "jsonb", "JSON 对象：疫苗编码 → 剂次数",
            description="Doses received per vaccine code.", required=True,
        ),
        Item("first_vaccinated_on", "首次接种日期", "date"),
        Item("last_vaccinated_on", "最近接种日期", "date"),
        Item("hepatitis_b_first_dose_on", "乙肝疫苗首针接种日期", "date"),
        flag(
            "hepatitis_b_first_dose_within_24_hours", "乙肝疫苗首针24小时内及时接种",
            "First hepatitis B dose on the day of birth or the next; false when later or not recorded.",
        ),
    ),
)

SUBJECT_MODELS = (ENTERPRISE_PROFILE, PRODUCT_PROFILE, CHILD_IDENTIFIER, CHILD_PROFILE)
