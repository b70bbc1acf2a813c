"""A department reports a problem on a share dataset over a signed call; the provider gets a ticket, and the
department follows it."""

from hubei_data.control.audit_trail import Actor
from hubei_data.quality import tickets


def test_a_reported_problem_becomes_a_ticket_for_the_provider_and_its_status_comes_back(service):
    consumer = service.consumer()
    reported = consumer.post("/v1/feedback", {"dataset": "license_info", "record_key": "鄂20160001",
                                              "problem": "有效期与纸质证书不一致"})
    assert reported.status_code == 201, reported.text
    ticket = reported.json()
    assert (ticket["stage"], ticket["owner"], ticket["record_key"]) == ("new", "湖北省药品监督管理局", "鄂20160001")
    with service.connect() as conn:
        held = tickets.one(conn, ticket["ticket_id"])
        assert (held.origin, held.source, held.rule, held.reporter) == (
            "report", "license_info", "feedback", f"api:{consumer.app_key}")
        tickets.move(conn, Actor("t_data_steward", "tests"), held.ticket_id, "in_progress", comment="已核实")
    status = consumer.post("/v1/feedback/status", {"ticket_id": ticket["ticket_id"]})
    assert status.status_code == 200 and (status.json()["stage"], status.json()["stage_name"]) == (
        "in_progress", "整改中")


def test_another_consumers_ticket_and_unknown_datasets_are_refused(service):
    first, second = service.consumer(), service.consumer()
    ticket_id = first.post("/v1/feedback", {"dataset": "penalty_info", "problem": "罚款金额缺失"}).json()["ticket_id"]
    assert second.post("/v1/feedback/status", {"ticket_id": ticket_id}).status_code == 404
    unknown = first.post("/v1/feedback", {"dataset": "no_such_table", "problem": "x"})
    assert unknown.status_code == 404 and "no share dataset 'no_such_table'" in unknown.json()["error"]
    for bad in ({"dataset": "penalty_info"}, {"dataset": "penalty_info", "problem": ""},
                {"dataset": "penalty_info", "problem": "x", "extra": 1}, {"dataset": "penalty_info", "problem": "\x00"}):
        assert first.post("/v1/feedback", bad).status_code in (400, 422), bad
    assert first.post("/v1/feedback/status", {"ticket_id": -1}).status_code in (400, 422)
