"""Text conversions real app queries use (spec §5.5, Sumo's function pages): urlDecode,
urlEncode, base64Decode, base64Encode, hexToDec, decToHex, isNumeric, the query's time range
(queryStartTime, queryEndTime, queryTimeRange) and tourl, the link a table draws.

A text that cannot be converted (bad base64, a hex string that is not one) gives null, never an
engine error in the middle of a report.
"""

from __future__ import annotations

from reportgen.query.sql.dialect import Dialect
from reportgen.query.sql.values import NUMBER_TEXT, Typed, number_sql, text_sql

TEXT_FUNCTIONS = frozenset(
    {"urldecode", "urlencode", "base64decode", "base64encode", "hextodec", "dectohex"}
)
QUERY_TIMES = frozenset({"querystarttime", "queryendtime", "querytimerange"})


def text_function_sql(d: Dialect, name: str, arg: Typed) -> Typed:
    """One of TEXT_FUNCTIONS applied to `arg` (null in, null out)."""
    if arg[1] == "null":
        if name == "hextodec":
            return "CAST(NULL AS BIGINT)", "number"
        return f"CAST(NULL AS {d.text_type})", "string"
    text = text_sql(d, *arg)
    if name == "urldecode":
        return d.url_decode(text), "string"
    if name == "urlencode":
        return d.url_encode(text), "string"
    if name == "base64decode":
        return d.base64_decode(text), "string"
    if name == "base64encode":
        return d.base64_encode(text), "string"
    if name == "hextodec":
        digits = f"regexp_replace(trim({text}), {d.string('^0[xX]')}, '')"
        valid = d.full_match(digits, "[0-9A-Fa-f]{1,16}")
        return f"(CASE WHEN NOT {valid} THEN NULL ELSE {d.hex_to_long(digits)} END)", "number"
    # dectohex: upper-case hex without leading zeros; negative: 16 digits, two's complement
    return f"upper(hex({d.to_long(number_sql(d, *arg))}))", "string"


def is_numeric_sql(d: Dialect, arg: Typed) -> str:
    """isNumeric: the value is a number, or a text that reads as one."""
    if arg[1] in ("number", "time"):
        return f"({arg[0]} IS NOT NULL)"
    if arg[1] != "string":
        return "FALSE"
    return f"coalesce({d.full_match(arg[0], NUMBER_TEXT)}, false)"


def query_time_sql(d: Dialect, name: str, start: str, end: str) -> Typed:
    """queryStartTime() / queryEndTime() (epoch ms) / queryTimeRange() (ms) of the window."""
    if name == "querystarttime":
        return d.epoch_ms(start), "number"
    if name == "queryendtime":
        return d.epoch_ms(end), "number"
    return f"({d.epoch_ms(end)} - {d.epoch_ms(start)})", "number"


def _escaped(d: Dialect, text: str) -> str:
    """Backslash before `\\`, `[`, `]`, `(` and `)`: the text can sit in `[text](url)`."""
    for char in ("\\", "[", "]", "(", ")"):
        escaped = d.string("\\" + char)
        text = f"replace({text}, {d.string(char)}, {escaped})"
    return text


def to_url_sql(d: Dialect, args: list[Typed]) -> Typed:
    """tourl(url, text[, prefix, suffix]): the link `[prefix text suffix](url)`, a "link" value
    (tables draw it as a link when the URL is http or https; elsewhere it stays this text)."""
    if args[0][1] == "null":
        return f"CAST(NULL AS {d.text_type})", "link"
    url = text_sql(d, *args[0])
    parts = [text_sql(d, *arg) for arg in args[1:]]
    if len(parts) == 3:
        parts = [parts[1], parts[0], parts[2]]
    shown = " || ".join(f"coalesce({part}, '')" for part in parts) or url
    return f"('[' || {_escaped(d, shown)} || '](' || {_escaped(d, url)} || ')')", "link"
