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
from reportgen.query.restrict import effective_scope, resolve_fields
from reportgen.query.rules import Rule, RulePlan, RulesPlan, public_fields, start_schema
from reportgen.query.sql.dialect import DUCKDB, Dialect
from reportgen.query.syntax.nodes import Name, TableRef, walk


def names_in(node: object) -> Iterator[Name]:
    """Every Name inside a node, in source order."""
    return (item for item in walk(node) if isinstance(item, Name))


class Planner:
    """Plans one query: each stage's operator (found in the registry) turns the previous step
    into the next. Operators use `field()` to resolve names (an unknown one is recorded with a
    caret and a suggestion), `errors` and `warnings` to report, `cols` to name new columns,
    `index` (the stage being planned) with `pivot_values` for fields that come from the data,
    and `dialect` for the SQL of expressions (compiled while planning)."""

    def __init__(
        self,
        query: Query,
        pivot_values: Mapping[int, Sequence[str]],
        tz: str = "UTC",
        extra: Sequence[str] = (),
        inferred: Mapping[int, Sequence[Name]] | None = None,
        tables: Mapping[str, LookupTable] | None = None,
        rules: Sequence[Rule] = (),
        dialect: Dialect = DUCKDB,
    ) -> None:
        self.query = query
        self.dialect = dialect
        self.tz = tz
        self.extra = tuple(name for name in extra if name not in METADATA_KEYS)
        self.text = query.text
        self.pivot_values = pivot_values
        self.tables = dict(tables or {})  # lookup tables by the key queries name them with
        self.rules = tuple(rules)  # field extraction rules: fields of every message
        self.cols = ColumnNames(dialect.ident)
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
        base = Schema(fields, (TS, SOURCE_NAME, LINE))
        rules = self.plan_rules(base) if self.rules else None
        schema = base if rules is None else Schema((*fields, *rules.fields), base.internal)
        # `field=value` in the scope tests a field of the table or of a rule, else is a phrase
        known = {f.key: f.col for f in schema.fields if f.key in self.extra}
        known |= {f.key: f.col for f in (rules.fields if rules else ())}
        scope = resolve_fields(effective_scope(self.query), known, self.warnings)
        steps, pending = self.plan_stages(Step(scope, schema, NEWEST_FIRST, "messages"))
        if self.new_inferred:
            return None
        raise_semantic(self.errors)
        kind: Phase = "aggregate" if any(s.phase == "aggregate" for s in steps) else "messages"
        return Plan(tuple(steps), kind, tuple(self.warnings), pending, rules)

    def plan_stages(self, first: Step) -> tuple[list[Step], PendingPivot | None]:
        """The steps of the query's stages after `first` (up to a pending one)."""
        steps = [first]
        for index, stage in enumerate(self.query.stages):
            self.index = index
            planned = operator_of(stage).plan(self, stage, steps[-1])
            if isinstance(planned, PendingPivot):
                return steps, planned
            steps.append(planned)
        return steps, None

    def plan_rules(self, base: Schema) -> RulesPlan:
        """Each field extraction rule over the message fields (its own names and carets, its
        own private columns), one after the other."""
        flags = tuple(f"__rg_rule{n}" for n in range(len(self.rules)))
        plans: list[RulePlan] = []
        carried: tuple[str, ...] = ()
        for number, rule in enumerate(self.rules):
            start = start_schema(base, flags, carried, self.dialect.ident)
            planner = Planner(rule.query, {}, self.tz, dialect=self.dialect)
            planner.cols = ColumnNames(self.dialect.ident, prefix=f"__rg_r{number}_")
            steps, _ = planner.plan_stages(Step(rule.scope, start, NEWEST_FIRST, "messages"))
            self.errors.extend(planner.errors)
            self.check_fixed(rule, start, steps[1:])
            outputs = tuple(f for f in steps[-1].schema.visible if start.get(f.key) is None)
            plans.append(RulePlan(rule, flags[number], start, tuple(steps[1:]), outputs))
            carried += tuple(f.col for f in outputs)
        return public_fields(plans, self.cols)

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

    def check_fixed(self, rule: Rule, start: Schema, steps: Sequence[Step]) -> None:
        """A rule sets none of the fields every message has (sources.yaml `fields`)."""
        reported: set[str] = set()
        for step in steps:
            for field in step.schema.visible:
                known = start.get(field.key)
                if known is None or known.col == field.col or field.key in reported:
                    continue
                reported.add(field.key)
                message = f"a field extraction rule cannot set '{known.name}'"
                hint = "it is a field of every message (sources.yaml `fields`)"
                self.errors.append(semantic(rule.query.text, step.node.span, message, hint))

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
            example = f'"{ref.key}": .lookups/{stem}.csv'
            hint = suggestion(ref.key, self.tables) or (
                f"map it under 'lookups:' in sources.yaml, e.g. {example}"
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
    rules: Sequence[Rule] = (),
    *,
    dialect: Dialect = DUCKDB,
) -> Plan:
    """Plan `query` (`tz`: the report zone of date functions) with the expressions in `dialect`;
    raise `QueryError` listing every problem found. `extra` names the string columns of the log
    table beyond METADATA (sources.yaml `fields`), lower case; `tables` the lookup tables the
    engine holds; `rules` the field extraction rules, whose fields every message has."""
    inferred: dict[int, tuple[Name, ...]] = {}
    while True:  # each pass infers more names, at most all those of the query
        planner = Planner(
            query, pivot_values or {}, tz, extra, inferred, tables, rules, dialect=dialect
        )
        plan = planner.plan()
        if plan is not None:
            return plan
        inferred = planner.inferred_next()
