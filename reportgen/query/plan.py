"""The plan: which fields exist after each stage, their types, and the row order (spec §0, §9).

Planning resolves field names case-insensitively, checks every reference (unknown fields get a
caret and a suggestion; problems of independent stages are all collected), and tracks the order
rows are in so `sort` is stable and `limit` takes the right rows.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from reportgen.errors import QueryError
from reportgen.query import aggregates, post_plan
from reportgen.query.expr_sql import ExprCompiler
from reportgen.query.nodes import (
    AggCall,
    Aggregate,
    Fields,
    JsonAuto,
    KvAuto,
    Limit,
    Name,
    Parse,
    ScopeNode,
    Sort,
    Stage,
    Timeslice,
    Top,
    Transpose,
    Where,
    walk,
)
from reportgen.query.parser import Query
from reportgen.query.pivot import Pivot, dynamic_columns
from reportgen.query.plan_auto import plan_auto
from reportgen.query.plan_ops import more_planners
from reportgen.query.problems import raise_semantic, semantic, unknown_field
from reportgen.query.restrict import effective_scope
from reportgen.query.schema import (
    LINE,
    METADATA,
    METADATA_KEYS,
    RESCUED,
    SOURCE_NAME,
    TS,
    ColumnNames,
    Field,
    OrderTerm,
    Schema,
)

Phase = Literal["messages", "aggregate"]
NEWEST_FIRST = (
    OrderTerm(TS, True, False),
    OrderTerm(SOURCE_NAME, False, True),
    OrderTerm(LINE, True, False),
)


@dataclass(frozen=True)
class Step:
    """One stage after planning: the fields it produces (`schema`) and the row order."""

    node: ScopeNode | Stage
    schema: Schema
    ordering: tuple[OrderTerm, ...]
    phase: Phase
    condition: str | None = None  # `where`: the compiled condition
    pivot: Pivot | None = None  # `transpose`: rows, columns, dynamic columns
    keys: tuple[Field, ...] = ()  # aggregation: the group keys (input columns)
    # computed fields: (key, SQL value) of an expression stage, (key, JSON path) of `json auto`
    computed: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class PendingPivot:
    """A `transpose` whose column values must be fetched first (`stage` indexes query.stages)."""

    stage: int
    columns: tuple[Field, ...]
    auto_input: Field | None = None  # `json auto`/`kv auto`: the field whose keys are needed


@dataclass(frozen=True)
class Plan:
    steps: tuple[Step, ...]
    kind: Phase
    warnings: tuple[str, ...]
    pending: PendingPivot | None = None

    @property
    def output(self) -> tuple[Field, ...]:
        """Result columns: for messages `_messagetime`, `_raw`, added fields, then metadata."""
        visible = self.steps[-1].schema.visible
        if self.steps[-1].phase == "aggregate":
            return visible
        first = [f for key in ("_messagetime", "_raw") for f in visible if f.key == key]
        added = [f for f in visible if f.key not in METADATA_KEYS]
        meta = [f for m in METADATA for f in visible if f.key == m.key and f not in first]
        return (*first, *added, *meta)


def names_in(node: object) -> Iterator[Name]:
    """Every Name inside a node, in source order."""
    return (item for item in walk(node) if isinstance(item, Name))


class Planner:
    def __init__(
        self,
        query: Query,
        pivot_values: Mapping[int, Sequence[str]],
        tz: str = "UTC",
        extra: Sequence[str] = (),
    ) -> None:
        self.query = query
        self.tz = tz
        self.extra = tuple(name for name in extra if name not in METADATA_KEYS)
        self.text = query.text
        self.pivot_values = pivot_values
        self.cols = ColumnNames()
        self.errors: list[QueryError] = []
        self.warnings: list[str] = []
        self.spelling: dict[str, str] = {}
        for name in names_in((query.scope, query.stages)):
            if name.key in METADATA_KEYS:
                self.spelling.setdefault(name.key, name.text)
        self.PLANNERS: dict[type[Any], Callable[[Any, Step], Step]] = {
            Parse: self._plan_parse,
            Timeslice: self._plan_timeslice,
            Aggregate: self._plan_aggregate,
            Top: self._plan_aggregate,
            Sort: self._plan_sort,
            Limit: self._plan_limit,
            Where: self._plan_where,
            Fields: self._plan_fields,
        }
        self.PLANNERS.update(post_plan.planners(self))  # issue 3b
        self.PLANNERS.update(more_planners(self))

    def plan(self) -> Plan:
        fields = tuple(
            Field(m.key, self.spelling.get(m.key, m.key), m.type, self.cols.col(m.key))
            for m in METADATA
        ) + tuple(Field(name, name, "string", self.cols.col(name)) for name in self.extra)
        schema = Schema(fields, (TS, SOURCE_NAME, LINE))
        steps = [Step(effective_scope(self.query), schema, NEWEST_FIRST, "messages")]
        pending = None
        for index, stage in enumerate(self.query.stages):
            if isinstance(stage, Transpose | JsonAuto | KvAuto):
                step_or_pending = (
                    self._plan_transpose(stage, steps[-1], index)
                    if isinstance(stage, Transpose)
                    else plan_auto(self, stage, steps[-1], index)
                )
                if isinstance(step_or_pending, PendingPivot):
                    pending = step_or_pending
                    break
                steps.append(step_or_pending)
                continue
            steps.append(self.PLANNERS[type(stage)](stage, steps[-1]))
        raise_semantic(self.errors)
        aggregated = any(isinstance(s, Aggregate | Top | Transpose) for s in self.query.stages)
        kind: Phase = "aggregate" if aggregated else "messages"
        return Plan(tuple(steps), kind, tuple(self.warnings), pending)

    def _field(self, schema: Schema, name: Name) -> Field | None:
        found = schema.get(name.key)
        if found is None:
            self.errors.append(unknown_field(self.text, name.span, name.text, schema.names))
        return found

    def _plan_parse(self, stage: Parse, prev: Step) -> Step:
        schema = prev.schema
        if stage.source is not None:
            self._field(schema, stage.source)
        elif schema.get("_raw") is None:
            message = "'parse' reads '_raw', which is gone after aggregation"
            self.errors.append(semantic(self.text, stage.span, message, "use 'parse field=<name>'"))
        for name in stage.names:
            existing = schema.get(name.key)
            display = existing.name if existing else name.text
            schema = schema.put(Field(name.key, display, "string", self.cols.col(name.key)))
        if stage.nodrop:
            schema = schema.with_internal(RESCUED)
        return dataclasses.replace(prev, node=stage, schema=schema, condition=None, pivot=None)

    def _plan_timeslice(self, stage: Timeslice, prev: Step) -> Step:
        if TS not in prev.schema.internal:
            message = "'timeslice' needs messages; put it before the aggregation"
            self.errors.append(semantic(self.text, stage.span, message))
        key, display = "_timeslice", "_timeslice"
        if stage.alias is not None:
            key, display = stage.alias.key, stage.alias.text
        schema = prev.schema.put(Field(key, display, "time", self.cols.col(key)))
        return dataclasses.replace(prev, node=stage, schema=schema, condition=None, pivot=None)

    def _plan_aggregate(self, stage: Aggregate | Top, prev: Step) -> Step:
        by = stage.by if isinstance(stage, Aggregate) else stage.fields
        calls = stage.calls if isinstance(stage, Aggregate) else ()
        args = [self._field(prev.schema, c.arg) if c.arg is not None else None for c in calls]
        keys: list[Field] = []
        outputs: list[Field] = []
        for name in by:
            found = self._field(prev.schema, name)
            column = found.col if found else self.cols.col(name.key)
            keys.append(
                Field(
                    name.key,
                    found.name if found else name.text,
                    found.type if found else "string",
                    column,
                )
            )
            outputs.append(keys[-1])
        owners: list[Name | AggCall] = list(by)
        for call, arg in zip(calls, args, strict=True):
            recent = aggregates.canonical(call.func.text) in ("most_recent", "least_recent")
            if recent and TS not in prev.schema.internal:
                message = f"{call.func.text}() needs messages; put it before the aggregation"
                self.errors.append(semantic(self.text, call.span, message))
            for out in aggregates.outputs(call, arg):
                outputs.append(
                    Field(out.name.lower(), out.name, out.type, self.cols.col(out.name.lower()))
                )
                owners.append(call)
        if isinstance(stage, Top):
            outputs.append(Field("_count", "_count", "number", self.cols.col("_count")))
        seen: set[str] = set()
        for index, output in enumerate(outputs):
            if output.key in seen:
                span = owners[index].span if index < len(owners) else stage.span
                message = f"duplicate output name '{output.name}'"
                self.errors.append(semantic(self.text, span, message, "rename one with 'as'"))
            seen.add(output.key)
        ordering = tuple(OrderTerm(k.col, False, k.type == "string") for k in keys)
        frequent = any(c.func.key == "count_frequent" for c in calls)
        if isinstance(stage, Top) or frequent:
            ordering = (OrderTerm(outputs[-1].col, True, False), *ordering)
        return Step(stage, Schema(tuple(outputs)), ordering, "aggregate", keys=tuple(keys))

    def _plan_sort(self, stage: Sort, prev: Step) -> Step:
        terms: list[OrderTerm] = []
        for key in stage.keys:
            found = self._field(prev.schema, key.field)
            if found is not None:
                terms.append(OrderTerm(found.col, key.descending, found.type == "string"))
        # the previous order breaks ties: a stable sort
        ordering = (*terms, *(t for t in prev.ordering if t.col not in {u.col for u in terms}))
        return dataclasses.replace(prev, node=stage, ordering=ordering, condition=None, pivot=None)

    def _plan_limit(self, stage: Limit, prev: Step) -> Step:
        return dataclasses.replace(prev, node=stage, condition=None, pivot=None)

    def _plan_where(self, stage: Where, prev: Step) -> Step:
        compiler = ExprCompiler(self.text, prev.schema, self.errors, self.tz)
        condition = compiler.condition(stage.condition)
        return dataclasses.replace(prev, node=stage, condition=condition, pivot=None)

    def _plan_fields(self, stage: Fields, prev: Step) -> Step:
        for name in stage.names:
            self._field(prev.schema, name)
        listed = [name.key for name in stage.names]
        fields: list[Field] = []
        for item in prev.schema.fields:
            if stage.remove:
                hidden = item.hidden or item.key in listed
            else:
                keep = item.key in listed or (prev.phase == "messages" and item.key.startswith("_"))
                hidden = item.hidden or not keep
            fields.append(dataclasses.replace(item, hidden=hidden))
        if not stage.remove:
            fields.sort(key=lambda f: listed.index(f.key) if f.key in listed else len(listed))
        schema = dataclasses.replace(prev.schema, fields=tuple(fields))
        return dataclasses.replace(prev, node=stage, schema=schema, condition=None, pivot=None)

    def _plan_transpose(self, stage: Transpose, prev: Step, index: int) -> Step | PendingPivot:
        if prev.phase != "aggregate":
            message = "'transpose' needs aggregated rows"
            self.errors.append(
                semantic(self.text, stage.span, message, "aggregate first, e.g. 'count by ...'")
            )
        rows = [f for name in stage.rows if (f := self._field(prev.schema, name)) is not None]
        columns = [f for name in stage.columns if (f := self._field(prev.schema, name)) is not None]
        used = {f.key for f in rows + columns}
        values = [f for f in prev.schema.visible if f.key not in used]
        if not values and len(rows) == len(stage.rows) and len(columns) == len(stage.columns):
            message = "'transpose' needs a value field besides the row and column fields"
            self.errors.append(semantic(self.text, stage.span, message))
        if self.errors or not values:
            return Step(stage, prev.schema, prev.ordering, "aggregate")
        if index not in self.pivot_values:
            return PendingPivot(index, tuple(columns))
        row_fields = tuple(
            dataclasses.replace(f, name=n.text) for f, n in zip(rows, stage.rows, strict=True)
        )
        dynamic = dynamic_columns(
            self.pivot_values[index],
            values,
            stage.outputs,
            stage.rest,
            {f.key for f in row_fields},
            self.cols,
            self.warnings,
        )
        pivot = Pivot(row_fields, tuple(columns), tuple(values), dynamic)
        schema = Schema(row_fields + tuple(d.field for d in dynamic))
        ordering = tuple(OrderTerm(f.col, False, f.type == "string") for f in row_fields)
        return Step(stage, schema, ordering, "aggregate", pivot=pivot)


def build_plan(
    query: Query,
    pivot_values: Mapping[int, Sequence[str]] | None = None,
    tz: str = "UTC",
    extra: Sequence[str] = (),
) -> Plan:
    """Plan `query` (`tz`: the report zone of date functions); raise `QueryError` listing every
    problem found. `extra` names the string columns of the log table beyond METADATA
    (sources.yaml `fields`), lower case."""
    return Planner(query, pivot_values or {}, tz, extra).plan()
