"""The source contracts and the data standards state the same facts: every column names a data element, and its
rules enforce exactly the type, length, format, check, values and range that element states."""

import re

import pytest

from hubei_data import registry
from hubei_data.contracts import SOURCES, model as m, standards

DECLARED = registry.load()
COLUMNS = [(source, column) for source in SOURCES.values() for column in source.columns]
NAMES = [f"{source.name}.{column.name}" for source, column in COLUMNS]
CHECKED_BY = {"uscc_check": standards.uscc_valid, "id_check": standards.resident_id_valid,
              "hubei_division": standards.hubei_division_valid}


def _rules(column: m.Column, kind: type) -> list:
    return [rule for rule in column.rules if isinstance(rule, kind)]


@pytest.mark.parametrize(("source", "column"), COLUMNS, ids=NAMES)
def test_every_column_names_a_declared_element(source, column):
    assert column.element in DECLARED.elements


@pytest.mark.parametrize(("source", "column"), COLUMNS, ids=NAMES)
def test_a_columns_type_length_and_code_are_its_elements(source, column):
    element = DECLARED.elements[column.element]
    assert (column.type, column.length, column.code) == (element.type, element.length, element.code)


@pytest.mark.parametrize(("source", "column"), COLUMNS, ids=NAMES)
def test_a_columns_patterns_are_its_elements_formats(source, column):
    def scope(when):
        named = [other.name for other in source.columns if other.element == when.element]
        assert len(named) == 1, f"{source.name} needs one column of element {when.element} for {column.name}"
        return named[0], when.value

    element = DECLARED.elements[column.element]
    assert [(rule.label, rule.regex, rule.shape, rule.when) for rule in _rules(column, m.Pattern)] == [
        (column.element, declared.pattern, declared.shape, declared.when and scope(declared.when))
        for declared in element.formats]


@pytest.mark.parametrize(("source", "column"), COLUMNS, ids=NAMES)
def test_a_columns_standard_check_is_its_elements(source, column):
    checks = {rule.name for rule in _rules(column, (m.Uscc, m.ResidentId, m.HubeiDivision))}
    element = DECLARED.elements[column.element]
    assert checks == ({element.check} if element.check else set())


@pytest.mark.parametrize(("source", "column"), COLUMNS, ids=NAMES)
def test_a_columns_accepted_values_are_its_elements_code_list_values(source, column):
    allowed = DECLARED.allowed_values(column.element)
    assert [rule.values for rule in _rules(column, m.OneOf)] == ([allowed] if allowed is not None else [])


@pytest.mark.parametrize(("source", "column"), COLUMNS, ids=NAMES)
def test_a_columns_range_is_its_elements(source, column):
    element = DECLARED.elements[column.element]
    bounded = element.minimum is not None or element.maximum is not None
    assert [(rule.low, rule.high) for rule in _rules(column, m.Between)] == (
        [(element.minimum, element.maximum)] if bounded else [])


@pytest.mark.parametrize("name", [name for name, element in DECLARED.elements.items() if element.example])
def test_an_elements_example_is_valid_as_the_platform_checks_it(name):
    element = DECLARED.elements[name]
    example = element.example
    assert standards.standardise(example, code=element.code) == example
    assert element.length is None or len(example) == element.length
    assert not element.formats or any(re.fullmatch(declared.pattern, example) for declared in element.formats)
    assert element.check is None or CHECKED_BY[element.check](example)


def test_the_sex_element_allows_the_labels_of_gb_t_2261_1_male_and_female():
    assert DECLARED.allowed_values("sex") == ("男", "女")
    assert DECLARED.code_lists["sex"].version == "2003"
