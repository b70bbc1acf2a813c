"""Breaking a copied registry on purpose: one edit to one file, and the error loading it then raises."""

import pytest

from hubei_data import registry
from hubei_data.registry import RegistryError


def edit(root, file: str, old: str, new: str) -> None:
    """Replace `old`, which must be in the file exactly once, by `new`."""
    path = root / file
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, f"{old!r} is not once in {file}"
    path.write_text(text.replace(old, new), encoding="utf-8")


def refusal(root) -> RegistryError:
    with pytest.raises(RegistryError) as refused:
        registry.load(root)
    return refused.value
