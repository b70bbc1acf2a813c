"""dbt data tests, each named after its rule and column and described in words.

dagster-dbt turns every dbt test into an asset check named after the test. dbt's own names
run model, column and arguments together (`accepted_values_res_enterprise_status_________`);
beside the asset it checks, `<rule>_<column>` says enough, and the description says the rule.
"""


def not_null(column: str) -> dict:
    return _test("not_null", column, f"{column} has a value in every row.")


def unique(column: str) -> dict:
    return _test("unique", column, f"No two rows have the same {column}.")


def unique_combination(columns: tuple[str, ...] | list[str]) -> dict:
    return _test(
        "unique_combination", "_".join(columns), f"No two rows have the same {' and '.join(columns)}.",
        columns=list(columns),
    )


def accepted_values(column: str, values: tuple[str, ...]) -> dict:
    return _test("accepted_values", column, f"{column} is one of: {', '.join(values)}.", values=list(values))


def relationships(column: str, model: str, field: str, name_model: bool = False) -> dict:
    """`name_model` tells tests apart when one column refers to several models."""
    subject = f"{column}_{model}" if name_model else column
    return _test(
        "relationships", subject, f"Every {column} is a {field} of {model}.",
        to=f"ref('{model}')", field=field,
    )


def masked(column: str, rule: str, words: str) -> dict:
    return _test("masked", column, f"{column} shows no more than its masking rule lets through: {words}.", rule=rule)


def _test(kind: str, subject: str, description: str, **arguments) -> dict:
    body: dict = {"name": f"{kind}_{subject}", "description": description}
    if arguments:
        body["arguments"] = arguments
    return {kind: body}
