"""Danish CPR numbers: ten digits, DDMMYY and a serial whose first digit gives the century.

Error messages never repeat the number: CPR numbers must not reach logs.
"""

from __future__ import annotations

import re
from datetime import date

from mo.service.errors import InvalidCPR

_CPR = re.compile(r"^(\d{2})(\d{2})(\d{2})-?(\d{4})$")


def century(year2: int, seventh: int) -> int:
    """The century of a CPR birth date from the first digit of its serial number."""
    if seventh <= 3:
        return 1900
    if seventh in (4, 9):
        return 2000 if year2 <= 36 else 1900
    return 2000 if year2 <= 57 else 1800


def parse_cpr(value: object) -> str:
    """A CPR number as ten digits; the date part must be a real date."""
    if not isinstance(value, str):
        raise InvalidCPR("cpr_number: a CPR number is a string of ten digits (DDMMYYXXXX)", field="cpr_number")
    match = _CPR.match(value.strip())
    if match is None:
        raise InvalidCPR(
            "cpr_number: a CPR number is ten digits (DDMMYYXXXX), optionally with a dash", field="cpr_number"
        )
    day, month, year2, serial = match.groups()
    try:
        date(century(int(year2), int(serial[0])) + int(year2), int(month), int(day))
    except ValueError:
        raise InvalidCPR(
            "cpr_number: not a CPR number, its first six digits are not a date (DDMMYY)", field="cpr_number"
        ) from None
    return f"{day}{month}{year2}{serial}"
