"""`formatDate` and `parseDate` (spec §5.5): Java `SimpleDateFormat` patterns, in the report
zone unless a zone is given.

Patterns and zones must be quoted literals: they are checked and translated to a strftime
pattern when the query is compiled (the supported letters are the same on every engine); the
dialect spells the formatting and parsing (DuckDB's strftime/strptime, Spark's datetime
patterns).
"""

from __future__ import annotations

import functools
import re
import zoneinfo

from reportgen.errors import suggestion
from reportgen.query.problems import semantic
from reportgen.query.sql.dialect import OFFSET_DIRECTIVE
from reportgen.query.sql.values import Compiler, Typed, number_sql, text_sql
from reportgen.query.syntax.nodes import Call, Literal

DEFAULT_FORMAT = "MM/dd/yyyy HH:mm:ss"
# Java letters (by run length; the longest listed length applies to longer runs) -> strftime.
_LETTERS: dict[str, dict[int, str]] = {
    "y": {1: "%Y", 2: "%y", 3: "%Y"},
    "M": {1: "%-m", 2: "%m", 3: "%b", 4: "%B"},
    "d": {1: "%-d", 2: "%d"},
    "H": {1: "%-H", 2: "%H"},
    "h": {1: "%-I", 2: "%I"},
    "m": {1: "%-M", 2: "%M"},
    "s": {1: "%-S", 2: "%S"},
    "S": {3: "%g"},
    "a": {1: "%p"},
    "E": {1: "%a", 4: "%A"},
    "D": {1: "%-j", 3: "%j"},
    "Z": {1: "%z"},
    # ISO 8601 offsets, `Z` for UTC: not strftime; format_date_sql prints them
    "X": {1: "%X1", 2: "%X2", 3: "%X3"},
}
_TOKEN = re.compile(r"'(?:[^']|'')*'|([A-Za-z])\1*|[^A-Za-z']+")


class DatePatternError(ValueError):
    pass


# What each strftime directive reads, so parseDate can take the date at the start of a text.
_READS = {
    "%Y": r"\d{4}",
    "%y": r"\d{2}",
    "%m": r"\d{1,2}",
    "%-m": r"\d{1,2}",
    "%b": r"[A-Za-z]{3}",
    "%B": r"[A-Za-z]+",
    "%d": r"\d{1,2}",
    "%-d": r"\d{1,2}",
    "%H": r"\d{1,2}",
    "%-H": r"\d{1,2}",
    "%I": r"\d{1,2}",
    "%-I": r"\d{1,2}",
    "%M": r"\d{1,2}",
    "%-M": r"\d{1,2}",
    "%S": r"\d{1,2}",
    "%-S": r"\d{1,2}",
    "%g": r"\d{3}",
    "%p": r"[AaPp][Mm]",
    "%a": r"[A-Za-z]+",
    "%A": r"[A-Za-z]+",
    "%j": r"\d{3}",
    "%-j": r"\d{1,3}",
    "%z": r"(?:Z|[+-]\d{2}:?\d{2})",
    "%X1": r"(?:Z|[+-]\d{2})",
    "%X2": r"(?:Z|[+-]\d{4})",
    "%X3": r"(?:Z|[+-]\d{2}:\d{2})",
    "%%": "%",
}


def _reads(piece: str) -> str:
    return _READS.get(piece, re.escape(piece))


def prefix_regex(pattern: str) -> str:
    """An RE2 pattern matching a date of the strftime `pattern` at the start of a text."""
    pieces = re.split(r"(%X[123]|%-?[A-Za-z%])", pattern)
    return (
        "^(?:"
        + "".join(
            _reads(piece) if index % 2 else re.escape(piece) for index, piece in enumerate(pieces)
        )
        + ")"
    )


def utc_offset_regex(pattern: str) -> str | None:
    """For a pattern whose first offset is an ISO one (letter X): an RE2 pattern matching the
    text up to that offset (group 1) and a `Z` there, which engines that read `Z` only as a
    `+hh` offset write `+00` (the zone can only be given once, so only the first offset
    counts); None for other patterns."""
    pieces = OFFSET_DIRECTIVE.split(pattern, maxsplit=1)
    if len(pieces) == 1 or not pieces[1].startswith("%X"):
        return None
    return "^(" + prefix_regex(pieces[0])[1:] + ")Z"


def strftime_pattern(java: str) -> str:
    """`yyyy-MM-dd'T'HH:mm:ss.SSS` -> `%Y-%m-%dT%H:%M:%S.%g`; raises DatePatternError."""
    out: list[str] = []
    for match in _TOKEN.finditer(java):
        token = match.group(0)
        if token.startswith("'"):
            literal = "'" if token == "''" else token[1:-1].replace("''", "'")
            out.append(literal.replace("%", "%%"))
        elif match.group(1):
            forms = _LETTERS.get(token[0])
            if forms is None:
                raise DatePatternError(f"date pattern letter '{token[0]}' is not supported")
            fitting = [n for n in forms if n <= len(token)]
            if not fitting:
                raise DatePatternError(f"date pattern '{token}' is not supported")
            out.append(forms[max(fitting)])
        else:
            out.append(token.replace("%", "%%"))
    return "".join(out)


@functools.cache
def _zones() -> dict[str, str]:
    return {name.lower(): name for name in zoneinfo.available_timezones()}


def zone_name(text: str) -> str | None:
    """The canonical spelling of a zone (case-insensitive, `etc/utc` -> `Etc/UTC`)."""
    return _zones().get(text.lower())


def _literal_text(c: Compiler, call: Call, index: int, what: str) -> str | None:
    arg = call.args[index]
    if isinstance(arg, Literal) and isinstance(arg.value, str):
        return arg.value
    c.errors.append(semantic(c.text, arg.span, f"{call.name.text}() needs a quoted {what}"))
    return None


def _pattern(c: Compiler, call: Call, index: int) -> str | None:
    if index >= len(call.args):
        return strftime_pattern(DEFAULT_FORMAT)
    java = _literal_text(c, call, index, "date pattern")
    if java is None:
        return None
    try:
        return strftime_pattern(java)
    except DatePatternError as error:
        c.errors.append(semantic(c.text, call.args[index].span, str(error)))
        return None


def _zone(c: Compiler, call: Call, index: int) -> str | None:
    if index >= len(call.args):
        return c.tz
    text = _literal_text(c, call, index, "time zone")
    if text is None:
        return None
    name = zone_name(text)
    if name is None:
        hint = suggestion(text, sorted(_zones().values()))
        c.errors.append(
            semantic(c.text, call.args[index].span, f"unknown time zone '{text}'", hint)
        )
    return name


def format_date_sql(c: Compiler, call: Call, args: list[Typed]) -> Typed:
    """`formatDate(ms[, pattern[, zone]])` -> text; null or a non-number -> null."""
    pattern, zone = _pattern(c, call, 1), _zone(c, call, 2)
    if pattern is None or zone is None or args[0][1] == "null":
        return f"CAST(NULL AS {c.dialect.text_type})", "string"
    return c.dialect.format_date(number_sql(c.dialect, *args[0]), pattern, zone), "string"


def parse_date_sql(c: Compiler, call: Call, args: list[Typed]) -> Typed:
    """`parseDate(text, pattern[, zone])` -> epoch ms; a text that does not fit -> null."""
    pattern, zone = _pattern(c, call, 1), _zone(c, call, 2)
    if pattern is None or zone is None or args[0][1] == "null":
        return "CAST(NULL AS BIGINT)", "number"
    # the text must start with the date; what follows it is ignored
    text = text_sql(c.dialect, *args[0])
    parsed = c.dialect.parse_date(
        text, pattern, prefix_regex(pattern), zone, utc_offset_regex(pattern)
    )
    return parsed, "number"
