"""The password policy at each boundary, argon2 hashing, and hostile input."""

import datetime as dt

import pytest
from argon2 import PasswordHasher
from argon2.profiles import RFC_9106_LOW_MEMORY
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from hubei_data.control.passwords import (
    HASHER,
    PasswordPolicy,
    character_classes,
    check_new_password,
    expired,
    hash_password,
    locked_until,
    session_expired,
    verify_password,
)

# Cheap settings where only the logic is under test; production keeps HASHER.
FAST = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
POLICY = PasswordPolicy()
NOW = dt.datetime(2025, 3, 1, 9, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))
SHORT = "shorter than 8 characters"
FEW_CLASSES = "uses 2 of lower case, upper case, digits and other characters; at least 3"
USERNAME = "equals or contains the user name"


def test_the_defaults_are_the_regulators_rules():
    assert POLICY.model_dump() == {
        "min_length": 8, "min_classes": 3, "expiry_days": 90, "history": 5,
        "lockout_attempts": 5, "lockout_minutes": 30, "idle_minutes": 15,
    }


@pytest.mark.parametrize(("field", "value", "message"), [
    ("min_length", 7, "greater than or equal to 8"),
    ("min_classes", 0, "greater than or equal to 1"),
    ("min_classes", 5, "less than or equal to 4"),
    ("expiry_days", 0, "greater than or equal to 1"),
    ("history", -1, "greater than or equal to 0"),
    ("lockout_attempts", 0, "greater than or equal to 1"),
    ("lockout_minutes", 0, "greater than or equal to 1"),
    ("idle_minutes", 0, "greater than or equal to 1"),
    ("idle_minutes", "soon", "valid integer"),
    ("min_lenght", 12, "Extra inputs are not permitted"),
])
def test_an_invalid_policy_is_refused_naming_the_field_and_the_rule(field, value, message):
    with pytest.raises(ValidationError) as raised:
        PasswordPolicy(**{field: value})
    assert f"{field}\n" in str(raised.value) and message in str(raised.value)


def test_every_rule_at_its_least_strict_is_a_valid_policy():
    PasswordPolicy(min_length=8, min_classes=1, expiry_days=1, history=0, lockout_attempts=1, lockout_minutes=1,
                   idle_minutes=1)


def test_the_policy_cannot_be_changed_in_place():
    with pytest.raises(ValidationError, match="frozen"):
        POLICY.min_length = 4


def test_seven_characters_are_too_few_and_eight_enough():
    assert check_new_password(POLICY, "Abcde1!", [], "zhangsan") == [SHORT]
    assert check_new_password(POLICY, "Abcdef1!", [], "zhangsan") == []


def test_a_longer_minimum_is_enforced():
    assert check_new_password(POLICY.model_copy(update={"min_length": 12}), "Abcdef1!xyz", [], "zs") == [
        "shorter than 12 characters"
    ]


@pytest.mark.parametrize(("password", "classes"), [
    ("abcdefgh", 1), ("abcdefg1", 2), ("ABCDEFG!", 2), ("abcdefG1", 3), ("abcdeG1!", 4), ("密码密码Ab1", 4),
])
def test_character_classes_count_lower_upper_digit_and_other(password, classes):
    assert character_classes(password) == classes


def test_two_classes_are_too_few_and_three_enough():
    assert check_new_password(POLICY, "abcdefg1", [], "zhangsan") == [FEW_CLASSES]
    assert check_new_password(POLICY, "abcdefG1", [], "zhangsan") == []


def test_four_classes_can_be_required():
    policy = PasswordPolicy(min_classes=4)
    assert check_new_password(policy, "abcdefG1", [], "zs") == [
        "uses 3 of lower case, upper case, digits and other characters; at least 4"
    ]
    assert check_new_password(policy, "abcdeG1!", [], "zs") == []


@pytest.mark.parametrize("password", ["Zhangsan1!", "1!ZHANGSAN", "my-zhangsan-Pw1"])
def test_a_password_equal_to_or_containing_the_user_name_is_refused(password):
    assert check_new_password(POLICY, password, [], "ZhangSan") == [USERNAME]


def test_every_reason_is_given_at_once():
    assert check_new_password(POLICY, "li", [], "li") == [
        SHORT, "uses 1 of lower case, upper case, digits and other characters; at least 3", USERNAME,
    ]


def _history(count: int) -> list[str]:
    """Hashes of Old#1pass (the current password) to Old#<count>pass, newest first."""
    return [hash_password(f"Old#{number}pass", FAST) for number in range(1, count + 1)]


def test_the_fifth_latest_password_is_refused_and_the_sixth_allowed():
    history = _history(6)
    assert check_new_password(POLICY, "Old#5pass", history, "zs") == ["one of the last 5 passwords"]
    assert check_new_password(POLICY, "Old#6pass", history, "zs") == []


def test_a_history_of_zero_allows_the_current_password_again():
    assert check_new_password(PasswordPolicy(history=0), "Old#1pass", _history(1), "zs") == []


def test_a_full_width_copy_of_an_old_password_is_the_same_password():
    assert check_new_password(POLICY, "Ｏｌｄ＃１ｐａｓｓ", _history(1), "zs") == ["one of the last 5 passwords"]
    assert verify_password(hash_password("Ａｂｃｄｅｆ１２", FAST), "Abcdef12", FAST).ok


def test_the_same_password_hashes_differently_each_time_and_both_verify():
    first, second = hash_password("Hubei#2025", FAST), hash_password("Hubei#2025", FAST)
    assert first != second
    assert verify_password(first, "Hubei#2025", FAST) == (True, None)
    assert verify_password(second, "Hubei#2025", FAST) == (True, None)
    assert verify_password(first, "hubei#2025", FAST) == (False, None)


def test_production_hashes_are_argon2id_at_least_as_costly_as_rfc_9106():
    assert HASHER.type == RFC_9106_LOW_MEMORY.type
    assert HASHER.time_cost >= RFC_9106_LOW_MEMORY.time_cost
    assert HASHER.memory_cost >= RFC_9106_LOW_MEMORY.memory_cost
    assert hash_password("Hubei#2025").startswith("$argon2id$v=19$m=65536,t=3,p=4$")


def test_a_hash_made_with_weaker_settings_is_replaced_at_a_matching_login():
    weak = hash_password("Hubei#2025", FAST)
    stronger = PasswordHasher(time_cost=2, memory_cost=16, parallelism=1)
    verified = verify_password(weak, "Hubei#2025", stronger)
    assert verified.ok and verified.rehashed.startswith("$argon2id$v=19$m=16,t=2,p=1$")
    assert verify_password(verified.rehashed, "Hubei#2025", stronger) == (True, None)
    assert verify_password(weak, "wrong", stronger) == (False, None)


@pytest.mark.parametrize("stored", ["", "not a hash", "$argon2id$v=19$m=8,t=1,p=1$broken", "'; drop table users; --"])
def test_a_damaged_stored_hash_matches_nothing(stored):
    assert verify_password(stored, "Hubei#2025", FAST) == (False, None)


def test_a_very_long_password_is_checked_hashed_and_verified():
    password = "Ab1!" * 250_000
    assert check_new_password(POLICY, password, _history(5), "zs") == []
    assert verify_password(hash_password(password, FAST), password, FAST).ok
    assert not verify_password(hash_password(password, FAST), password[:-1], FAST).ok


def test_nul_and_control_characters_are_refused_in_a_new_password_but_never_crash_a_login():
    assert check_new_password(POLICY, "Abcdef1!\x00", [], "zs") == [
        "contains control characters, which cannot be typed at a login"
    ]
    stored = hash_password("Abc\x00def1!", FAST)
    assert verify_password(stored, "Abc\x00def1!", FAST).ok
    assert not verify_password(stored, "Abc", FAST).ok


def test_sql_text_as_a_user_name_is_only_text():
    username = "admin'; drop table users; --"
    assert check_new_password(POLICY, "Abcdef1!", [], username) == []
    assert check_new_password(POLICY, f"X1{username}", [], username) == [USERNAME]


@given(password=st.text(max_size=200), username=st.text(max_size=50))
@settings(max_examples=300, deadline=None, database=None)
def test_any_text_gets_a_list_of_reasons_never_an_exception(password, username):
    reasons = check_new_password(POLICY, password, [], username)
    assert isinstance(reasons, list) and all(isinstance(reason, str) for reason in reasons)
    if password.isascii():  # NFKC leaves ASCII alone; elsewhere it may compose or expand characters
        assert (len(password) < 8) == (SHORT in reasons)


def test_a_password_expires_on_the_ninetieth_day():
    changed = NOW - dt.timedelta(days=90)
    assert not expired(POLICY, changed + dt.timedelta(seconds=1), NOW)
    assert expired(POLICY, changed, NOW)
    assert expired(PasswordPolicy(expiry_days=1), NOW - dt.timedelta(days=1), NOW)


def _failures(count: int, start: dt.datetime = NOW) -> list[dt.datetime]:
    return [start + dt.timedelta(seconds=10 * number) for number in range(count)]


def test_four_failures_do_not_lock_and_the_fifth_does_for_thirty_minutes():
    assert locked_until(POLICY, _failures(4), NOW + dt.timedelta(minutes=1)) is None
    fifth = _failures(5)[-1]
    assert locked_until(POLICY, _failures(5), fifth) == fifth + dt.timedelta(minutes=30)


def test_the_lock_holds_at_29_59_and_ends_at_30_00():
    fifth = _failures(5)[-1]
    assert locked_until(POLICY, _failures(5), fifth + dt.timedelta(minutes=29, seconds=59)) is not None
    assert locked_until(POLICY, _failures(5), fifth + dt.timedelta(minutes=30)) is None


def test_failures_while_locked_do_not_count_and_an_ended_lock_gives_fresh_attempts():
    fifth = _failures(5)[-1]
    while_locked = _failures(3, fifth + dt.timedelta(minutes=1))
    after = fifth + dt.timedelta(minutes=31)
    assert locked_until(POLICY, [*_failures(5), *while_locked, *_failures(4, after)], after + dt.timedelta(minutes=1)) \
        is None
    failures = [*_failures(5), *while_locked, *_failures(5, after)]
    assert locked_until(POLICY, list(reversed(failures)), after + dt.timedelta(minutes=1)) == \
        after + dt.timedelta(seconds=40, minutes=30)


def test_lockout_attempts_and_minutes_are_configurable():
    policy = PasswordPolicy(lockout_attempts=3, lockout_minutes=10)
    assert locked_until(policy, _failures(2), NOW + dt.timedelta(minutes=1)) is None
    third = _failures(3)[-1]
    assert locked_until(policy, _failures(3), third) == third + dt.timedelta(minutes=10)


def test_a_session_idle_for_14_59_lives_and_for_15_00_has_ended():
    assert not session_expired(POLICY, NOW - dt.timedelta(minutes=14, seconds=59), NOW)
    assert session_expired(POLICY, NOW - dt.timedelta(minutes=15), NOW)
    assert session_expired(PasswordPolicy(idle_minutes=5), NOW - dt.timedelta(minutes=5), NOW)
