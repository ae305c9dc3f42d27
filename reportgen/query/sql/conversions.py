"""Text conversions real app queries use (spec §5.5, Sumo's function pages): urlDecode,
urlEncode, base64Decode, base64Encode, hexToDec, decToHex, isNumeric, the query's time range
(queryStartTime, queryEndTime, queryTimeRange) and tourl, the link a table draws.

A text that cannot be converted (bad base64, a hex string that is not one) gives null, never an
engine error in the middle of a report.
"""

from __future__ import annotations

from reportgen.query.sql.values import NUMBER_TEXT, Typed, number_sql, text_sql

TEXT_FUNCTIONS = frozenset(
    {"urldecode", "urlencode", "base64decode", "base64encode", "hextodec", "dectohex"}
)
QUERY_TIMES = frozenset({"querystarttime", "queryendtime", "querytimerange"})
_INT64_TOP = 9223372036854775808  # 2^63


def text_function_sql(name: str, arg: Typed) -> Typed:
    """One of TEXT_FUNCTIONS applied to `arg` (null in, null out)."""
    if arg[1] == "null":
        return (
            ("CAST(NULL AS BIGINT)", "number")
            if name == "hextodec"
            else (
                "CAST(NULL AS VARCHAR)",
                "string",
            )
        )
    text = text_sql(*arg)
    if name == "urldecode":  # as Java's URLDecoder: `+` is a space
        return f"try(url_decode(replace({text}, '+', ' ')))", "string"
    if name == "urlencode":  # as Java's URLEncoder: a space is `+`
        return f"replace(url_encode({text}), '%20', '+')", "string"
    if name == "base64decode":
        return f"try(decode(from_base64({text})))", "string"
    if name == "base64encode":
        return f"to_base64(encode({text}))", "string"
    if name == "hextodec":
        return _hex_to_dec(text), "number"
    return _dec_to_hex(number_sql(*arg)), "string"  # dectohex


def _hex_to_dec(text: str) -> str:
    """Up to 16 hex digits as a long, two's complement (`FFFFFFFFFFFFFFFF` is -1)."""
    digits = f"regexp_replace(trim({text}), '^0[xX]', '')"
    unsigned = f"TRY_CAST('0x' || {digits} AS UBIGINT)"
    return (
        f"(CASE WHEN NOT regexp_full_match({digits}, '[0-9A-Fa-f]{{1,16}}') THEN NULL "
        f"WHEN {unsigned} >= {_INT64_TOP} "
        f"THEN CAST({unsigned} - {_INT64_TOP} AS BIGINT) - {_INT64_TOP - 1} - 1 "
        f"ELSE CAST({unsigned} AS BIGINT) END)"
    )


def _dec_to_hex(number: str) -> str:
    """A long as upper-case hex without leading zeros; negative: 16 digits, two's complement."""
    return f"upper(hex(CAST(trunc({number}) AS BIGINT)))"


def is_numeric_sql(arg: Typed) -> str:
    """isNumeric: the value is a number, or a text that reads as one."""
    if arg[1] in ("number", "time"):
        return f"({arg[0]} IS NOT NULL)"
    if arg[1] != "string":
        return "FALSE"
    return f"coalesce(regexp_full_match({arg[0]}, '{NUMBER_TEXT}'), false)"


def query_time_sql(name: str, start: str, end: str) -> Typed:
    """queryStartTime() / queryEndTime() (epoch ms) / queryTimeRange() (ms) of the window."""
    if name == "querystarttime":
        return f"epoch_ms({start})", "number"
    if name == "queryendtime":
        return f"epoch_ms({end})", "number"
    return f"(epoch_ms({end}) - epoch_ms({start}))", "number"


def _escaped(text: str) -> str:
    """Backslash before `\\`, `[`, `]`, `(` and `)`: the text can sit in `[text](url)`."""
    for char in ("\\", "[", "]", "(", ")"):
        text = f"replace({text}, '{char}', '\\{char}')"
    return text


def to_url_sql(args: list[Typed]) -> Typed:
    """tourl(url, text[, prefix, suffix]): the link `[prefix text suffix](url)`, a "link" value
    (tables draw it as a link when the URL is http or https; elsewhere it stays this text)."""
    if args[0][1] == "null":
        return "CAST(NULL AS VARCHAR)", "link"
    url = text_sql(*args[0])
    parts = [text_sql(*arg) for arg in args[1:]]
    if len(parts) == 3:
        parts = [parts[1], parts[0], parts[2]]
    shown = " || ".join(f"coalesce({part}, '')" for part in parts) or url
    return f"('[' || {_escaped(shown)} || '](' || {_escaped(url)} || ')')", "link"
