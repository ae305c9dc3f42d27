"""The query language (spec `query-language.md`): text -> tokens -> AST -> plan -> DuckDB SQL.

    query = parse_query('_sourceCategory=x error | count by _sourceHost')
    compiled = compile_query(query, window)   # .sql, .params, .columns, .kind, .plan
    print(explain(text, window))              # tokens, AST, plan, SQL
    restrict(query, parse_scope_text('_sourceCategory=prod/*'))  # a team's data access scope

`reportgen.engine.run_query` runs it and returns a `Result`.

Result shape:
- Messages (no aggregation): newest first (ties: `_sourcename` ascending, then the later line of
  a file first); columns `_messagetime`, `_raw`, the fields added by stages in the order they
  were added (or the order of a `fields` list), then the metadata `_sourcehost`,
  `_sourcecategory`, `_sourcename`, `_source`, `_collector`, `_size`, `_messagecount`,
  `_receipttime`, `_format`.
- Aggregates: group keys in written order, then the aggregates; without `sort`, rows ascend by
  their keys (code point for strings, nulls last).
- Names keep the query's spelling: group keys as written in the `by` list, created fields as
  created, metadata as first written anywhere in the query (lower case if never written).
- `_messagetime` and `_timeslice` are epoch milliseconds (type "time").
"""

from __future__ import annotations

from reportgen.query.compile import CompiledQuery, OutputColumn, compile_query
from reportgen.query.explain import explain
from reportgen.query.parser import Query, parse_query
from reportgen.query.restrict import parse_scope_text, restrict

__all__ = [
    "CompiledQuery",
    "OutputColumn",
    "Query",
    "compile_query",
    "explain",
    "parse_query",
    "parse_scope_text",
    "restrict",
]
