"""SQL of `json auto` and `kv auto`: the query listing the keys of the data (run once before
the query is planned to its end), and the stage itself once the keys are known."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from reportgen.query.nodes import JsonAuto, KvAuto, Stage
from reportgen.query.ops_sql import INPUT, MAX_KEYS, input_sql, json_auto_sql, json_keys_sql
from reportgen.query.schema import Field, sql_str

if TYPE_CHECKING:
    from reportgen.query.plan import Step
    from reportgen.query.to_sql import SqlGenerator

KEY = r"[A-Za-z_][A-Za-z0-9_.\-]*"
VALUE = r"""("[^"]*"|'[^']*'|[^\s,;\]})]*)"""
BEFORE_KEY = r"(?:^|[^A-Za-z0-9_.\-])"


def auto_sql(gen: SqlGenerator) -> dict[type[Any], Callable[[Step, Step | None], str | None]]:
    return {
        JsonAuto: lambda step, prev: json_auto_sql(gen, step, prev),
        KvAuto: lambda step, prev: kv_auto_sql(gen, step, prev),
    }


def _separator(stage: KvAuto) -> str:
    return r"\s*(?:=|:|->)\s*" if stage.delim is None else rf"\s*{re.escape(stage.delim)}\s*"


def auto_keys_sql(gen: SqlGenerator, stage: Stage, source: Field) -> str:
    """The distinct keys the data holds for a pending `json auto` / `kv auto`."""
    if isinstance(stage, JsonAuto):
        return json_keys_sql(gen, source)
    assert isinstance(stage, KvAuto)
    text = source.col if source.type == "string" else f"CAST({source.col} AS VARCHAR)"
    pair = sql_str(BEFORE_KEY + f"({KEY})" + _separator(stage) + VALUE)
    return (
        f"{gen.with_clause()}\nSELECT DISTINCT unnest(regexp_extract_all({text}, {pair}, 1)) AS v"
        f"\nFROM {gen.source}\nORDER BY v\nLIMIT {MAX_KEYS}"
    )


def kv_auto_sql(gen: SqlGenerator, step: Step, prev: Step | None) -> str:
    """Each field: the value of its key's last occurrence, without surrounding quotes."""
    assert prev is not None and isinstance(step.node, KvAuto)
    node = step.node
    inner = input_sql(gen, prev, node.source.key if node.source else "_raw")
    values: dict[str, list[str]] = {}
    for key, raw_key in step.computed:
        pattern = sql_str(BEFORE_KEY + re.escape(raw_key) + _separator(node) + VALUE)
        last = f"list_extract(regexp_extract_all({INPUT}, {pattern}, 1), -1)"
        unquoted = (
            f"regexp_replace(regexp_replace({last}, '^\"(.*)\"$', '\\1'), '^''(.*)''$', '\\1')"
        )
        values.setdefault(key, []).append(unquoted)
    columns = [
        (f"coalesce({', '.join(values[f.key])})" if len(values[f.key]) > 1 else values[f.key][0])
        + f" AS {f.col}"
        if f.key in values
        else f.col
        for f in step.schema.fields
    ]
    columns += list(step.schema.internal)
    return f"SELECT {', '.join(columns)}\n  FROM ({inner})"
