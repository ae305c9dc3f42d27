"""SQL of the Tier 2 row operators: `parse regex`, `json`, `kv`, `csv`/`split`, `dedup` and
expression stages. Each builds one CTE body from the previous CTE (`gen.source`).

Parse-family stages share `_parse_family`: the input text becomes column `__rg_in`, each target
field takes its capture where its pattern matched (else keeps its old value), and rows where the
stage did not match are dropped unless `nodrop` or rescued by an earlier nodrop stage (§4.2).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from reportgen.query.nodes import Assign, Dedup, Json, JsonAuto, KeyValue, ParseRegex, Split
from reportgen.query.regex import re2_pattern
from reportgen.query.schema import RESCUED, Field, sql_str

if TYPE_CHECKING:
    from reportgen.query.plan import Step
    from reportgen.query.to_sql import SqlGenerator

INPUT = "__rg_in"
MAX_KEYS = 10_000  # distinct JSON key paths `json auto` looks at


@dataclass(frozen=True)
class Capture:
    key: str
    found: str  # condition: this capture's pattern matched
    value: str


def more_sql(gen: SqlGenerator) -> dict[type[Any], Callable[[Step, Step | None], str | None]]:
    return {
        ParseRegex: lambda step, prev: parse_regex_sql(gen, step, prev),
        Json: lambda step, prev: json_sql(gen, step, prev),
        KeyValue: lambda step, prev: kv_sql(gen, step, prev),
        Split: lambda step, prev: split_sql(gen, step, prev),
        Assign: lambda step, prev: assign_sql(gen, step),
        Dedup: lambda step, prev: dedup_sql(gen, step, prev),
    }


def input_sql(gen: SqlGenerator, prev: Step, key: str, extra: str = "") -> str:
    source = prev.schema.get(key)
    text = "CAST(NULL AS VARCHAR)" if source is None else source.col
    if source is not None and source.type != "string":
        text = f"CAST({text} AS VARCHAR)"
    return f"SELECT *, {text} AS {INPUT}{extra} FROM {gen.source}"


def _parse_family(
    step: Step, prev: Step, inner: str, captures: list[Capture], matched: str, nodrop: bool
) -> str:
    by_key = {capture.key: capture for capture in captures}
    rescued_before = RESCUED in prev.schema.internal
    columns: list[str] = []
    for field in step.schema.fields:
        capture = by_key.get(field.key)
        if capture is None:
            columns.append(field.col)
            continue
        old = prev.schema.get(field.key)
        otherwise = "NULL" if old is None else old.col
        if old is not None and old.type != "string":
            otherwise = f"CAST({otherwise} AS VARCHAR)"
        columns.append(
            f"CASE WHEN {capture.found} THEN {capture.value} ELSE {otherwise} END AS {field.col}"
        )
    for column in step.schema.internal:
        if column == RESCUED and nodrop:
            flag = f"({RESCUED} OR {matched})" if rescued_before else matched
            columns.append(f"{flag} AS {RESCUED}")
        else:
            columns.append(column)
    sql = f"SELECT {', '.join(columns)}\n  FROM ({inner})"
    if not nodrop:
        sql += f"\n  WHERE {matched} OR {RESCUED}" if rescued_before else f"\n  WHERE {matched}"
    return sql


def parse_regex_sql(gen: SqlGenerator, step: Step, prev: Step | None) -> str:
    assert prev is not None and isinstance(step.node, ParseRegex)
    node = step.node
    inner = input_sql(gen, prev, node.source.key if node.source else "_raw")
    captures: list[Capture] = []
    found: list[str] = []
    if node.multi:
        regex = sql_str(re2_pattern(node.regexes[0].pattern))
        lists = [
            f"regexp_extract_all({INPUT}, {regex}, {i})" for i in range(1, 1 + len(node.groups[0]))
        ]
        unnests = [
            f"unnest(CASE WHEN len({items}) = 0 THEN [NULL] ELSE {items} END) AS __rg_c{i}"
            for i, items in enumerate(lists)
        ]
        inner = (
            f"SELECT *, coalesce(len({lists[0]}) > 0, false) AS __rg_m, {', '.join(unnests)} "
            f"FROM ({inner})"
        )
        captures = [
            Capture(name.key, "__rg_m", f"__rg_c{i}") for i, name in enumerate(node.groups[0])
        ]
        return _parse_family(step, prev, inner, captures, "__rg_m", node.nodrop)
    for literal, names in zip(node.regexes, node.groups, strict=True):
        regex = sql_str(re2_pattern(literal.pattern))
        hit = f"coalesce(regexp_matches({INPUT}, {regex}), false)"
        found.append(hit)
        for index, name in enumerate(names, start=1):
            captures.append(Capture(name.key, hit, f"regexp_extract({INPUT}, {regex}, {index})"))
    return _parse_family(step, prev, inner, captures, "(" + " AND ".join(found) + ")", node.nodrop)


def json_document(text: str) -> str:
    """The JSON document of a text: all of it, or from its first `{` (a syslog prefix)."""
    tail = f"substr({text}, strpos({text}, '{{'))"
    return (
        f"CASE WHEN json_valid({text}) THEN {text} "
        f"WHEN strpos({text}, '{{') > 0 AND json_valid({tail}) THEN {tail} END"
    )


def json_keys_sql(gen: SqlGenerator, source: Field) -> str:
    """`json auto` first asks the data for its keys: every leaf's path (`$.a."b c"[0]`)."""
    text = source.col if source.type == "string" else f"CAST({source.col} AS VARCHAR)"
    return (
        f"{gen.with_clause()}\nSELECT DISTINCT j.fullkey AS v\n"
        f"FROM {gen.source}, json_tree({json_document(text)}) AS j\n"
        f"WHERE j.type NOT IN ('OBJECT', 'ARRAY') OR j.value IN ('{{}}', '[]')\n"
        f"ORDER BY v\nLIMIT {MAX_KEYS}"
    )


def json_auto_sql(gen: SqlGenerator, step: Step, prev: Step | None) -> str:
    assert prev is not None and isinstance(step.node, JsonAuto)
    node = step.node
    inner = input_sql(gen, prev, node.source.key if node.source else "_raw")
    inner = f"SELECT *, {json_document(INPUT)} AS __rg_doc FROM ({inner})"
    paths: dict[str, list[str]] = {}
    for key, path in step.computed:
        paths.setdefault(key, []).append(f"json_extract_string(__rg_doc, {sql_str(path)})")
    columns = [
        (f"coalesce({', '.join(paths[f.key])})" if len(paths[f.key]) > 1 else paths[f.key][0])
        + f" AS {f.col}"
        if f.key in paths
        else f.col
        for f in step.schema.fields
    ]
    columns += list(step.schema.internal)
    return f"SELECT {', '.join(columns)}\n  FROM ({inner})"


def json_sql(gen: SqlGenerator, step: Step, prev: Step | None) -> str:
    """The input must be a JSON document, or hold one from its first `{` (a syslog prefix)."""
    assert prev is not None and isinstance(step.node, Json)
    node = step.node
    inner = input_sql(gen, prev, node.source.key if node.source else "_raw")
    inner = f"SELECT *, {json_document(INPUT)} AS __rg_doc FROM ({inner})"
    captures: list[Capture] = []
    found: list[str] = []
    for path, name in zip(node.paths, node.names, strict=True):
        quoted = sql_str(path)
        raw = f"json_extract(__rg_doc, {quoted})"
        if "[*]" in path:
            hit = f"coalesce(len({raw}) > 0, false)"
            value = f"CAST(to_json({raw}) AS VARCHAR)"
        else:
            hit = f"({raw} IS NOT NULL)"
            value = f"json_extract_string(__rg_doc, {quoted})"
        found.append(hit)
        captures.append(Capture(name.key, hit, value))
    matched = "(" + " AND ".join(found) + ")"
    return _parse_family(step, prev, inner, captures, matched, node.nodrop)


_VALUE = r"""\s*(?:=|:|->)\s*(?:"([^"]*)"|'([^']*)'|([^\s,;\]})]*))"""


def kv_sql(gen: SqlGenerator, step: Step, prev: Step | None) -> str:
    """Inference: `key`, `=`/`:`/`->`, then a quoted string or a run up to a separator.
    Regex mode: the first match of the value regex after the key's first occurrence.
    A row is kept when at least one key is found [unverified: Sumo's rule is not documented]."""
    assert prev is not None and isinstance(step.node, KeyValue)
    node = step.node
    inner = input_sql(gen, prev, node.source.key if node.source else "_raw")
    captures: list[Capture] = []
    found: list[str] = []
    for key, name in zip(node.keys, node.names, strict=True):
        if node.regex is None:
            regex = sql_str(r"(?:^|[^A-Za-z0-9_.\-])" + re.escape(key) + _VALUE)
            value = " || ".join(f"regexp_extract({INPUT}, {regex}, {i})" for i in (1, 2, 3))
        else:
            regex = sql_str(re.escape(key) + "(?s:.*?)(?:" + re2_pattern(node.regex.pattern) + ")")
            value = f"regexp_extract({INPUT}, {regex}, 1)"
        hit = f"coalesce(regexp_matches({INPUT}, {regex}), false)"
        found.append(hit)
        captures.append(Capture(name.key, hit, value))
    matched = "(" + " OR ".join(found) + ")"
    return _parse_family(step, prev, inner, captures, matched, node.nodrop)


def _cell_regex(delim: str, escape: str, quote: str) -> str:
    d, e, q = (re.escape(c) for c in (delim, escape, quote))
    quoted = f"{q}(?:[^{q}{e}]|{e}.|{q}{q})*{q}"
    plain = f"(?:[^{d}{e}]|{e}.)*"
    return f"(?s)(?:^|{d})({quoted}|{plain})"


def split_sql(gen: SqlGenerator, step: Step, prev: Step | None) -> str:
    """Cells are cut by one RE2 pattern; quoted cells lose their quotes, escapes are undone.
    Rows are never dropped; a missing column is null."""
    assert prev is not None and isinstance(step.node, Split)
    node = step.node
    inner = input_sql(gen, prev, node.source.key)
    pattern = sql_str(_cell_regex(node.delim, node.escape, node.quote))
    cells = f"regexp_extract_all({INPUT}, {pattern}, 1)"
    inner = f"SELECT *, {cells} AS __rg_cells FROM ({inner})"
    q, e = re.escape(node.quote), re.escape(node.escape)
    unescape = sql_str(f"{e}(.)")
    targets = {name.key: index for index, name in node.items}
    columns: list[str] = []
    for field in step.schema.fields:
        if field.key not in targets:
            columns.append(field.col)
            continue
        cell = f"__rg_cells[{targets[field.key]}]"
        quoted = sql_str(f"(?s)^{q}(.*){q}$")
        unquoted = (
            f"CASE WHEN regexp_matches({cell}, {quoted}) "
            f"THEN replace(regexp_extract({cell}, {quoted}, 1), {sql_str(node.quote * 2)}, "
            f"{sql_str(node.quote)}) ELSE {cell} END"
        )
        columns.append(f"regexp_replace({unquoted}, {unescape}, '\\1', 'g') AS {field.col}")
    columns += list(step.schema.internal)
    return f"SELECT {', '.join(columns)}\n  FROM ({inner})"


def assign_sql(gen: SqlGenerator, step: Step) -> str:
    assert isinstance(step.node, Assign)
    computed = dict(step.computed)
    columns = [
        f"{computed[f.key]} AS {f.col}" if f.key in computed else f.col for f in step.schema.fields
    ]
    columns += list(step.schema.internal)
    return f"SELECT {', '.join(columns)}\n  FROM {gen.source}"


def dedup_sql(gen: SqlGenerator, step: Step, prev: Step | None) -> str:
    """The first N rows of each key combination, in the current order (messages: newest first)."""
    assert prev is not None and isinstance(step.node, Dedup)
    keys = [f.col for name in step.node.by if (f := prev.schema.get(name.key)) is not None]
    if not step.node.by and (raw := prev.schema.get("_raw")) is not None:
        keys = [raw.col]
    ordering = ", ".join(term.sql() for term in prev.ordering)
    order = f" ORDER BY {ordering}" if ordering else ""
    if step.node.consecutive:
        return _consecutive_sql(gen, step, keys, order, step.node.count)
    partition = f"PARTITION BY {', '.join(keys)}" if keys else ""
    return (
        f"SELECT * FROM {gen.source}\n"
        f"  QUALIFY row_number() OVER ({partition}{order}) <= {step.node.count}"
    )


def _consecutive_sql(gen: SqlGenerator, step: Step, keys: list[str], order: str, count: int) -> str:
    """Runs of equal keys in the current order; the first N rows of each run."""
    window = f"OVER ({order.strip()})"
    same = " AND ".join(f"{k} IS NOT DISTINCT FROM lag({k}) {window}" for k in keys) or "FALSE"
    changed = f"SELECT *, CASE WHEN {same} THEN 0 ELSE 1 END AS __rg_chg FROM {gen.source}"
    runs = f"SELECT *, sum(__rg_chg) OVER ({order.strip()} ROWS UNBOUNDED PRECEDING) AS __rg_run"
    columns = ", ".join(step.schema.columns())
    return (
        f"SELECT {columns} FROM ({runs} FROM ({changed}))\n"
        f"  QUALIFY row_number() OVER (PARTITION BY __rg_run{order}) <= {count}"
    )
