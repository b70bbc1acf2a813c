"""GB 32100-2015 unified social credit codes (统一社会信用代码)."""

from dataclasses import dataclass

from hubei_data.contracts.rules.standard_code import StandardCode


@dataclass(frozen=True)
class Uscc(StandardCode):
    """GB 32100-2015 unified social credit code with a valid check character."""

    name = "uscc_check"
    words = "GB 32100-2015 code of 18 characters (digits and letters but I, O, S, V, Z) with a valid check character"
    function = "uscc_valid"
    failure = "has no valid GB 32100-2015 check character"
