"""`explain`: every stage of the front end for one query, as readable text."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from reportgen.query.compile import compile_query
from reportgen.query.operators.transpose import Transpose
from reportgen.query.parser import parse_query
from reportgen.query.plan.lookups import LookupTable
from reportgen.query.plan.steps import Step
from reportgen.query.rules import Rule
from reportgen.query.sql.dialect import DUCKDB, Dialect
from reportgen.query.syntax.nodes import dump
from reportgen.query.syntax.scope import ScopeLexer
from reportgen.query.syntax.tokens import split_scope, split_stages, tokenize
from reportgen.timerange import Window


def _label(step: Step, index: int) -> str:
    name = type(step.node).__name__
    return f"{index}. {'search ' + name if index == 0 else name} [{step.phase}]"


def explain(
    text: str,
    window: Window,
    dialect: Dialect = DUCKDB,
    *,
    extra: Sequence[str] = (),
    tables: Mapping[str, LookupTable] | None = None,
    rules: Sequence[Rule] = (),
) -> str:
    """Tokens, AST, plan (the fields each stage produces) and SQL of `text` in `dialect`;
    `extra`, `tables` and `rules` as for `compile_query` (the engine's fields, lookup and
    extraction rules)."""
    query = parse_query(text)
    lines = [f"query: {query.text}"]
    lines += [f"warning: {w}" for w in query.warnings]
    lines.append("\n== tokens ==")
    end, cleaned, _ = split_scope(query.text)
    scope_tokens = ScopeLexer(cleaned, end, []).tokens()
    shown = [t.text if t.kind in "()!" else f"{t.kind.upper()}({t.text!r})" for t in scope_tokens]
    lines.append("scope: " + " ".join(shown))
    tokens, _ = tokenize(query.text, end)
    for number, (_pipe, stage_tokens) in enumerate(split_stages(tokens), start=1):
        lines.append(f"stage {number}: " + " ".join(repr(t) for t in stage_tokens))
    lines.append("\n== AST ==")
    lines.append("scope:")
    lines.append(dump(query.scope, "  "))
    for number, stage in enumerate(query.stages, start=1):
        lines.append(f"stage {number}:")
        lines.append(dump(stage, "  "))
    compiled = compile_query(
        query, window, extra=extra, tables=tables, rules=rules, dialect=dialect
    )
    lines.append("\n== plan ==")
    previous: set[str] = set()
    for index, step in enumerate(compiled.plan.steps):
        fields = [f"{f.name}:{f.type}" for f in step.schema.visible]
        added = [f"{f.name}:{f.type}" for f in step.schema.visible if f.key not in previous]
        previous = {f.key for f in step.schema.visible}
        lines.append(_label(step, index))
        lines.append("   fields: " + ", ".join(fields))
        if index and added:
            lines.append("   new:    " + ", ".join(added))
        if step.ordering:
            lines.append("   order:  " + ", ".join(dialect.order_term(t) for t in step.ordering))
    lines.append("result: " + ", ".join(f"{c.name}:{c.type}" for c in compiled.columns))
    lines.append(f"kind: {compiled.kind}")
    lines += [f"warning: {w}" for w in compiled.plan.warnings]
    lines.append("\n== SQL ==")
    if compiled.pivot_sql is not None:
        number = (compiled.pivot_stage or 0) + 1
        if isinstance(query.stages[number - 1], Transpose):
            lines.append(f"-- transpose (stage {number}) needs its column values first:")
        else:
            lines.append(f"-- stage {number} needs the keys the data holds first:")
        lines.append(compiled.pivot_sql + ";")
        lines.append(
            "-- then the query is compiled again with one column per value; the stages before it:"
        )
    lines.append(compiled.sql + ";")
    first, last = dialect.param("start"), dialect.param("end")
    bounds = f"{first} = {window.start.isoformat()}, {last} = {window.end.isoformat()}"
    lines.append(f"-- params: {bounds}")
    return "\n".join(lines)
