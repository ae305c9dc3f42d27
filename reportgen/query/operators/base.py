"""What an operator is to the rest of the query package.

An `Operator` ties one stage node to the words that start it in a query, the function that
parses those tokens into the node, the planning function (which fields exist after it, their
types, the row order) and the SQL function (one CTE body, or None when only the plan changes).
Each module of `reportgen.query.operators` defines the operators of one family; the registry
(`operators/__init__.py`) lists the modules.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from reportgen.query.syntax.nodes import Stage
from reportgen.query.syntax.stream import Stream
from reportgen.query.syntax.tokens import Token

if TYPE_CHECKING:
    from reportgen.query.generator import SqlGenerator
    from reportgen.query.plan.steps import PendingPivot, Step
    from reportgen.query.planner import Planner

ParseFn = Callable[[Stream, Token], Stage]
PlanFn = Callable[["Planner", Any, "Step"], "Step | PendingPivot"]
SqlFn = Callable[["SqlGenerator", "Step", "Step | None"], "str | None"]
PendingFn = Callable[["SqlGenerator", "PendingPivot"], str]


@dataclass(frozen=True)
class Operator:
    """One stage node type and everything the pipeline does with it.

    `words` start the stage (`sort` and `order`); `parse` gets the stage's tokens positioned after
    the word and returns a node. An operator without words is reached through another operator's
    parse function (`parse regex` through `parse`, `json auto` through `json`). An operator whose
    output columns come from the data plans to a `PendingPivot` first; `pending` is the SQL that
    fetches them (column values, keys), run by the engine before planning again.
    """

    node: type[Any]
    plan: PlanFn
    sql: SqlFn
    words: tuple[str, ...] = ()
    parse: ParseFn | None = None
    pending: PendingFn | None = None  # the SQL fetching what planning waits for (PendingPivot)


def passthrough_sql(gen: SqlGenerator, step: Step, prev: Step | None) -> None:
    """Stages that only change the plan (row order, visible fields) add no SQL."""
    return None
