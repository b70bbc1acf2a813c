"""A registry file that is wrong is refused whole, in one line naming the file, the entry, the field and why."""

from hubei_data import registry
from tests.registry.breaking import edit as _edit, refusal as _refusal

ELEMENTS = "standards/elements.yaml"
CODE_LISTS = "standards/code_lists.yaml"


def test_the_shipped_registry_loads_whole():
    loaded = registry.load()
    assert {"uscc", "resident_id", "division_code", "sex"} <= set(loaded.elements)
    assert {"gb_11643", "gb_32100", "gb_t_2260", "gb_t_2261_1"} <= set(loaded.standards)


def test_a_typo_in_a_field_name_is_refused_with_the_field_it_was_meant_to_be(copy):
    _edit(copy, ELEMENTS, "  length: 18\n  code: true\n  check: uscc_check",
          "  lenght: 18\n  code: true\n  check: uscc_check")
    error = _refusal(copy)
    assert str(error) == "registry/standards/elements.yaml: element uscc: lenght: unknown field; did you mean length?"
    assert (error.file, error.entry, error.field) == ("registry/standards/elements.yaml", "element uscc", "lenght")


def test_a_length_that_is_not_a_positive_integer_is_refused(copy):
    _edit(copy, ELEMENTS, "  length: 18\n  code: true\n  check: id_check", "  length: 0\n  code: true\n  check: id_check")
    assert str(_refusal(copy)) == (
        "registry/standards/elements.yaml: element resident_id: length: must be a positive integer")


def test_an_element_naming_an_unknown_standard_is_refused(copy):
    _edit(copy, ELEMENTS, "  standard: gb_t_2261_1\n", "  standard: gb_t_2261\n")
    error = _refusal(copy)
    assert str(error).startswith("registry/standards/elements.yaml: element sex: standard:"
                                 " unknown standard 'gb_t_2261'; the standards are: gb_11643, gb_32100,")


def test_an_element_naming_an_unknown_code_list_is_refused(copy):
    _edit(copy, ELEMENTS, "  code_list: license_status\n", "  code_list: licence_status\n")
    assert str(_refusal(copy)).startswith(
        "registry/standards/elements.yaml: element license_status: code_list: unknown code list 'licence_status';")


def test_a_code_list_with_a_code_twice_is_refused(copy):
    _edit(copy, CODE_LISTS, '    - {code: "9", name: 未说明的性别}', '    - {code: "1", name: 未说明的性别}')
    error = _refusal(copy)
    assert str(error) == "registry/standards/code_lists.yaml: code list sex: versions[0].values: duplicate code '1'"


def test_a_code_an_element_allows_missing_from_its_code_list_is_refused(copy):
    _edit(copy, CODE_LISTS, '        - {code: "2", name: 女性, label: 女}\n', "")
    assert str(_refusal(copy)) == ("registry/standards/elements.yaml: element sex: values:"
                                   " code '2' is missing from code list sex version 2003")


def test_a_value_a_format_depends_on_missing_from_the_code_list_is_refused(copy):
    _edit(copy, CODE_LISTS, "        - {code: 化妆品生产许可证}\n", "")
    assert str(_refusal(copy)) == (
        "registry/standards/elements.yaml: element license_no: formats[1].when.value: '化妆品生产许可证' is missing"
        " from the values of element license_type: 药品生产许可证, 药品经营许可证, 医疗器械生产许可证, 医疗器械经营许可证")


def test_formats_that_depend_on_each_other_in_a_cycle_are_refused(copy):
    _edit(copy, ELEMENTS, "  code_list: enterprise_type\n", "  code_list: enterprise_type\n  formats:\n"
          "    - {pattern: '^药', shape: 药…, when: {element: enterprise_status, value: 存续}}\n")
    _edit(copy, ELEMENTS, "  code_list: enterprise_status\n", "  code_list: enterprise_status\n  formats:\n"
          "    - {pattern: '^存', shape: 存…, when: {element: enterprise_type, value: 药品生产}}\n")
    assert str(_refusal(copy)) == ("registry/standards/elements.yaml: element enterprise_type: formats:"
                                   " depends on itself: enterprise_type → enterprise_status → enterprise_type")


def test_a_file_that_is_not_yaml_is_refused_with_its_line(copy):
    _edit(copy, CODE_LISTS, "- version: \"2003\"\n", "- version: \"2003\n")
    error = _refusal(copy)
    assert str(error).startswith("registry/standards/code_lists.yaml: not valid YAML: line ")
    assert (error.entry, error.field) == (None, None)


def test_an_element_declared_twice_is_refused_instead_of_the_second_replacing_the_first(copy):
    path = copy / ELEMENTS
    path.write_text(path.read_text(encoding="utf-8") + "uscc:\n  chinese: 重复\n", encoding="utf-8")
    error = _refusal(copy)
    assert str(error).startswith("registry/standards/elements.yaml: not valid YAML: line ")
    assert "'uscc' is declared twice (first on line" in str(error)


def test_an_entry_whose_name_is_not_a_name_is_refused(copy):
    _edit(copy, ELEMENTS, "\nsex:\n", "\nSex:\n")
    assert str(_refusal(copy)) == ("registry/standards/elements.yaml: element Sex: 'Sex' is not a name:"
                                   " lowercase letters, digits and underscores, starting with a letter")


def test_an_element_without_a_required_field_is_refused(copy):
    _edit(copy, ELEMENTS, "  english: Dose number\n", "")
    assert str(_refusal(copy)) == "registry/standards/elements.yaml: element dose_no: english: required"


def test_an_element_allowing_a_code_twice_is_refused(copy):
    _edit(copy, ELEMENTS, "  values: [II, III]\n", "  values: [II, II]\n")
    assert str(_refusal(copy)) == ("registry/standards/elements.yaml: element device_class: values:"
                                   " must name at least one code, each once")
