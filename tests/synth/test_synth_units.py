"""The building blocks: valid and broken identifiers, document numbers, noise that standardises away."""

import datetime as dt
import random
import re

import pytest

from hubei_data.contracts import source
from hubei_data.contracts.model import Pattern
from hubei_data.contracts.standards import (
    parse_date,
    parse_timestamp,
    resident_id_birth_date,
    resident_id_valid,
    standardise,
    uscc_valid,
)
from hubei_data.synth import defects, divisions, documents, generate, identifiers, noise, vocabulary
from hubei_data.synth.render import TEXT_STYLES, date_text, timestamp_text


def _format(source_name: str, column: str):
    """The one format a source's column is declared with (registry/sources/)."""
    (rule,) = [rule for rule in source(source_name).column(column).rules if isinstance(rule, Pattern)]
    return rule


APPROVAL_NO, FILING_NO = _format("drug_product", "approval_no"), _format("cosmetic_filing", "filing_no")
REG_NO, BIRTH_CERT_NO = _format("device_registration", "reg_no"), _format("birth_certificate", "cert_no")


@pytest.fixture
def rng() -> random.Random:
    return random.Random("units")


def test_usccs_are_valid_and_broken_ones_are_not(rng):
    for _ in range(500):
        code = identifiers.new_uscc(rng, "420111")
        assert uscc_valid(code) and code.startswith("91420111")
        broken = identifiers.broken_uscc(rng, code)
        assert len(broken) == 18 and not uscc_valid(broken)


def test_resident_ids_carry_the_birth_date_and_broken_ones_keep_it(rng):
    born = dt.date(2024, 2, 29)
    for _ in range(200):
        number = identifiers.resident_id(rng, "420102", born, male=rng.random() < 0.5)
        assert resident_id_valid(number) and resident_id_birth_date(number) == born
        broken = identifiers.broken_resident_id(rng, number)
        assert not resident_id_valid(broken) and resident_id_birth_date(broken) == born


def test_document_numbers_match_their_patterns_and_malformed_ones_do_not(rng):
    serials = documents.Serials()
    made = {
        APPROVAL_NO: [documents.approval_no(serials, rng, kind, year)
                      for kind in documents.APPROVAL_LETTERS for year in (1999, 2004, 2023)],
        FILING_NO: [documents.filing_no(serials, special, imported, 2022)
                    for special in (True, False) for imported in (True, False)],
        REG_NO: [documents.reg_no(serials, prefix, 2023, "3", "14") for prefix in ("国械注准", "国械注进", "鄂械注准")],
        BIRTH_CERT_NO: [documents.birth_cert_no(serials, year) for year in (2022, 2024)],
    }
    for pattern, numbers in made.items():
        for number in numbers:
            assert re.fullmatch(pattern.regex, number), number
            for _ in range(5):
                assert not re.fullmatch(pattern.regex, documents.malformed(pattern.label, number, rng))
    for kind, regex in (("药品生产许可证", r"^鄂[0-9]{8}$"), ("化妆品生产许可证", r"^鄂妆[0-9]{8}$")):
        number = documents.license_no(serials, kind, 2016, "武汉")
        assert re.fullmatch(regex, number)
        assert not re.fullmatch(regex, documents.malformed("license_no", number, rng))


def test_serials_never_repeat_even_when_a_year_runs_out():
    serials = documents.Serials()
    numbers = [documents.license_no(serials, "药品生产许可证", 2016, "武汉") for _ in range(12000)]
    assert len(set(numbers)) == len(numbers)


@pytest.mark.parametrize("text,code", [("91420100MA4K2X3Y5Q", True), ("国药准字H20043567", True),
                                       ("国妆网备进字(鄂)2021000123", True), ("静注人免疫球蛋白(pH4)", False),
                                       ("II", True), ("武汉康瑞药业有限公司", False), ("420111", True)])
def test_noise_standardises_back(rng, text, code):
    for _ in range(50):
        assert standardise(noise.disguise(text, code, rng), code) == text


def test_every_date_style_parses_back():
    day, moment = dt.date(2024, 1, 5), dt.datetime(2024, 1, 5, 13, 4, 5)
    for style in TEXT_STYLES:
        assert parse_date(standardise(noise.full_width(date_text(day, style)))) == day
        assert parse_timestamp(timestamp_text(moment, style)) == moment


def test_bad_values_really_are_bad():
    assert all(parse_date(standardise(text)) is None for text in defects.BAD_DATES)
    assert all(parse_timestamp(standardise(text)) is None for text in defects.BAD_TIMESTAMPS)
    assert not any(re.fullmatch(r"-?[0-9]+", text) for text in defects.BAD_INTEGERS)
    assert not any(re.fullmatch(r"-?[0-9]+(\.[0-9]+)?", text) for text in defects.BAD_DECIMALS)


def test_every_word_and_place_can_be_written_in_gbk():
    words = [d.place for d in divisions.leaves()] + [d.prefecture_name + "妇幼保健院" for d in divisions.leaves()]
    words += [repr(getattr(vocabulary, name)) for name in dir(vocabulary) if name.isupper()]
    for word in words:
        noise.full_width(word).encode("gbk")


def test_a_tiny_run_on_a_leap_day_works(tmp_path):
    report = generate(tmp_path, scale=0.01, as_of=dt.date(2024, 2, 29), conn=None)
    assert report.total_rows("vaccination") > 0 and all(p.exists() for p in report.files)


def test_a_zero_defect_rate_gives_clean_data(tmp_path):
    report = generate(tmp_path, scale=0.1, as_of=dt.date(2025, 3, 31), conn=None, defect_rate=0)
    assert report.defects == [] and (tmp_path / "_truth.jsonl").read_text() == ""
