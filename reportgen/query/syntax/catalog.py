"""The vocabulary of the language: which operators and functions exist, and which are supported.

Operators that are out of scope (spec §13: they need data or services beyond a log snapshot) are
recognised so that they fail with a message saying so rather than "unknown operator".
"""

from __future__ import annotations


def _words(text: str) -> frozenset[str]:
    return frozenset(text.lower().split())


AGGREGATES = _words(
    """count count_distinct count_frequent sum avg min max stddev pct percentile first last
    most_recent least_recent values median"""
)

OUT_OF_SCOPE = _words(
    """logreduce logcompare join geoip geo save threatip details
    transaction bin filter merge"""
)

_ONE = (1, 1)
# Functions of expressions, with their least and most number of arguments (§5.5).
SUPPORTED_FUNCTIONS: dict[str, tuple[int, int]] = {
    "isnull": _ONE,
    "isempty": _ONE,
    "isblank": _ONE,
    "contains": (2, 2),
    "if": (3, 3),
    "concat": (1, 16),
    "tolowercase": _ONE,
    "touppercase": _ONE,
    "length": _ONE,
    "substring": (2, 3),
    "replace": (3, 3),
    "trim": _ONE,
    "format": (1, 16),
    "num": _ONE,
    "number": _ONE,
    "tolong": _ONE,
    "tostring": _ONE,
    "round": (1, 2),
    "floor": _ONE,
    "ceil": _ONE,
    "abs": _ONE,
    "sqrt": _ONE,
    "cbrt": _ONE,
    "exp": _ONE,
    "expm1": _ONE,
    "log": _ONE,
    "log10": _ONE,
    "log1p": _ONE,
    "pow": (2, 2),
    "sin": _ONE,
    "cos": _ONE,
    "tan": _ONE,
    "asin": _ONE,
    "acos": _ONE,
    "atan": _ONE,
    "atan2": (2, 2),
    "sinh": _ONE,
    "cosh": _ONE,
    "tanh": _ONE,
    "todegrees": _ONE,
    "toradians": _ONE,
    "isnan": _ONE,
    "isinfinity": _ONE,
    "now": (0, 0),
    "formatdate": (1, 3),
    "parsedate": (2, 3),
    "querystarttime": (0, 0),
    "queryendtime": (0, 0),
    "querytimerange": (0, 0),
    "urldecode": _ONE,
    "urlencode": _ONE,
    "base64decode": _ONE,
    "base64encode": _ONE,
    "hextodec": _ONE,
    "dectohex": _ONE,
    "isnumeric": _ONE,
    "isvalidip": _ONE,
    "isprivateip": _ONE,
    "ispublicip": _ONE,
    "isreservedip": _ONE,
    "ipv4tonumber": _ONE,
    "getcidrprefix": (2, 2),
    "comparecidrprefix": (3, 3),
    "maskfromcidr": _ONE,
    "haversine": (4, 4),
    "tourl": (2, 4),
    "lookupcontains": (2, 2),
}
# Functions that are conditions (true/false, never null).
BOOLEAN_FUNCTIONS = frozenset(
    {
        "isnull", "isempty", "isblank", "contains", "isnan", "isinfinity", "isnumeric",
        "isvalidip", "isprivateip", "ispublicip", "isreservedip", "comparecidrprefix",
        "lookupcontains",
    }
)  # fmt: skip

# How the docs spell the function names (suggestions show these).
_SPELLED = """isNull isEmpty isBlank toLowerCase toUpperCase toLong toString toDegrees
    toRadians isNaN isInfinity formatDate parseDate urlDecode urlEncode base64Decode
    base64Encode isValidIP isPrivateIP isPublicIP isReservedIP isNumeric hexToDec decToHex
    queryEndTime queryStartTime queryTimeRange maskFromCIDR compareCIDRPrefix getCIDRPrefix
    ipv4ToNumber lookupContains"""
SPELLINGS = {name.lower(): name for name in _SPELLED.split()}

LATER_FUNCTIONS = _words("luhn hash jsonarraycontains jsonarraysize")

# Fields that `_field=value` may test in the scope (§2.3): every metadata column of the log table
# except the times and `_raw` (keywords search `_raw`).
SCOPE_FIELDS = _words(
    "_sourcehost _sourcecategory _sourcename _source _collector _size _messagecount _format"
)
