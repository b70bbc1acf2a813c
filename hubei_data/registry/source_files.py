"""A source's declaration as the YAML file it is kept in: one line per column, so a file reads like its table."""

import yaml


def render(document: dict, comment: str | None = None) -> str:
    """The text of registry/sources/<name>.yaml for a source document (plain dicts and lists, columns in order)."""
    lines = [f"# {line}".rstrip() for line in (comment or "").splitlines()]
    for field, value in document.items():
        if field == "columns":
            lines.append("columns:")
            lines += [f"  {name}: {_flow(column)}" for name, column in value.items()]
        else:
            lines.append(f"{field}: {_flow(value)}")
    return "\n".join(lines) + "\n"


def _flow(value) -> str:
    return yaml.safe_dump(value, allow_unicode=True, default_flow_style=True, sort_keys=False,
                          width=float("inf")).removesuffix("\n...\n").strip()
