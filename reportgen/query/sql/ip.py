"""IPv4 functions (Sumo's isValidIP, isPrivateIP, isPublicIP, isReservedIP, ipv4ToNumber and
the CIDR functions getCIDRPrefix, compareCIDRPrefix, maskFromCIDR) as plain SQL arithmetic.

An address is four decimal octets of at most 255; anything else (IPv6 included) is not a valid
IPv4 address: the tests are false and the values null. Sumo drops such rows with a warning
instead; reportgen keeps them (a deviation documented in docs/query-language.md).
"""

from __future__ import annotations

from reportgen.query.sql.dialect import Dialect
from reportgen.query.sql.values import Typed, number_sql, text_sql

_QUAD = r"^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$"
# RFC 1918
PRIVATE = ("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16")
# RFC 5735 special-use blocks (isReservedIP; isPublicIP is a valid address outside them)
RESERVED = (
    "0.0.0.0/8", "10.0.0.0/8", "127.0.0.0/8", "169.254.0.0/16", "172.16.0.0/12",
    "192.0.0.0/24", "192.0.2.0/24", "192.88.99.0/24", "192.168.0.0/16", "198.18.0.0/15",
    "198.51.100.0/24", "203.0.113.0/24", "224.0.0.0/4", "240.0.0.0/4",
)  # fmt: skip
CONDITIONS = frozenset({"isvalidip", "isprivateip", "ispublicip", "isreservedip"})


def ipv4_number_sql(d: Dialect, arg: Typed) -> str:
    """The address as a number (a.b.c.d -> a*2^24 + b*2^16 + c*2^8 + d); NULL when invalid."""
    text = f"trim({text_sql(d, *arg)})"
    octets = [
        f"TRY_CAST(regexp_extract({text}, {d.string(_QUAD)}, {i}) AS BIGINT)" for i in range(1, 5)
    ]
    valid = " AND ".join(f"coalesce({octet} <= 255, false)" for octet in octets)
    weighted = " + ".join(
        f"{octet} * {256**power}" for octet, power in zip(octets, (3, 2, 1, 0), strict=True)
    )
    return f"(CASE WHEN {valid} THEN {weighted} END)"


def _block(cidr: str) -> tuple[int, int]:
    address, bits = cidr.split("/")
    first = sum(
        int(octet) << shift for octet, shift in zip(address.split("."), (24, 16, 8, 0), strict=True)
    )
    return first, first + 2 ** (32 - int(bits)) - 1


def _within(number: str, blocks: tuple[str, ...]) -> str:
    ranges = [f"{number} BETWEEN {low} AND {high}" for low, high in map(_block, blocks)]
    return "(" + " OR ".join(ranges) + ")"


def condition_sql(d: Dialect, name: str, arg: Typed) -> str:
    """isValidIP / isPrivateIP / isPublicIP / isReservedIP: true or false, never null."""
    number = ipv4_number_sql(d, arg)
    if name == "isvalidip":
        return f"({number} IS NOT NULL)"
    if name == "isprivateip":
        return f"coalesce({_within(number, PRIVATE)}, false)"
    if name == "isreservedip":
        return f"coalesce({_within(number, RESERVED)}, false)"
    return f"coalesce(NOT {_within(number, RESERVED)}, false)"  # ispublicip


def _prefix_length(d: Dialect, arg: Typed) -> str:
    """A prefix length (0-32, a number or its text) as an integer; NULL outside 0-32."""
    length = f"CAST({number_sql(d, *arg)} AS BIGINT)"
    return f"(CASE WHEN {length} BETWEEN 0 AND 32 THEN {length} END)"


def _block_size(length: str) -> str:
    return f"CAST(pow(2, 32 - {length}) AS BIGINT)"


def dotted_sql(d: Dialect, number: str) -> str:
    """A number 0..2^32-1 as a dotted quad."""
    octets = [d.text(f"({d.int_div(number, 256**power)}) % 256") for power in (3, 2, 1, 0)]
    return " || '.' || ".join(octets)


def cidr_prefix_sql(d: Dialect, address: Typed, length: Typed) -> Typed:
    """getCIDRPrefix("10.10.1.35", "27") -> "10.10.1.32"."""
    number, size = ipv4_number_sql(d, address), _block_size(_prefix_length(d, length))
    return f"({dotted_sql(d, f'({number} - {number} % {size})')})", "string"


def compare_cidr_sql(d: Dialect, first: Typed, second: Typed, length: Typed) -> str:
    """compareCIDRPrefix(a, b, "24"): both in the same network of that prefix length."""
    size = _block_size(_prefix_length(d, length))
    a, b = ipv4_number_sql(d, first), ipv4_number_sql(d, second)
    return f"coalesce({d.int_div(a, size)} = {d.int_div(b, size)}, false)"


def mask_sql(d: Dialect, length: Typed) -> Typed:
    """maskFromCIDR("24") -> "255.255.255.0"."""
    size = _block_size(_prefix_length(d, length))
    return f"({dotted_sql(d, f'(4294967296 - {size})')})", "string"
