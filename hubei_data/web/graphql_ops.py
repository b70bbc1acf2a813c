"""What a Dagster GraphQL document would do: its top-level mutations, the permission each needs, how it is audited.

Only the top-level fields of a mutation change anything, so those are what is classified, through
aliases, inline fragments and fragment spreads. A mutation not listed here is refused: a new Dagster
release cannot add a way to change the platform that nobody decided about.
"""

from dataclasses import dataclass, field

from graphql import GraphQLError, OperationType, parse, print_ast, value_from_ast_untyped
from graphql.language import (
    ArgumentNode,
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    InlineFragmentNode,
    NameNode,
    OperationDefinitionNode,
    SelectionSetNode,
)

from hubei_data.control.audit_chain import Action
from hubei_data.control.permissions import Permission

# Dagster's UI sends documents of a few thousand tokens; far more is an attack on the parser.
MAX_TOKENS = 50_000


class Unreadable(ValueError):
    """Text the proxy cannot read as one GraphQL document: answered 400, never forwarded."""


@dataclass(frozen=True)
class Rule:
    """Who may call a mutation (`permission` None: nobody, for `refused`) and the audit row it gets (None: none)."""

    permission: Permission | None
    action: Action | None = None
    refused: str = ""


_LAUNCH = Rule(Permission.RUN_LAUNCH, Action.RUN_LAUNCH)
# Dry runs evaluate a schedule's or sensor's code, and a reload restarts the code server that launches
# runs: Dagster's own read-only mode refuses both, so they are operators' actions, recorded as access.
_OPERATE = Rule(Permission.RUN_LAUNCH, Action.ACCESS)
_TERMINATE = Rule(Permission.RUN_TERMINATE, Action.RUN_TERMINATE)
_FREEZE = Rule(Permission.RUN_FREEZE, Action.CONFIG_CHANGE)
# The UI's own housekeeping: telemetry (off in dagster.yaml) and which hints a person has seen.
_HOUSEKEEPING = Rule(Permission.RUN_VIEW)

MUTATIONS: dict[str, Rule] = {
    **dict.fromkeys([
        "launchRun", "launchPipelineExecution", "launchMultipleRuns", "launchRunReexecution",
        "launchPipelineReexecution", "launchPartitionBackfill", "reexecutePartitionBackfill",
        "resumePartitionBackfill",
    ], _LAUNCH),
    **dict.fromkeys([
        "sensorDryRun", "scheduleDryRun", "reloadRepositoryLocation", "reloadWorkspace",
        "shutdownRepositoryLocation",
    ], _OPERATE),
    **dict.fromkeys([
        "terminateRun", "terminateRuns", "terminatePipelineExecution", "cancelPartitionBackfill", "deleteRun",
        "deletePipelineRun", "freeConcurrencySlotsForRun", "freeConcurrencySlots",
    ], _TERMINATE),
    **dict.fromkeys([
        "startSchedule", "stopRunningSchedule", "resetSchedule", "startSensor", "stopSensor", "resetSensor",
        "setSensorCursor", "setAutoMaterializePaused",
    ], _FREEZE),
    **dict.fromkeys(["logTelemetry", "setNuxSeen"], _HOUSEKEEPING),
    "wipeAssets": Rule(None, refused="wiping an asset's history would erase the record of what was built"),
    **dict.fromkeys(
        ["reportRunlessAssetEvents", "reportAssetCheckEvaluations"],
        Rule(None, refused="asset events and check results come from runs, not from reports made by hand"),
    ),
    **dict.fromkeys(
        ["addDynamicPartition", "deleteDynamicPartitions"],
        Rule(None, refused="the platform's partitions are declared in its code, none is added by hand"),
    ),
    **dict.fromkeys(
        ["setConcurrencyLimit", "deleteConcurrencyLimit"],
        Rule(None, refused="concurrency limits belong to the platform's configuration"),
    ),
    **dict.fromkeys(
        ["setAppManagedComponent", "deleteAppManagedComponent", "refreshComponentState"],
        Rule(None, refused="the platform's code changes through its repository, not the web"),
    ),
}


@dataclass(frozen=True)
class Mutation:
    """One top-level mutation field: its name, the key its result has in the response, its rule, its arguments."""

    name: str
    response_key: str
    rule: Rule
    arguments: tuple[ArgumentNode, ...] = field(default=(), compare=False, repr=False)

    def argument_values(self, variables: dict | None) -> dict:
        """The arguments as values, variables filled in."""
        return {argument.name.value: value_from_ast_untyped(argument.value, variables) for argument in self.arguments}


@dataclass(frozen=True)
class Document:
    """A parsed document: the mutations it holds, and its text to forward, each audited mutation asking
    for `__typename` so its outcome can be told from the response."""

    text: str
    mutations: tuple[Mutation, ...]

    @property
    def permissions(self) -> frozenset[Permission]:
        """What the caller must hold: reading the UI, and each mutation's permission."""
        return frozenset({Permission.RUN_VIEW, *(m.rule.permission for m in self.mutations if m.rule.permission)})


def rule_of(name: str) -> Rule:
    return MUTATIONS.get(name) or Rule(None, refused=f"the Dagster mutation {name} is not one the platform allows")


def read(text: object) -> Document:
    """The document's mutations; `Unreadable` when it is not one GraphQL document."""
    if not isinstance(text, str):
        raise Unreadable("the GraphQL query must be a string")
    try:
        document = parse(text, no_location=True, max_tokens=MAX_TOKENS)
    except GraphQLError as error:
        raise Unreadable(f"the GraphQL query does not parse: {error.message}") from None
    except RecursionError:
        raise Unreadable("the GraphQL query is nested too deeply") from None
    fragments = {d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)}
    mutations = []
    for definition in document.definitions:
        if isinstance(definition, OperationDefinitionNode) and definition.operation == OperationType.MUTATION:
            for node in _top_fields(definition.selection_set, fragments, set()):
                name = node.name.value
                mutation = Mutation(name, (node.alias or node.name).value, rule_of(name), tuple(node.arguments or ()))
                if mutation.rule.action and node.selection_set:
                    _ask_typename(node.selection_set)
                mutations.append(mutation)
    return Document(_printed(document) if mutations else text, tuple(mutations))


def _top_fields(selection_set: SelectionSetNode, fragments: dict, seen: set[str]) -> list[FieldNode]:
    fields = []
    for selection in selection_set.selections:
        if isinstance(selection, FieldNode):
            if not selection.name.value.startswith("__"):
                fields.append(selection)
        elif isinstance(selection, InlineFragmentNode):
            fields += _top_fields(selection.selection_set, fragments, seen)
        elif isinstance(selection, FragmentSpreadNode):
            name = selection.name.value
            if name not in fragments:
                raise Unreadable(f"the GraphQL query spreads the unknown fragment {name}")
            if name not in seen:
                fields += _top_fields(fragments[name].selection_set, fragments, seen | {name})
    return fields


def _ask_typename(selection_set: SelectionSetNode) -> None:
    asked = any(isinstance(s, FieldNode) and s.name.value == "__typename" and not s.alias for s in selection_set.selections)
    if not asked:
        selection_set.selections = (*selection_set.selections, FieldNode(name=NameNode(value="__typename")))


def _printed(document: DocumentNode) -> str:
    try:
        return print_ast(document)
    except RecursionError:
        raise Unreadable("the GraphQL query is nested too deeply") from None
