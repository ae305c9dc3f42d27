"""The vocabulary of the language: which operators and functions exist, and which are supported.

Tier 2/3 names (spec §13) are recognised so that they fail with "not supported yet" rather than
"unknown operator"; adding one means moving it from LATER to the parser's OPERATORS table.
"""

from __future__ import annotations


def _words(text: str) -> frozenset[str]:
    return frozenset(text.lower().split())


AGGREGATES = _words(
    """count count_distinct count_frequent sum avg min max stddev pct percentile first last
    most_recent least_recent values median"""
)

LATER = _words(
    """json extract keyvalue kv csv split if dedup format formatdate
    parsedate num number tolong
    tostring concat replace substring trim length tolowercase touppercase round floor ceil abs
    urldecode base64decode logreduce logcompare join lookup geoip geo save threatip details
    transaction bin filter merge"""
)

# Functions usable in `where` today, with their number of arguments.
SUPPORTED_FUNCTIONS = {"isnull": 1, "isempty": 1, "isblank": 1, "contains": 2}

LATER_FUNCTIONS = _words(
    """concat tolowercase touppercase length substring replace trim round floor ceil abs
    formatdate parsedate now num number tolong tostring if format urldecode urlencode
    base64decode base64encode sqrt cbrt exp expm1 log log10 log1p pow sin cos tan asin acos atan
    atan2 sinh cosh tanh todegrees toradians isnan isinfinity isvalidip isprivateip ispublicip
    isnumeric hextodecimal decimaltohex luhn haversine queryendtime querystarttime querytimerange
    maskfromcidr comparecidrprefix getcidrprefix ipv4tonumber"""
)
