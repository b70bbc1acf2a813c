"""The kinds of rule a source contract declares on a column, one module each.

A rule kind's module holds all of it: its SQL for the staging models, its pandera test for the re-check of
what dbt produced, and its parameters for the docs. The tests load pandas and numpy only when first asked for,
so reading the contracts (the CLI, the API) does not.
"""

from hubei_data.contracts.rules.after import After
from hubei_data.contracts.rules.base import Check, Rule
from hubei_data.contracts.rules.between import Between
from hubei_data.contracts.rules.birth_date import BirthDateMatchesId
from hubei_data.contracts.rules.division import HubeiDivision
from hubei_data.contracts.rules.exists_in import ExistsIn
from hubei_data.contracts.rules.not_future import NotFuture
from hubei_data.contracts.rules.one_of import OneOf
from hubei_data.contracts.rules.pattern import Pattern
from hubei_data.contracts.rules.required_when import RequiredWhen
from hubei_data.contracts.rules.resident_id import ResidentId
from hubei_data.contracts.rules.uscc import Uscc

__all__ = ["After", "Between", "BirthDateMatchesId", "Check", "ExistsIn", "HubeiDivision", "NotFuture", "OneOf",
           "Pattern", "RequiredWhen", "ResidentId", "Rule", "Uscc"]
