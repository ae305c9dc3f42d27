"""The value functions of expressions (spec §5.5) -> SQL of a dialect, with Sumo's null rules.

Strings are converted to numbers where a number is needed (TRY_CAST: not a number -> null);
math that Java would answer with an infinity or NaN (division by zero, `log(0)`, `sqrt(-1)`)
gives null, like the spec's division rule. The boolean functions (`isNull`, `contains`...) live
in `expressions.py`; dates in `dates.py`.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from reportgen.query.problems import semantic
from reportgen.query.regex import group_names
from reportgen.query.sql.conversions import (
    QUERY_TIMES,
    TEXT_FUNCTIONS,
    query_time_sql,
    text_function_sql,
    to_url_sql,
)
from reportgen.query.sql.dates import format_date_sql, parse_date_sql
from reportgen.query.sql.dialect import Dialect
from reportgen.query.sql.ip import cidr_prefix_sql, ipv4_number_sql, mask_sql
from reportgen.query.sql.values import Compiler, Typed, number_sql, text_sql
from reportgen.query.syntax.nodes import Call, Literal, RegexLiteral


def arith_sql(d: Dialect, op: str, left: Typed, right: Typed) -> Typed:
    """`+ - * / %` on numbers (strings converted); null in -> null out; x/0 and x%0 -> null."""
    if "null" in (left[1], right[1]):
        return "CAST(NULL AS DOUBLE)", "number"
    a, b = number_sql(d, *left), number_sql(d, *right)
    if op == "/":
        return f"(CAST({a} AS DOUBLE) / nullif(CAST({b} AS DOUBLE), 0))", "number"
    if op == "%":
        return f"({a} % nullif({b}, 0))", "number"
    return f"({a} {op} {b})", "number"


_MATH: dict[str, Callable[[str], str]] = {
    "abs": lambda x: f"abs({x})",
    "sqrt": lambda x: f"CASE WHEN {x} >= 0 THEN sqrt({x}) END",
    "exp": lambda x: f"exp({x})",
    "expm1": lambda x: f"(exp({x}) - 1)",
    "log": lambda x: f"CASE WHEN {x} > 0 THEN ln({x}) END",
    "log10": lambda x: f"CASE WHEN {x} > 0 THEN log10({x}) END",
    "log1p": lambda x: f"CASE WHEN {x} > -1 THEN ln(1 + {x}) END",
    "sin": lambda x: f"sin({x})",
    "cos": lambda x: f"cos({x})",
    "tan": lambda x: f"tan({x})",
    "asin": lambda x: f"CASE WHEN abs({x}) <= 1 THEN asin({x}) END",
    "acos": lambda x: f"CASE WHEN abs({x}) <= 1 THEN acos({x}) END",
    "atan": lambda x: f"atan({x})",
    "sinh": lambda x: f"sinh({x})",
    "cosh": lambda x: f"cosh({x})",
    "tanh": lambda x: f"tanh({x})",
    "todegrees": lambda x: f"degrees({x})",
    "toradians": lambda x: f"radians({x})",
}


def compile_call(c: Compiler, call: Call) -> Typed:
    """SQL and type of a value function call (arity already checked by the parser)."""
    name = call.name.key
    d = c.dialect
    if name == "replace":
        return _replace(c, call)
    if name == "format":
        return _format(c, call)
    if name == "now":
        return d.epoch_ms(d.param("end")), "number"
    if name in QUERY_TIMES:
        return query_time_sql(d, name, d.param("start"), d.param("end"))
    args = [c.value(arg) for arg in call.args]
    if name in TEXT_FUNCTIONS:
        return text_function_sql(d, name, args[0])
    if name == "tourl":
        if len(args) == 3:
            message = 'tourl() takes a prefix and a suffix together ("" for none)'
            c.errors.append(semantic(c.text, call.span, message))
        return to_url_sql(d, args)
    if name == "ipv4tonumber":
        return ipv4_number_sql(d, args[0]), "number"
    if name == "getcidrprefix":
        return cidr_prefix_sql(d, args[0], args[1])
    if name == "maskfromcidr":
        return mask_sql(d, args[0])
    if name == "haversine":
        return _haversine([number_sql(d, *arg) for arg in args]), "number"
    if name == "formatdate":
        return format_date_sql(c, call, args)
    if name == "parsedate":
        return parse_date_sql(c, call, args)
    if name == "concat":
        parts = [f"coalesce({text_sql(d, *a)}, '')" for a in args if a[1] != "null"]
        return (f"concat({', '.join(parts)})" if parts else "''"), "string"
    if name in ("tolowercase", "touppercase", "trim", "tostring"):
        if args[0][1] == "null":
            return f"CAST(NULL AS {d.text_type})", "string"
        text = text_sql(d, *args[0])
        function = {"tolowercase": "lower", "touppercase": "upper", "trim": "trim"}.get(name)
        return (f"{function}({text})" if function else text), "string"
    if name == "length":
        return f"coalesce(length({text_sql(d, *args[0])}), 0)", "number"
    if name in ("num", "number"):
        return number_sql(d, *args[0]), "number"
    if name == "tolong":
        return d.to_long(number_sql(d, *args[0])), "number"
    if name == "substring":
        return _substring(d, args)
    if name == "round":
        return _round(d, args)
    if name == "pow":
        return f"pow({number_sql(d, *args[0])}, {number_sql(d, *args[1])})", "number"
    if name == "atan2":
        return f"atan2({number_sql(d, *args[0])}, {number_sql(d, *args[1])})", "number"
    if name in _MATH:
        return _MATH[name](number_sql(d, *args[0])), "number"
    return d.math(name, number_sql(d, *args[0])), "number"  # floor, ceil, cbrt


def _haversine(args: list[str]) -> str:
    """haversine(lat1, lon1, lat2, lon2): the great-circle distance in km (Earth radius
    6371 km)."""
    lat1, lon1, lat2, lon2 = (f"radians({arg})" for arg in args)
    inner = (
        f"pow(sin(({lat2} - {lat1}) / 2), 2) + "
        f"cos({lat1}) * cos({lat2}) * pow(sin(({lon2} - {lon1}) / 2), 2)"
    )
    return f"(2 * 6371 * asin(sqrt({inner})))"


def _substring(d: Dialect, args: list[Typed]) -> Typed:
    """0-based start, exclusive end clamped to the length; negative start or end < start ->
    null (Sumo reports an error per row)."""
    text = text_sql(d, *args[0])
    start = f"CAST({number_sql(d, *args[1])} AS BIGINT)"
    end = f"CAST({number_sql(d, *args[2])} AS BIGINT)" if len(args) == 3 else f"length({text})"
    return (
        f"CASE WHEN {start} < 0 OR {end} < {start} THEN NULL "
        f"ELSE substring({text}, {start} + 1, least({end}, length({text})) - {start}) END"
    ), "string"


def _round(d: Dialect, args: list[Typed]) -> Typed:
    """Half up like Java's `Math.round` (2.5 -> 3, -2.5 -> -2), not banker's rounding."""
    x = number_sql(d, *args[0])
    if len(args) == 1:
        return f"CAST({d.math('floor', f'{x} + 0.5')} AS BIGINT)", "number"
    scale = f"pow(10, CAST({number_sql(d, *args[1])} AS BIGINT))"
    return f"({d.math('floor', f'{x} * {scale} + 0.5')} / {scale})", "number"


def _replace(c: Compiler, call: Call) -> Typed:
    d = c.dialect
    subject, pattern, replacement = call.args
    text = c.value(subject)
    if isinstance(pattern, RegexLiteral):
        if not isinstance(replacement, Literal) or not isinstance(replacement.value, str):
            message = "replace() with a regular expression needs a quoted replacement"
            c.errors.append(semantic(c.text, replacement.span, message))
            return "NULL", "null"
        rewrite = d.replacement(replacement.value, group_names(pattern.pattern))
        if text[1] == "null":
            return f"CAST(NULL AS {d.text_type})", "string"
        sql = d.replace_all(text_sql(d, *text), d.regex(pattern.pattern), d.string(rewrite))
        return sql, "string"
    old, new = c.value(pattern), c.value(replacement)
    if "null" in (text[1], old[1], new[1]):
        return f"CAST(NULL AS {d.text_type})", "string"
    return f"replace({text_sql(d, *text)}, {text_sql(d, *old)}, {text_sql(d, *new)})", "string"


_CONVERSION = re.compile(r"%(?:%|n|([-#+ 0,(]*)(\d+)?(?:\.(\d+))?([sSdfeExXob]))")


def _format(c: Compiler, call: Call) -> Typed:
    """Java `String.format` with a literal pattern: `%s %S %d %f %.2f %,d %x %%`."""
    d = c.dialect
    pattern = call.args[0]
    if not isinstance(pattern, Literal) or not isinstance(pattern.value, str):
        c.errors.append(semantic(c.text, pattern.span, "format() needs a quoted pattern first"))
        return "NULL", "null"
    args = [c.value(arg) for arg in call.args[1:]]
    pieces: list[str] = []
    position = 0
    used = 0
    for match in _CONVERSION.finditer(pattern.value):
        pieces.append(d.string(pattern.value[position : match.start()]))
        position = match.end()
        token = match.group(0)
        if token in ("%%", "%n"):
            pieces.append(d.string("%" if token == "%%" else "\n"))
            continue
        if used >= len(args):
            message = f"format() pattern has more conversions than the {len(args)} values given"
            c.errors.append(semantic(c.text, pattern.span, message))
            return "NULL", "null"
        pieces.append(_conversion(d, match, args[used]))
        used += 1
    pieces.append(d.string(pattern.value[position:]))
    if used != len(args):
        message = f"format() pattern has {used} conversions but {len(args)} values are given"
        c.errors.append(semantic(c.text, pattern.span, message))
    return f"({' || '.join(pieces)})", "string"


def _conversion(d: Dialect, match: re.Match[str], arg: Typed) -> str:
    flags, width, precision, kind = match.groups()
    if arg[1] == "null":
        return "'null'"
    if kind in "sS":
        text = text_sql(d, *arg)
        return f"upper({text})" if kind == "S" else text
    return d.format_number(flags or "", width or "", precision, kind, number_sql(d, *arg))
