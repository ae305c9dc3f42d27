"""Plan -> SQL: one CTE per stage that changes rows, each written by its operator's SQL function
(found in the registry), in the generator's dialect.

The first step is the search: the scope over the log table (alias `t`) within the window
(`$start`, `$end`), with the metadata as fields and the tie-breakers of the message order as
internal columns. Row order is not a CTE property in SQL, so the plan carries it
(`Step.ordering`) and it is applied where it matters: `limit`, `top`, `transpose` cells, and the
final SELECT.
"""

from __future__ import annotations

from reportgen.query.operators import operator_of
from reportgen.query.plan.schema import LINE, METADATA, SOURCE_NAME, TS, OrderTerm
from reportgen.query.plan.steps import PendingPivot, Plan, Step
from reportgen.query.rules import final_sql, flag_columns, rules_sql
from reportgen.query.sql.dialect import DUCKDB, Dialect
from reportgen.query.sql.scope import scope_sql, split_scope_by
from reportgen.query.syntax.nodes import SCOPE_TYPES, ScopeAnd, ScopeNode
from reportgen.timerange import Window


def search_predicate(plan: Plan, step: Step, dialect: Dialect) -> str:
    """The SQL predicate (over the log table, alias `t`) of the search `step`'s scope, but for
    its tests of field extraction rules' fields, which only the rows it selects get (so it
    selects every message the search does, and maybe more). The window is not part of it."""
    early, columns = _early_scope(plan, step, dialect)
    return scope_sql(early, dialect, columns)


def search_conjuncts(plan: Plan, step: Step, dialect: Dialect) -> tuple[str, ...]:
    """`search_predicate` as the predicates it ANDs, nested conjunctions flattened (none: every
    message). A search whose conjuncts include all of another's selects a subset of its
    messages."""
    early, columns = _early_scope(plan, step, dialect)
    found: list[str] = []
    pending: list[ScopeNode] = [early]
    while pending:
        node = pending.pop(0)
        if isinstance(node, ScopeAnd):
            pending[:0] = node.items
        elif (sql := scope_sql(node, dialect, columns)) != "TRUE" and sql not in found:
            found.append(sql)
    return tuple(found)


def _early_scope(plan: Plan, step: Step, dialect: Dialect) -> tuple[ScopeNode, dict[str, str]]:
    """The search's scope without its tests of rule fields, and the column of each field."""
    rules = plan.rules
    ruled = {f.key for f in rules.fields} if rules is not None else set()
    assert isinstance(step.node, SCOPE_TYPES)
    early, _ = split_scope_by(step.node, ruled)
    return early, {f.key: dialect.ident(f.key) for f in step.schema.fields}


class SqlGenerator:
    """Builds the SQL of a plan; `tz` aligns timeslices, the window bounds the search (as
    parameters, or as literals with `inline_window`: the shifted runs of `compare`)."""

    def __init__(
        self,
        plan: Plan,
        table: str,
        tz: str,
        window: Window | None = None,
        prefix: str = "s",
        *,
        dialect: Dialect = DUCKDB,
        inline_window: bool = False,
    ) -> None:
        self.plan = plan
        self.table = table
        self.tz = tz
        self.window = window  # `timeslice N buckets` and `fillmissing timeslice` need it
        self.dialect = dialect
        self.inline_window = inline_window
        self.warnings: list[str] = []
        self.ctes: list[tuple[str, str]] = []
        self.source = ""
        self.prefix = prefix
        prev: Step | None = None
        for step in plan.steps:
            if isinstance(step.node, SCOPE_TYPES):
                body: str | None = self.search_sql(step)
            else:
                body = operator_of(step.node).sql(self, step, prev)
            if body is not None:
                self.add(body)
            prev = step
        if inline_window:
            assert window is not None
            self.ctes = [(name, dialect.bind_window(body, window)) for name, body in self.ctes]

    # --- what operators ask of the dialect ------------------------------------------------------

    def string(self, text: str) -> str:
        return self.dialect.string(text)

    def regex(self, java: str) -> str:
        """A literal of a query's (Java) regular expression, in the engine's flavour."""
        return self.dialect.regex(java)

    def regex_text(self, java: str) -> str:
        return self.dialect.regex_text(java)

    def param(self, name: str) -> str:
        """The window bound `start` or `end`."""
        return self.dialect.param(name)

    def order_sql(self, ordering: tuple[OrderTerm, ...]) -> str:
        return ", ".join(self.dialect.order_term(term) for term in ordering)

    def bucket_sql(self, column: str, width_ms: int) -> str:
        """The timeslice bucket (epoch ms) of timestamp `column` in the report zone."""
        return self.dialect.bucket(column, width_ms, self.tz)

    def shifted(self, plan: Plan, window: Window, prefix: str) -> SqlGenerator:
        """The SQL of `plan` over another window, with the window inlined (for `compare`)."""
        return SqlGenerator(
            plan, self.table, self.tz, window, prefix, dialect=self.dialect, inline_window=True
        )

    # --- the query ------------------------------------------------------------------------------

    def with_clause(self) -> str:
        """`WITH` and every CTE so far (the stages before a pending step)."""
        return "WITH\n" + ",\n".join(f"{name} AS (\n  {body}\n)" for name, body in self.ctes)

    def select(self, row_limit: int | None = None) -> str:
        """The final query: visible fields under their display names, in result order."""
        last = self.plan.steps[-1]
        columns = ", ".join(f"{f.col} AS {self.dialect.ident(f.name)}" for f in self.plan.output)
        sql = f"{self.with_clause()}\nSELECT {columns or 'NULL AS empty'}\nFROM {self.source}"
        if last.ordering:
            sql += f"\nORDER BY {self.order_sql(last.ordering)}"
        if row_limit is not None:
            sql += f"\nLIMIT {int(row_limit)}"
        return sql

    def pending_sql(self, pending: PendingPivot) -> str:
        """The query fetching what a pending stage waits for (column values, keys)."""
        fetch = operator_of(pending.node).pending
        assert fetch is not None, f"{type(pending.node).__name__} has no pending SQL"
        return fetch(self, pending)

    def search_sql(self, step: Step) -> str:
        """The messages of the window the scope selects. With field extraction rules, first
        the window (and the parts of the scope that test no rule field) with each rule's flag,
        then the rules' CTEs (rules.py), then the rest of the scope."""
        dialect = self.dialect
        meta = {
            m.key: dialect.epoch_ms(f"t.{m.key}") if m.type == "time" else f"t.{m.key}"
            for m in METADATA
        }
        rules = self.plan.rules
        ruled = {f.key for f in rules.fields} if rules is not None else set()
        # Keys beyond METADATA are the table's extra columns (sources.yaml `fields`).
        columns = [
            f"{meta.get(f.key, 't.' + dialect.ident(f.key))} AS {f.col}"
            for f in step.schema.fields
            if f.key not in ruled
        ]
        columns += [
            f"t._messagetime AS {TS}",
            f"t._sourcename AS {SOURCE_NAME}",
            f"t._messagecount AS {LINE}",
        ]
        assert isinstance(step.node, SCOPE_TYPES)
        _, late = split_scope_by(step.node, ruled)
        predicate = search_predicate(self.plan, step, dialect)
        where = f"t._messagetime >= {self.param('start')} AND t._messagetime < {self.param('end')}"
        if predicate != "TRUE":
            where += f"\n    AND {predicate}"
        table = dialect.table(self.table)
        if rules is None:
            return f"SELECT {', '.join(columns)}\n  FROM {table} AS t\n  WHERE {where}"
        columns += flag_columns(rules, dialect)
        self.add(f"SELECT {', '.join(columns)}\n  FROM {table} AS t\n  WHERE {where}")
        rules_sql(self, rules, step, self.add)
        late_sql = scope_sql(late, dialect, {f.key: f.col for f in step.schema.fields})
        return final_sql(self, rules, step, late_sql)

    def add(self, body: str) -> None:
        """Append one CTE (the search step's intermediate ones) and read from it next."""
        self.source = f"{self.prefix}{len(self.ctes)}"
        self.ctes.append((self.source, body))
