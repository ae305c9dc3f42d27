"""The plan's data: one `Step` per stage with the fields it produces and the row order.

Planning (`planner.py`) builds them; operators read and extend them; the SQL generator turns them
into CTEs. Row order is not a property of a CTE in SQL, so each step carries it (`ordering`)
and it is applied where it matters: `limit`, `top`, `transpose` cells and the final SELECT.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from reportgen.query.plan.schema import (
    LINE,
    METADATA,
    METADATA_KEYS,
    SOURCE_NAME,
    TS,
    Field,
    OrderTerm,
    Schema,
)
from reportgen.query.syntax.nodes import ScopeNode, Stage

if TYPE_CHECKING:
    from reportgen.query.operators.lookup import LookupJoin
    from reportgen.query.operators.transpose import Pivot
    from reportgen.query.rules import RulesPlan

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
    join: LookupJoin | None = None  # `lookup`: the table, its keys and outputs
    keys: tuple[Field, ...] = ()  # aggregation: the group keys (input columns)
    # computed fields: (key, SQL value) of an expression stage, (key, JSON path) of `json auto`
    computed: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class PendingPivot:
    """A stage whose output columns come from the data (`transpose`, `json auto`, `kv auto`):
    planning stops there until the engine has fetched them (`stage` indexes query.stages)."""

    stage: int
    node: Stage
    columns: tuple[Field, ...] = ()
    auto_input: Field | None = None  # `json auto`/`kv auto`: the field whose keys are needed


@dataclass(frozen=True)
class Plan:
    steps: tuple[Step, ...]
    kind: Phase
    warnings: tuple[str, ...]
    pending: PendingPivot | None = None
    rules: RulesPlan | None = None  # field extraction rules, run in the search step

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
