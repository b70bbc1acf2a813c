"""Reading a GraphQL document finds every top-level mutation, however it is spelled, and what it needs."""

import pytest
from dagster_graphql.schema import create_schema
from graphql import parse

from hubei_data.control.audit_chain import Action
from hubei_data.control.permissions import Permission
from hubei_data.web.graphql_ops import MUTATIONS, Unreadable, read


def _names(text: str) -> list[str]:
    return [mutation.name for mutation in read(text).mutations]


def test_every_mutation_of_the_installed_dagster_is_decided():
    """A Dagster upgrade that adds a mutation shows here; until decided, it is refused like any unknown one."""
    installed = set(create_schema().graphql_schema.mutation_type.fields)
    assert installed == set(MUTATIONS)


@pytest.mark.parametrize(("name", "permission", "action"), [
    ("launchRun", Permission.RUN_LAUNCH, Action.RUN_LAUNCH),
    ("launchPartitionBackfill", Permission.RUN_LAUNCH, Action.RUN_LAUNCH),
    ("reloadWorkspace", Permission.RUN_LAUNCH, Action.ACCESS),
    ("terminateRun", Permission.RUN_TERMINATE, Action.RUN_TERMINATE),
    ("deleteRun", Permission.RUN_TERMINATE, Action.RUN_TERMINATE),
    ("stopSensor", Permission.RUN_FREEZE, Action.CONFIG_CHANGE),
    ("startSchedule", Permission.RUN_FREEZE, Action.CONFIG_CHANGE),
    ("setNuxSeen", Permission.RUN_VIEW, None),
    ("wipeAssets", None, None),
    ("reportRunlessAssetEvents", None, None),
    ("someFutureMutation", None, None),
])
def test_each_mutation_needs_its_permission(name, permission, action):
    (mutation,) = read(f"mutation {{ {name} {{ __typename }} }}").mutations
    assert (mutation.rule.permission, mutation.rule.action) == (permission, action)
    assert bool(mutation.rule.refused) == (permission is None)


def test_queries_and_subscriptions_change_nothing():
    assert _names("query Q { version runsOrError { __typename } }") == []
    assert _names("subscription S { locationStateChangeEvents { __typename } }") == []
    assert read("{ version }").permissions == {Permission.RUN_VIEW}


def test_aliases_fragments_and_several_operations_hide_no_mutation():
    text = """
        query Harmless { version }
        mutation Sneaky($p: ExecutionParams!) {
            innocent: launchRun(executionParams: $p) { __typename }
            ... on Mutation { terminateRun(runId: "r") { __typename } }
            ...Outer
        }
        fragment Outer on Mutation { ...Inner }
        fragment Inner on Mutation { stopSensor(jobOriginId: "o", jobSelectorId: "s") { __typename } ...Outer }
    """
    document = read(text)
    assert [(m.name, m.response_key) for m in document.mutations] == [
        ("launchRun", "innocent"), ("terminateRun", "terminateRun"), ("stopSensor", "stopSensor"),
    ]
    assert document.permissions == {Permission.RUN_VIEW, Permission.RUN_LAUNCH, Permission.RUN_TERMINATE,
                                    Permission.RUN_FREEZE}


def test_an_audited_mutation_is_forwarded_asking_for_its_result_type():
    document = read('mutation { a: launchRun(executionParams: {}) { ... on LaunchRunSuccess { run { runId } } } }')
    launch = parse(document.text).definitions[0].selection_set.selections[0]
    assert [s.name.value for s in launch.selection_set.selections if hasattr(s, "name")] == ["__typename"]
    assert read("{ version }").text == "{ version }"


@pytest.mark.parametrize("text", [
    "{", "mutation { ...Missing }", "query " + "{ a " * 5000 + "}" * 5000, "{ a }" * 20_000, 42, None,
])
def test_what_is_not_one_readable_document_is_refused(text):
    with pytest.raises(Unreadable):
        read(text)
