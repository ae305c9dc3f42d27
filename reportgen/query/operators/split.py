"""`csv f extract ...` and `split f delim=':' extract 1 as a, b, _` (spec §4.6).

Cells are cut by one regex; quoted cells lose their quotes and escapes are undone. Rows are never
dropped; a missing column is null.
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from reportgen.errors import Span
from reportgen.query.operators.base import Operator
from reportgen.query.operators.parsing import INPUT, input_sql, put_strings
from reportgen.query.syntax.nodes import Name
from reportgen.query.syntax.stream import Stream
from reportgen.query.syntax.tokens import Kind, Token

if TYPE_CHECKING:
    from reportgen.query.generator import SqlGenerator
    from reportgen.query.plan.steps import Step
    from reportgen.query.planner import Planner


@dataclass(frozen=True)
class Split:
    """`csv f extract ...` / `split f delim=':' extract 1 as a, b, _`; 1-based indexes."""

    source: Name
    delim: str
    escape: str
    quote: str
    items: tuple[tuple[int, Name], ...]
    span: Span


def parse_split(stream: Stream, first: Token) -> Split:
    """`csv` cuts at commas; `split` takes `delim='c'` too."""
    allow_delim = first.is_word("split")
    source = stream.name(f"the field to split after '{first.text}' (e.g. _raw)")
    chars = {"delim": ",", "escape": "\\", "quote": '"'}
    allowed = ("delim", "escape", "quote") if allow_delim else ("escape", "quote")
    while (option := stream.accept_word(*allowed)) is not None:
        stream.expect_op("=", f"'{option.text}'")
        value = stream.peek()
        if value is None or value.kind is not Kind.CHAR or len(value.value) != 1:
            raise stream.error(f"expected one character in single quotes after '{option.text}='")
        stream.pos += 1
        chars[option.text.lower()] = value.value
        stream.accept_op(",")
    if len(set(chars.values())) != 3:
        message = "delim, escape and quote must be three different characters"
        raise stream.error_at(stream.span_from(first.span.start), message)
    stream.expect_word("extract", "the options")
    items: list[tuple[int, Name]] = []
    index = 0
    while True:
        token = stream.peek()
        if token is not None and token.kind is Kind.NUMBER and token.text.isdigit():
            stream.pos += 1
            index = int(token.text)
            if index < 1:
                raise stream.error_at(token.span, "column numbers start at 1")
            stream.expect_word("as", "the column number")
            items.append((index, stream.name("a field name")))
        else:
            index += 1
            name = stream.name("a field name, '_' or 'N as name'")
            if name.text != "_":
                items.append((index, name))
        if not stream.accept_op(","):
            break
    stream.no_duplicates([name for _, name in items])
    span = stream.span_from(first.span.start)
    return Split(source, chars["delim"], chars["escape"], chars["quote"], tuple(items), span)


def plan_split(planner: Planner, stage: Split, prev: Step) -> Step:
    planner.field(prev.schema, stage.source)
    step = put_strings(planner, prev, tuple(name for _, name in stage.items))
    return dataclasses.replace(step, node=stage)


def _cell_regex(delim: str, escape: str, quote: str) -> str:
    d, e, q = (re.escape(c) for c in (delim, escape, quote))
    quoted = f"{q}(?:[^{q}{e}]|{e}.|{q}{q})*{q}"
    plain = f"(?:[^{d}{e}]|{e}.)*"
    return f"(?s)(?:^|{d})({quoted}|{plain})"


def split_sql(gen: SqlGenerator, step: Step, prev: Step | None) -> str:
    assert prev is not None and isinstance(step.node, Split)
    node = step.node
    inner = input_sql(gen, prev, node.source.key)
    pattern = gen.string(_cell_regex(node.delim, node.escape, node.quote))
    cells = f"regexp_extract_all({INPUT}, {pattern}, 1)"
    d = gen.dialect
    inner = f"SELECT *, {cells} AS __rg_cells FROM ({inner})"
    q, e = re.escape(node.quote), re.escape(node.escape)
    unescape = gen.string(f"{e}(.)")
    targets = {name.key: index for index, name in node.items}
    columns: list[str] = []
    for field in step.schema.fields:
        if field.key not in targets:
            columns.append(field.col)
            continue
        cell = d.list_at("__rg_cells", targets[field.key])
        quoted = gen.string(f"(?s)^{q}(.*){q}$")
        unquoted = (
            f"CASE WHEN {d.find(cell, quoted)} "
            f"THEN replace(regexp_extract({cell}, {quoted}, 1), {gen.string(node.quote * 2)}, "
            f"{gen.string(node.quote)}) ELSE {cell} END"
        )
        unescaped = d.replace_all(unquoted, unescape, gen.string(d.group_ref(1)))
        columns.append(f"{unescaped} AS {field.col}")
    columns += list(step.schema.internal)
    return f"SELECT {', '.join(columns)}\n  FROM ({inner})"


OPERATORS = (Operator(Split, plan_split, split_sql, ("csv", "split"), parse_split),)
