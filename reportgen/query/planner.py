"""Planning: which fields exist after each stage, their types, and the row order (spec §0, §9).

Planning resolves field names case-insensitively, checks every reference (unknown fields get a
caret and a suggestion; problems of independent stages are all collected), and tracks the order
rows are in so `sort` is stable and `limit` takes the right rows.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence

from reportgen.errors import QueryError, suggestion
from reportgen.query.operators import operator_of
from reportgen.query.parser import Query
from reportgen.query.plan.lookups import BUILT_IN_SCHEMES, LookupTable
from reportgen.query.plan.schema import (
    LINE,
    METADATA,
    METADATA_KEYS,
    SOURCE_NAME,
    TS,
    ColumnNames,
    Field,
    Schema,
)
from reportgen.query.plan.steps import NEWEST_FIRST, PendingPivot, Phase, Plan, Step
from reportgen.query.problems import raise_semantic, semantic, unknown_field
from reportgen.query.restrict import effective_scope
from reportgen.query.syntax.nodes import Name, TableRef, walk


def names_in(node: object) -> Iterator[Name]:
    """Every Name inside a node, in source order."""
    return (item for item in walk(node) if isinstance(item, Name))


class Planner:
    """Plans one query: each stage's operator (found in the registry) turns the previous step
    into the next. Operators use `field()` to resolve names (an unknown one is recorded with a
    caret and a suggestion), `errors` and `warnings` to report, `cols` to name new columns, and
    `index` (the stage being planned) with `pivot_values` for fields that come from the data."""

    def __init__(
        self,
        query: Query,
        pivot_values: Mapping[int, Sequence[str]],
        tz: str = "UTC",
        extra: Sequence[str] = (),
        inferred: Mapping[int, Sequence[Name]] | None = None,
        tables: Mapping[str, LookupTable] | None = None,
    ) -> None:
        self.query = query
        self.tz = tz
        self.extra = tuple(name for name in extra if name not in METADATA_KEYS)
        self.text = query.text
        self.pivot_values = pivot_values
        self.tables = dict(tables or {})  # lookup tables by the key queries name them with
        self.cols = ColumnNames()
        self.errors: list[QueryError] = []
        self.warnings: list[str] = []
        self.index = 0
        # names used after a `json auto`/`kv auto` (by stage index) that its data may hold
        self.inferred = dict(inferred or {})
        self.new_inferred: dict[int, dict[str, Name]] = {}
        self.spelling: dict[str, str] = {}
        for name in names_in((query.scope, query.stages)):
            if name.key in METADATA_KEYS:
                self.spelling.setdefault(name.key, name.text)

    def plan(self) -> Plan | None:
        """The plan; None when names turned out to come from an auto stage's data
        (`new_inferred`): plan again with them."""
        fields = tuple(
            Field(m.key, self.spelling.get(m.key, m.key), m.type, self.cols.col(m.key))
            for m in METADATA
        ) + tuple(Field(name, name, "string", self.cols.col(name)) for name in self.extra)
        schema = Schema(fields, (TS, SOURCE_NAME, LINE))
        steps = [Step(effective_scope(self.query), schema, NEWEST_FIRST, "messages")]
        pending = None
        for index, stage in enumerate(self.query.stages):
            self.index = index
            planned = operator_of(stage).plan(self, stage, steps[-1])
            if isinstance(planned, PendingPivot):
                pending = planned
                break
            steps.append(planned)
        if self.new_inferred:
            return None
        raise_semantic(self.errors)
        kind: Phase = "aggregate" if any(s.phase == "aggregate" for s in steps) else "messages"
        return Plan(tuple(steps), kind, tuple(self.warnings), pending)

    def field(self, schema: Schema, name: Name) -> Field | None:
        """The field `name` refers to, or None after recording an "unknown field" error."""
        found = schema.get(name.key)
        if found is None:
            auto = schema.open_at
            if auto is not None and name.key not in {n.key for n in self.inferred.get(auto, ())}:
                self.new_inferred.setdefault(auto, {}).setdefault(name.key, name)
                return None
            self.errors.append(unknown_field(self.text, name.span, name.text, schema.names))
        return found

    def table(self, ref: TableRef) -> LookupTable | None:
        """The table `ref` names, or None after recording why it cannot be used."""
        table = self.tables.get(ref.key)
        if table is not None:
            return table
        if ref.path.lower().startswith(BUILT_IN_SCHEMES):
            message = (
                f"lookup table '{ref.path}' is out of scope: reportgen runs queries over a log "
                "snapshot only"
            )
            hint = "map it to a local CSV under 'lookups:' in sources.yaml (see 'Out of scope')"
        else:
            message = f"lookup table '{ref.key}' is not mapped to a file"
            stem = ref.key.rstrip("/").rsplit("/", 1)[-1].removesuffix(".csv") or "table"
            hint = suggestion(ref.key, self.tables) or (
                f"""map it under 'lookups:' in sources.yaml, e.g. "{ref.key}": lookups/{stem}.csv"""
            )
        self.errors.append(semantic(self.text, ref.span, message, hint))
        return None

    def inferred_next(self) -> dict[int, tuple[Name, ...]]:
        """The inferred names to plan with next: those known plus those found."""
        merged = {index: tuple(names) for index, names in self.inferred.items()}
        for index, found in self.new_inferred.items():
            merged[index] = (*merged.get(index, ()), *found.values())
        return merged


def build_plan(
    query: Query,
    pivot_values: Mapping[int, Sequence[str]] | None = None,
    tz: str = "UTC",
    extra: Sequence[str] = (),
    tables: Mapping[str, LookupTable] | None = None,
) -> Plan:
    """Plan `query` (`tz`: the report zone of date functions); raise `QueryError` listing every
    problem found. `extra` names the string columns of the log table beyond METADATA
    (sources.yaml `fields`), lower case; `tables` the lookup tables the engine holds."""
    inferred: dict[int, tuple[Name, ...]] = {}
    while True:  # each pass infers more names, at most all those of the query
        planner = Planner(query, pivot_values or {}, tz, extra, inferred, tables)
        plan = planner.plan()
        if plan is not None:
            return plan
        inferred = planner.inferred_next()
