"""contacts.yaml: the shipped example loads, and what cannot be used is refused naming the office."""

import pytest

from hubei_data.ops import contacts


def test_the_example_names_the_operations_office_and_the_departments_of_the_subscriptions():
    from hubei_data.exchange.subscription import load_subscriptions

    offices = contacts.load(contacts.ROOT / "contacts.example.yaml")
    assert offices[contacts.OPERATIONS].webhook_env == "HUBEI_DATA_WEBHOOK_OPS"
    assert {s.department for s in load_subscriptions()} <= set(offices)


def test_no_file_means_no_one_is_told(tmp_path):
    assert contacts.load(tmp_path / "contacts.yaml") == {}


@pytest.mark.parametrize(("text", "said"), [
    ("运维组:\n  emails: [ops]\n", "not an e-mail address: ops"),
    ("运维组:\n  webhook_env: https://qyapi.weixin.qq.com/x?key=secret\n", "names an environment variable"),
    ("运维组:\n  phone: 110\n", "give emails"),
    ("- a\n- b\n", "office names mapping"),
    ("运维组: [\n", "not YAML"),
])
def test_what_cannot_be_used_is_refused_with_the_office_and_why(tmp_path, text, said):
    path = tmp_path / "contacts.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(contacts.ContactsError, match=said):
        contacts.load(path)
