"""Per-team reports (Sumo's data access levels, done at build time).

Every query of a team's report runs with the team's scope ANDed to its own
(`reportgen.query.restrict`), so the report, its CSVs and its summary hold only messages inside
the scope. The footer's row count is the team's too: the size of other teams' logs is not theirs
to see either.
"""

from __future__ import annotations

from reportgen.query.sql.scope import scope_sql
from reportgen.query.syntax.nodes import ScopeNode
from reportgen.session import Session


def scoped_rows(session: Session, scope: ScopeNode) -> int:
    """How many ingested messages `scope` selects (any time)."""
    predicate = scope_sql(scope, session.engine.dialect)
    rows = session.engine.fetch(f"SELECT count(*) FROM logs AS t WHERE {predicate}", {})
    return int(rows[0][0]) if rows else 0
