"""Reading MTU values as CNIs do: integers, or integer strings in ConfigMaps; 0 = auto-detect."""

from __future__ import annotations

from typing import Any

from netlint.checks.k8s import parse_int
from netlint.checks.mtu.model import Violation, Where

MAX_MTU = 65535
MIN_MTU_IPV4 = 68  # RFC 791
MIN_MTU_IPV6 = 1280  # RFC 8200


def read_mtu(value: Any, where: Where, label: str, family: str = "ipv4") -> int | Violation | None:
    """The MTU as an int (0 = auto-detect), a Violation when the CNI cannot use the value, or
    None when the value is absent or empty (the CNI's default applies)."""
    if value is None or value == "":
        return None
    number = parse_int(value)
    if number is None:
        return Violation(
            "value",
            f"{label} is {value!r}, not a whole number of bytes: the CNI fails to start or "
            "ignores it; write an integer such as 1450, or 0 to auto-detect",
            where,
        )
    if number == 0:
        return 0
    low = MIN_MTU_IPV6 if family == "ipv6" else MIN_MTU_IPV4
    if number < 0 or number > MAX_MTU or number < low:
        bound = (
            f"IPv6 needs at least {MIN_MTU_IPV6}"
            if family == "ipv6" and 0 < number < low
            else (f"an MTU is between {MIN_MTU_IPV4} and {MAX_MTU}")
        )
        return Violation(
            "value",
            f"{label} is {number}, which no interface accepts ({bound}); use the node MTU minus "
            "the encapsulation overhead, or 0 to auto-detect",
            where,
        )
    return number
