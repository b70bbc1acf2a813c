"""A wrong data API definition (registry/apis/) is refused whole, naming the file, the API, the field and why."""

import pytest

from hubei_data.api.spec import load_apis
from hubei_data.registry import RegistryError
from tests.registry.breaking import edit as _edit, refusal as _refusal

SAMPLING = "apis/sampling.yaml"
FILE = "registry/apis/sampling.yaml"


def test_a_typo_in_an_api_field_is_refused_with_the_field_it_was_meant_to_be(copy):
    _edit(copy, SAMPLING, "require_any: [uscc]", "requre_any: [uscc]")
    error = _refusal(copy)
    assert str(error) == f"{FILE}: API sampling: requre_any: unknown field; did you mean require_any?"
    assert (error.file, error.entry, error.field) == (FILE, "API sampling", "requre_any")


def test_a_parameter_requiring_one_that_is_not_declared_is_refused(copy):
    _edit(copy, SAMPLING, "require_any: [uscc]", "require_any: [licence]")
    assert str(_refusal(copy)) == f"{FILE}: API sampling: require_any lists parameter names (uscc, sampled_on, result)"


def test_an_api_name_declared_twice_is_refused_where_it_is_declared_again(copy):
    _edit(copy, "apis/vaccination.yaml", "name: vaccination\n", "name: sampling\n")
    assert str(_refusal(copy)) == (
        f"registry/apis/vaccination.yaml: API sampling: name: already declared in {FILE}")


def test_an_api_over_a_dataset_that_is_not_shared_is_refused_without_loading_any(copy):
    _edit(copy, SAMPLING, "dataset: sampling_result", "dataset: sampling_results")
    with pytest.raises(RegistryError) as refused:
        load_apis(copy)
    assert str(refused.value).startswith(f"{FILE}: API sampling: dataset: 'sampling_results' is not a share dataset (")
