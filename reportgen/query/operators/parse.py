"""`parse "pattern" as a, b` (spec §4.1) and `parse regex` / `extract` (§4.3). Anchor
patterns and their SQL are in `anchors.py`.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import TYPE_CHECKING

from reportgen.errors import Span, suggestion
from reportgen.query.operators.anchors import anchor_positions, split_anchor
from reportgen.query.operators.base import Operator
from reportgen.query.operators.parsing import (
    INPUT,
    Capture,
    extraction_sql,
    input_sql,
    plan_extraction,
    put_strings,
    source_option,
    strings,
)
from reportgen.query.plan.schema import METADATA_KEYS, RESCUED
from reportgen.query.problems import semantic, span_of
from reportgen.query.regex import scan_groups
from reportgen.query.syntax.nodes import Name, RegexLiteral, Stage
from reportgen.query.syntax.stream import Stream
from reportgen.query.syntax.tokens import Kind, Token

if TYPE_CHECKING:
    from reportgen.query.generator import SqlGenerator
    from reportgen.query.plan.steps import Step
    from reportgen.query.planner import Planner

# how the docs spell the metadata a named group may set (for suggestions)
METADATA_NAMES = (
    "_sourceHost", "_sourceCategory", "_sourceName", "_source", "_collector", "_raw",
    "_messageTime", "_receiptTime", "_size", "_messageCount", "_format",
)  # fmt: skip


@dataclass(frozen=True)
class AnchorPattern:
    """One `"pattern" as a, b` of a `parse`; `pattern` is the raw literal text."""

    pattern: str
    pattern_span: Span
    names: tuple[Name, ...]


@dataclass(frozen=True)
class Parse:
    """`parse [field=f] "pattern" as a, b [, "pattern2" as c ...] [nodrop]` (§4.1). Several
    patterns are matched independently against the input, each from its start; without
    `nodrop` a row must match them all."""

    patterns: tuple[AnchorPattern, ...]
    source: Name | None
    nodrop: bool
    span: Span

    @property
    def pattern(self) -> str:
        return self.patterns[0].pattern

    @property
    def names(self) -> tuple[Name, ...]:
        return tuple(name for item in self.patterns for name in item.names)


@dataclass(frozen=True)
class ParseRegex:
    """`parse regex [field=f] "re" [, "re2"] [multi] [nodrop]` and `extract` (§4.3).

    `regexes` keep the Java text (checked by the engine); `groups` are the named groups of each."""

    regexes: tuple[RegexLiteral, ...]
    groups: tuple[tuple[Name, ...], ...]
    source: Name | None
    multi: bool
    nodrop: bool
    span: Span

    @property
    def names(self) -> tuple[Name, ...]:
        return tuple(name for names in self.groups for name in names)


# --- parse "pattern" --------------------------------------------------------------------------


def parse_parse(stream: Stream, first: Token) -> Stage:
    if stream.accept_word("regex") is not None:
        return parse_regex(stream, first)
    if (mode := stream.accept_word("xml")) is not None:
        raise stream.out_of_scope(
            span_of(stream.text, first.span.start, mode.span.end), f"operator 'parse {mode.text}'"
        )
    source = None
    if stream.accept_word("field"):
        stream.expect_op("=", "'field'")
        source = stream.name("the field to parse after 'field='")
    patterns = [_anchor_pattern(stream, "after 'parse'")]
    while (comma := stream.peek()) is not None and comma.is_op(","):
        stream.pos += 1
        patterns.append(_anchor_pattern(stream, "after ','"))
    nodrop = stream.accept_word("nodrop") is not None
    names = [name for item in patterns for name in item.names]
    stream.no_duplicates(names)
    span = stream.span_from(first.span.start)
    return Parse(tuple(patterns), source, nodrop, span)


def _anchor_pattern(stream: Stream, where: str) -> AnchorPattern:
    """`"pattern" as a, b` or `as (a, b)`; the names stop before a `,` and another pattern."""
    pattern = stream.peek()
    if pattern is None or pattern.kind is not Kind.STRING:
        raise stream.error(f"expected a quoted pattern {where}")
    stream.pos += 1
    raw = pattern.text[1:-1]
    stream.expect_word("as", "the parse pattern")
    parenthesised = stream.accept_op("(") is not None
    names = [stream.name("a field name")]
    while (comma := stream.peek()) is not None and comma.is_op(","):
        following = stream.peek(1)
        if following is not None and following.kind is Kind.STRING and not parenthesised:
            break
        stream.pos += 1
        names.append(stream.name("a field name"))
    if parenthesised:
        stream.expect_op(")", "the field names")
    anchor = split_anchor(raw)
    if anchor.double_star:
        raise stream.error_at(pattern.span, "'**' in a parse pattern")
    if anchor.stars != len(names):
        stars = f"{anchor.stars} '*'" if anchor.stars != 1 else "1 '*'"
        plural = "s" if len(names) != 1 else ""
        message = f"parse pattern has {stars} but {len(names)} name{plural} after 'as'"
        raise stream.error_at(pattern.span, message)
    return AnchorPattern(raw, pattern.span, tuple(names))


def plan_parse(planner: Planner, stage: Parse, prev: Step) -> Step:
    if stage.source is not None:
        planner.field(prev.schema, stage.source)
    elif prev.schema.get("_raw") is None:
        message = "'parse' reads '_raw', which is gone after aggregation"
        planner.errors.append(
            semantic(planner.text, stage.span, message, "use 'parse field=<name>'")
        )
    step = put_strings(planner, prev, stage.names)
    schema = step.schema.with_internal(RESCUED) if stage.nodrop else step.schema
    return dataclasses.replace(step, node=stage, schema=schema)


def parse_sql(gen: SqlGenerator, step: Step, prev: Step | None) -> str:
    """Anchor parse; rows that do not match are dropped unless `nodrop` or rescued by an
    earlier nodrop parse (§4.2)."""
    assert prev is not None and isinstance(step.node, Parse)
    node = step.node
    inner = input_sql(gen, prev, node.source.key if node.source else "_raw")
    captured: list[Capture] = []
    conditions: list[str] = []
    for number, item in enumerate(node.patterns):
        segments = split_anchor(item.pattern).segments
        prefix = f"__rg_p{number}_" if number else "__rg_p"
        found, captures, matched = anchor_positions(gen, segments, prefix)
        for position in found:
            inner = f"SELECT *, {position} FROM ({inner})"
        pairs = zip(item.names, captures, strict=True)
        captured += [Capture(name.key, matched, capture) for name, capture in pairs]
        conditions.append(matched)
    matched = conditions[0] if len(conditions) == 1 else "(" + " AND ".join(conditions) + ")"
    return extraction_sql(gen, step, prev, inner, captured, matched, node.nodrop)


# --- parse regex / extract --------------------------------------------------------------------


def parse_regex(stream: Stream, first: Token) -> Stage:
    source = source_option(stream)
    patterns = strings(stream, "a quoted regular expression")
    source = source or source_option(stream)
    multi = nodrop = False
    while (option := stream.accept_word("multi", "nodrop")) is not None:
        multi = multi or option.text.lower() == "multi"
        nodrop = nodrop or option.text.lower() == "nodrop"
    regexes: list[RegexLiteral] = []
    groups: list[tuple[Name, ...]] = []
    seen: set[str] = set()
    for token in patterns:
        found, problems = scan_groups(token.text[1:-1])
        if problems:
            start = token.span.start + 1 + problems[0].offset
            span = span_of(stream.text, start, start + problems[0].length)
            raise stream.error_at(span, problems[0].message)
        if not found:
            hint = "name what to extract, e.g. '(?<user>\\w+)'"
            raise stream.error_at(token.span, "regular expression without a named group", hint)
        names: list[Name] = []
        for group in found:
            start = token.span.start + 1 + group.offset
            span = span_of(stream.text, start, start + len(group.name) + 4)
            if group.name.lower() in seen:
                raise stream.error_at(span, f"duplicate group name '{group.name}'")
            if group.name.startswith("_") and group.name.lower() not in METADATA_KEYS:
                message = f"group name '{group.name}' starts with '_' but is no metadata field"
                hint = suggestion(group.name, METADATA_NAMES) or "names start with a letter"
                raise stream.error_at(span, message, hint)
            seen.add(group.name.lower())
            names.append(Name(group.name, span))
        regexes.append(RegexLiteral(token.value, token.span))
        groups.append(tuple(names))
    span = stream.span_from(first.span.start)
    return ParseRegex(tuple(regexes), tuple(groups), source, multi, nodrop, span)


def plan_parse_regex(planner: Planner, stage: ParseRegex, prev: Step) -> Step:
    if stage.multi and len(stage.regexes) > 1:
        message = "'multi' takes one regular expression"
        planner.errors.append(
            semantic(planner.text, stage.span, message, "use one 'parse regex' per expression")
        )
    return plan_extraction(planner, stage, prev, stage.names)


def parse_regex_sql(gen: SqlGenerator, step: Step, prev: Step | None) -> str:
    assert prev is not None and isinstance(step.node, ParseRegex)
    node = step.node
    inner = input_sql(gen, prev, node.source.key if node.source else "_raw")
    captures: list[Capture] = []
    found: list[str] = []
    d = gen.dialect
    if node.multi:
        pattern = node.regexes[0].pattern
        lists = [d.regex_group_all(INPUT, pattern, i) for i in range(1, 1 + len(node.groups[0]))]
        inner = f"SELECT *, coalesce({d.list_size(lists[0])} > 0, false) AS __rg_m FROM ({inner})"
        inner = d.explode_lists(inner, lists, [f"__rg_c{i}" for i in range(len(lists))])
        captures = [
            Capture(name.key, "__rg_m", f"__rg_c{i}") for i, name in enumerate(node.groups[0])
        ]
        return extraction_sql(gen, step, prev, inner, captures, "__rg_m", node.nodrop)
    for literal, names in zip(node.regexes, node.groups, strict=True):
        regex = gen.regex(literal.pattern)
        hit = f"coalesce({d.find(INPUT, regex)}, false)"
        found.append(hit)
        for index, name in enumerate(names, start=1):
            captures.append(Capture(name.key, hit, d.regex_group(INPUT, literal.pattern, index)))
    matched = "(" + " AND ".join(found) + ")"
    return extraction_sql(gen, step, prev, inner, captures, matched, node.nodrop)


OPERATORS = (
    Operator(Parse, plan_parse, parse_sql, ("parse",), parse_parse),
    Operator(ParseRegex, plan_parse_regex, parse_regex_sql, ("extract",), parse_regex),
)
