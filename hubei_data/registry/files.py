"""Reading a registry file: YAML whose every mapping names each key once, or one error naming the file and line."""

from pathlib import Path

import yaml

from hubei_data.registry.errors import RegistryError


class _UniqueKeyLoader(yaml.CSafeLoader):
    """PyYAML keeps the last of two equal keys; in a registry the second would silently replace the first. libyaml
    parses (every command reads the registry as it starts)."""

    def construct_mapping(self, node, deep=False):
        seen = {}
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=deep)
            if key in seen:
                raise yaml.constructor.ConstructorError(
                    None, None, f"{key!r} is declared twice (first on line {seen[key] + 1})", key_node.start_mark)
            seen[key] = key_node.start_mark.line
        return super().construct_mapping(node, deep)


def read(path: Path, shown: str):
    """The YAML document at `path`; `shown` is how errors name the file."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise RegistryError(shown, None, None, f"cannot be read: {error}") from None
    try:
        return yaml.load(text, Loader=_UniqueKeyLoader)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}: " if mark else ""
        raise RegistryError(shown, None, None, f"not valid YAML: {where}{getattr(error, 'problem', None) or error}") \
            from None


def declared(folder: Path) -> list[Path]:
    """The YAML files of a folder that declare entries; files starting with _ hold what the entries share."""
    return sorted(path for path in folder.glob("*.y*ml") if path.suffix in (".yaml", ".yml")
                  and not path.name.startswith("_"))
