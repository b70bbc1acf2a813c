"""GB 11643-1999 citizen ID numbers (公民身份号码)."""

from dataclasses import dataclass

from hubei_data.contracts.rules.standard_code import StandardCode


@dataclass(frozen=True)
class ResidentId(StandardCode):
    """GB 11643-1999 citizen ID number with a valid check digit and birth date."""

    name = "id_check"
    words = "GB 11643-1999 ID number: 17 digits and a valid check digit (0-9 or X), with a real birth date inside"
    function = "resident_id_valid"
    failure = "is not a valid GB 11643-1999 ID number"
