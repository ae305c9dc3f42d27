"""Field extraction rules (Sumo FERs, sources.yaml `field_extraction_rules`): fields every query
has, extracted from the messages a rule's scope selects (null elsewhere).

A rule is a scope (a search expression over metadata and keywords) and a pipeline of parse
operators and field expressions. It never drops a message: where Sumo's ingest would give up on
a message (a parse without `nodrop` that does not match), the rule's fields stay null for it, all
of them ("all or nothing").

How it runs, on any engine: the search step of every query computes each rule's scope as a flag
column, then runs each rule's stages with the operators' own SQL over all messages of the window
(the rule reads `_raw` only where its flag holds, so parsers skip the others), with a keep flag
instead of a filter, and seals the rule's fields (null where the flag or keep is false) into
private columns. The query then sees one column per field, the first rule's value where several
rules fill it, and its own scope may test them (`cve=CVE-2024-1*`), after the rules ran.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from reportgen.errors import QuerySyntaxError, ReportgenError, Span
from reportgen.query.operators import operator_of
from reportgen.query.operators.json import Json
from reportgen.query.operators.kv import KeyValue
from reportgen.query.operators.parse import Parse, ParseRegex
from reportgen.query.operators.rows import Assign, Fields
from reportgen.query.operators.split import Split
from reportgen.query.parser import Query, parse_query
from reportgen.query.plan.schema import KEEP, ColumnNames, Field, Schema
from reportgen.query.plan.steps import Step
from reportgen.query.problems import span_of, syntax, where
from reportgen.query.restrict import parse_scope_text
from reportgen.query.sql.dialect import Dialect
from reportgen.query.sql.scope import scope_sql
from reportgen.query.syntax.nodes import Name, ScopeAll, ScopeNode, Stage

if TYPE_CHECKING:
    from reportgen.query.generator import SqlGenerator

ALLOWED = (Parse, ParseRegex, Json, KeyValue, Split, Assign, Fields)
MASKED_RAW = "__rg_rule_raw"  # `_raw` where the rule's scope holds, else null


@dataclass(frozen=True)
class Rule:
    """A field extraction rule, parsed: `query` holds the parse pipeline (its text starts with
    the `|` the parser needs, so spans are one past the rule's own text)."""

    name: str
    scope: ScopeNode
    query: Query

    @property
    def stages(self) -> tuple[Stage, ...]:
        return self.query.stages


def parse_rule(name: str, scope: str | None, parse: str) -> Rule:
    """Parse a rule's scope and pipeline; a `RuleSyntaxError` says which text is wrong, with
    spans into it."""
    node: ScopeNode = ScopeAll(Span("query", 1, 1, 0, 0))
    if scope is not None and scope.strip():
        try:
            node = parse_scope_text(scope)
        except QuerySyntaxError as error:
            raise _renamed(error, "scope", scope, 0) from None
    try:
        query = parse_query("|" + parse)
    except QuerySyntaxError as error:
        raise _renamed(error, "parse", parse, 1) from None
    problems: list[ReportgenError] = []
    for stage in query.stages:
        problem = _not_allowed(query.text, stage)
        if problem is not None:
            problems.append(problem)
    if problems:
        first = problems[0]
        found = QuerySyntaxError(first.message, first.span, text=first.text, errors=problems)
        raise _renamed(found, "parse", parse, 1)
    return Rule(name, node, query)


def _not_allowed(text: str, stage: Stage) -> ReportgenError | None:
    if not isinstance(stage, ALLOWED):
        word = text[stage.span.start : stage.span.end].split()[0]
        message = f"'{word}' cannot be used in a field extraction rule"
        hint = "rules hold parse, parse regex, json, kv, csv, split, fields and field expressions"
        return syntax(text, stage.span, message, hint)
    if isinstance(stage, ParseRegex) and stage.multi:
        return syntax(text, stage.span, "'multi' cannot be used in a field extraction rule")
    targets = [stage.target] if isinstance(stage, Assign) else list(getattr(stage, "names", ()))
    for name in targets:
        if isinstance(name, Name) and name.text.startswith("_"):
            message = f"a field extraction rule cannot set '{name.text}'"
            hint = "rules extract fields named with a letter first"
            return syntax(text, name.span, message, hint)
    return None


class RuleSyntaxError(QuerySyntaxError):
    """A problem in a rule's `part` ("scope" or "parse"): spans point into that text."""

    def __init__(self, part: str, problems: list[ReportgenError]) -> None:
        first = problems[0]
        super().__init__(
            first.message, first.span, hint=first.hint, text=first.text, errors=problems
        )
        self.part = part


def _renamed(error: QuerySyntaxError, part: str, text: str, shift: int) -> RuleSyntaxError:
    """`error` with its spans (and the column its messages name) moved into `text`, the rule's
    own scope or parse text."""

    def moved(problem: ReportgenError) -> ReportgenError:
        span = problem.span
        if span is None:
            return problem
        start = max(0, span.start - shift)
        located = span_of(text, start, max(start, span.end - shift))
        message = re.sub(r" at (?:line \d+, )?column \d+$", "", problem.message)
        if message != problem.message:
            message += f" at {where(text, located)}"
        return type(problem)(message, located, hint=problem.hint, text=text)

    return RuleSyntaxError(part, [moved(problem) for problem in error.errors])


# --- planning ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class RulePlan:
    """One rule, planned: the schema it starts from, its steps, and its fields (key, display
    name, private column)."""

    rule: Rule
    flag: str
    start: Schema
    steps: tuple[Step, ...]
    outputs: tuple[Field, ...]


@dataclass(frozen=True)
class RulesPlan:
    """Every rule, and the fields they give the query (one column each)."""

    rules: tuple[RulePlan, ...]
    fields: tuple[Field, ...]
    sources: tuple[tuple[str, tuple[str, ...]], ...]  # field key -> private columns, in order

    @property
    def flags(self) -> tuple[str, ...]:
        return tuple(plan.flag for plan in self.rules)


def start_schema(
    base: Schema, flags: tuple[str, ...], carried: tuple[str, ...], quote: Callable[[str], str]
) -> Schema:
    """What a rule's stages start from: the message fields, with `_raw` masked by the rule's
    scope (the real one passes through as an internal column), the rules' flags, the fields of
    the rules before it, and the keep flag. `quote` quotes identifiers (the dialect's)."""
    raw = base.get("_raw")
    assert raw is not None
    fields = tuple(
        dataclasses.replace(f, col=quote(MASKED_RAW)) if f.key == "_raw" else f for f in base.fields
    )
    return Schema(fields, (*base.internal, raw.col, *flags, *carried, KEEP))


def public_fields(plans: list[RulePlan], cols: ColumnNames) -> RulesPlan:
    """The fields the query sees: one per name (the first rule's spelling), each read from the
    private columns of the rules that fill it, first rule first."""
    fields: dict[str, Field] = {}
    sources: dict[str, list[str]] = {}
    for plan in plans:
        for output in plan.outputs:
            sources.setdefault(output.key, []).append(output.col)
            if output.key not in fields:
                fields[output.key] = Field(output.key, output.name, "string", "")
    named = tuple(dataclasses.replace(field, col=cols.col(key)) for key, field in fields.items())
    ordered = tuple((key, tuple(columns)) for key, columns in sources.items())
    return RulesPlan(tuple(plans), named, ordered)


# --- SQL --------------------------------------------------------------------------------------


def rules_sql(gen: SqlGenerator, rules: RulesPlan, base: Step, add: Callable[[str], None]) -> None:
    """The CTEs of every rule, after the search CTE holding the flags (`add` appends one CTE
    and makes it `gen.source`); the last one holds the query's fields and the rules' fields."""
    carried: list[str] = []
    for plan in rules.rules:
        raw = plan.start.internal[len(base.schema.internal)]
        columns = [
            f"CASE WHEN {plan.flag} THEN {raw} END AS {f.col}" if f.key == "_raw" else f.col
            for f in plan.start.fields
        ]
        keep = [f"{plan.flag} AS {KEEP}" if c == KEEP else c for c in plan.start.internal]
        add(f"SELECT {', '.join(columns + keep)}\n  FROM {gen.source}")
        prev = Step(plan.rule.scope, plan.start, base.ordering, "messages")
        for step in plan.steps:
            body = operator_of(step.node).sql(gen, step, prev)
            if body is not None:
                add(body)
            prev = step
        sealed = [f"CASE WHEN {KEEP} THEN {f.col} END AS {f.col}" for f in plan.outputs]
        keepers = [raw, *(c for c in base.schema.internal), *rules.flags, *carried]
        real = [f.col for f in plan.start.fields if f.key != "_raw"]
        add(f"SELECT {', '.join([*real, *keepers, *sealed])}\n  FROM {gen.source}")
        carried += [f.col for f in plan.outputs]


def final_sql(gen: SqlGenerator, rules: RulesPlan, step: Step, predicate: str) -> str:
    """The search step's rows: the message fields, each rule field (first rule that filled
    it), the internal columns, and the part of the query's scope that tests rule fields."""
    sources = dict(rules.sources)
    columns = [
        (f"coalesce({', '.join(sources[f.key])})" if f.key in sources else f.col) + f" AS {f.col}"
        for f in step.schema.fields
    ]
    columns += list(step.schema.internal)
    sql = f"SELECT {', '.join(columns)}\n  FROM {gen.source}"
    return sql if predicate == "TRUE" else f"SELECT * FROM ({sql}) AS t\n  WHERE {predicate}"


def flag_columns(rules: RulesPlan, dialect: Dialect) -> list[str]:
    """The rules' scope tests, as columns of the search CTE (over the log table `t`)."""
    return [f"{scope_sql(plan.rule.scope, dialect)} AS {plan.flag}" for plan in rules.rules]
