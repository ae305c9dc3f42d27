"""`kv "k1", ... [as ...]`, `keyvalue regex "re" keys ...` and `kv auto` (spec §4.5).

Inference mode finds `key`, then `=`/`:`/`->`, then a quoted string or a run up to a separator.
Regex mode takes the first match of the value regex after the key's first occurrence. `kv auto`
takes its fields from the data: the engine first lists the keys found, then the query is planned
with one field per key (the value of the key's last occurrence).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from reportgen.errors import Span
from reportgen.query.operators.base import Operator
from reportgen.query.operators.parsing import (
    INPUT,
    MAX_KEYS,
    Capture,
    as_names,
    chosen,
    computed_columns,
    extraction_sql,
    field_name,
    input_sql,
    plan_auto,
    plan_extraction,
    source_option,
    strings,
)
from reportgen.query.regex import scan_groups
from reportgen.query.syntax.nodes import Name, RegexLiteral, Stage
from reportgen.query.syntax.stream import Stream
from reportgen.query.syntax.tokens import Token

if TYPE_CHECKING:
    from reportgen.query.generator import SqlGenerator
    from reportgen.query.plan.steps import PendingPivot, Step
    from reportgen.query.planner import Planner

_VALUE = r"""\s*(?:=|:|->)\s*(?:"([^"]*)"|'([^']*)'|([^\s,;\]})]*))"""
KEY = r"[A-Za-z_][A-Za-z0-9_.\-]*"
VALUE = r"""("[^"]*"|'[^']*'|[^\s,;\]})]*)"""
BEFORE_KEY = r"(?:^|[^A-Za-z0-9_.\-])"


@dataclass(frozen=True)
class KeyValue:
    """`kv "k1", ... [as ...]` and `keyvalue regex "re" keys "k1", ...` (§4.5); `regex` is the
    pattern of regex mode (one capturing group, the value; or two, key and value), None for
    inference."""

    keys: tuple[str, ...]
    names: tuple[Name, ...]
    regex: RegexLiteral | None
    source: Name | None
    nodrop: bool
    span: Span


@dataclass(frozen=True)
class KvAuto:
    """`kv auto [field=f] [delim "="] [keys "k", ... [as ...]]`: one field per key found in the
    data (§4.5); the last of duplicate keys wins; never drops a row."""

    source: Name | None
    delim: str | None
    keys: tuple[str, ...]
    names: tuple[Name, ...]
    span: Span


# --- parsing ----------------------------------------------------------------------------------


def parse_kv(stream: Stream, first: Token) -> Stage:
    source = source_option(stream)
    if stream.accept_word("auto") is not None:
        return _parse_auto(stream, first, source)
    regex: RegexLiteral | None = None
    if stream.accept_word("regex"):
        pattern = strings(stream, "a quoted regular expression after 'regex'")[0]
        found, problems = scan_groups(pattern.text[1:-1])
        unnamed = [p for p in problems if p.message.startswith("unnamed")]
        if len(unnamed) + len(found) not in (1, 2):
            hint = 'write one group for the value, e.g. "=(.*?),", or two: "(\\w+)=(\\S+)"'
            message = "'keyvalue regex' needs one capturing group (the value) or two (key, value)"
            raise stream.error_at(pattern.span, message, hint)
        regex = RegexLiteral(pattern.value, pattern.span)
    else:
        stream.accept_word("infer")
    stream.accept_word("keys")
    key_tokens = strings(stream, "the quoted keys to extract")
    _refuse_empty_keys(stream, key_tokens)
    source = source or source_option(stream)
    names = as_names(stream, len(key_tokens), "key") or [
        Name(field_name(t.value), t.span) for t in key_tokens
    ]
    nodrop = stream.accept_word("nodrop") is not None
    span = stream.span_from(first.span.start)
    keys = tuple(t.value for t in key_tokens)
    return KeyValue(keys, tuple(names), regex, source, nodrop, span)


def _parse_auto(stream: Stream, first: Token, source: Name | None) -> Stage:
    delim: str | None = None
    keys: list[Token] = []
    names: list[Name] = []
    while not stream.at_end():
        if stream.accept_word("field") is not None:
            stream.expect_op("=", "'field'")
            source = stream.name("the field to parse after 'field='")
        elif stream.accept_word("delim") is not None:
            delim = strings(stream, "a quoted delimiter after 'delim'")[0].value
        elif stream.accept_word("keys") is not None:
            keys = strings(stream, "the quoted keys after 'keys'")
            _refuse_empty_keys(stream, keys)
            names = as_names(stream, len(keys), "key")
        else:
            break
    span = stream.span_from(first.span.start)
    return KvAuto(source, delim, tuple(t.value for t in keys), tuple(names), span)


def _refuse_empty_keys(stream: Stream, keys: list[Token]) -> None:
    """An empty key names no field (and would be an empty column name in SQL)."""
    for token in keys:
        if not token.value:
            raise stream.error_at(token.span, "a key cannot be empty", 'e.g. kv "user"')


# --- planning ---------------------------------------------------------------------------------


def plan_kv(planner: Planner, stage: KeyValue, prev: Step) -> Step:
    return plan_extraction(planner, stage, prev, stage.names)


def auto_fields(stage: KvAuto, keys: Sequence[str]) -> list[tuple[str, list[str]]]:
    """(field name, keys) per key found: other characters than letters, digits and `_` become
    `_`; keys equal but for case (or those characters) are one field."""
    out: dict[str, tuple[str, list[str]]] = {}
    for key in keys:
        name = field_name(key)
        out.setdefault(name.lower(), (name, []))[1].append(key)
    return chosen(list(out.values()), [field_name(key) for key in stage.keys])


def plan_kv_auto(planner: Planner, stage: KvAuto, prev: Step) -> Step | PendingPivot:
    return plan_auto(planner, stage, prev, auto_fields, sanitize=True, infer=lambda name: [name])


# --- SQL --------------------------------------------------------------------------------------


def kv_sql(gen: SqlGenerator, step: Step, prev: Step | None) -> str:
    """A row is kept when at least one key is found [unverified: Sumo's rule is not
    documented]."""
    assert prev is not None and isinstance(step.node, KeyValue)
    node = step.node
    inner = input_sql(gen, prev, node.source.key if node.source else "_raw")
    captures: list[Capture] = []
    found: list[str] = []
    for key, name in zip(node.keys, node.names, strict=True):
        if node.regex is None:
            regex = gen.string(r"(?:^|[^A-Za-z0-9_.\-])" + re.escape(key) + _VALUE)
            value = " || ".join(f"regexp_extract({INPUT}, {regex}, {i})" for i in (1, 2, 3))
        elif _groups(node.regex.pattern) == 2:
            # the value of the first pair whose key group is exactly the key
            regex = gen.regex(node.regex.pattern)
            keys = f"regexp_extract_all({INPUT}, {regex}, 1)"
            at = gen.dialect.list_position(keys, gen.string(key))
            value = gen.dialect.list_element(f"regexp_extract_all({INPUT}, {regex}, 2)", at)
            found.append(f"({at} IS NOT NULL)")
            captures.append(Capture(name.key, found[-1], value))
            continue
        else:
            value_regex = gen.regex_text(node.regex.pattern)
            regex = gen.string(re.escape(key) + "(?s:.*?)(?:" + value_regex + ")")
            value = f"regexp_extract({INPUT}, {regex}, 1)"
        hit = f"coalesce({gen.dialect.find(INPUT, regex)}, false)"
        found.append(hit)
        captures.append(Capture(name.key, hit, value))
    matched = "(" + " OR ".join(found) + ")"
    return extraction_sql(gen, step, prev, inner, captures, matched, node.nodrop)


def _groups(pattern: str) -> int:
    """How many capturing groups a `keyvalue regex` pattern has (checked when parsed)."""
    found, problems = scan_groups(pattern)
    return len(found) + sum(1 for p in problems if p.message.startswith("unnamed"))


def _separator(stage: KvAuto) -> str:
    return r"\s*(?:=|:|->)\s*" if stage.delim is None else rf"\s*{re.escape(stage.delim)}\s*"


def kv_keys_sql(gen: SqlGenerator, pending: PendingPivot) -> str:
    """The distinct keys the data holds for a pending `kv auto`."""
    source = pending.auto_input
    assert source is not None
    stage = pending.node
    assert isinstance(stage, KvAuto)
    text = source.col if source.type == "string" else gen.dialect.text(source.col)
    pair = gen.string(BEFORE_KEY + f"({KEY})" + _separator(stage) + VALUE)
    keys = gen.dialect.explode_lists(
        f"SELECT regexp_extract_all({text}, {pair}, 1) AS __rg_keys FROM {gen.source}",
        ["__rg_keys"],
        ["v"],
    )
    return (
        f"{gen.with_clause()}\nSELECT DISTINCT v\nFROM ({keys})\nWHERE v IS NOT NULL"
        f"\nORDER BY v\nLIMIT {MAX_KEYS}"
    )


def kv_auto_sql(gen: SqlGenerator, step: Step, prev: Step | None) -> str:
    """Each field: the value of its key's last occurrence, without surrounding quotes."""
    assert prev is not None and isinstance(step.node, KvAuto)
    node = step.node
    inner = input_sql(gen, prev, node.source.key if node.source else "_raw")
    values: dict[str, list[str]] = {}
    for key, raw_key in step.computed:
        pattern = gen.string(BEFORE_KEY + re.escape(raw_key) + _separator(node) + VALUE)
        last = gen.dialect.list_at(f"regexp_extract_all({INPUT}, {pattern}, 1)", -1)
        unquoted = last
        for quote in ('"', "'"):
            unquoted = gen.dialect.replace_all(
                unquoted, gen.string(f"^{quote}(.*){quote}$"), gen.string(gen.dialect.group_ref(1))
            )
        values.setdefault(key, []).append(unquoted)
    return f"SELECT {computed_columns(step, values)}\n  FROM ({inner})"


OPERATORS = (
    Operator(KeyValue, plan_kv, kv_sql, ("kv", "keyvalue"), parse_kv),
    Operator(KvAuto, plan_kv_auto, kv_auto_sql, pending=kv_keys_sql),
)
