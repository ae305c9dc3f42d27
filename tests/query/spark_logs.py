"""The hand-written `logs` tables of the query tests, on Spark: many small tables in one cached
DataFrame, one temporary view per table (creating a view costs no Spark job)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

from tests.query.conftest import COLUMNS, log_rows

SPARK_TYPES = {"TIMESTAMPTZ": "BIGINT", "VARCHAR": "STRING", "BIGINT": "BIGINT"}
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def _micros(moment: datetime) -> int:
    delta = moment - _EPOCH
    return (delta.days * 86_400 + delta.seconds) * 1_000_000 + delta.microseconds


def spark_log_views(
    spark: Any, tables: Sequence[Sequence[Mapping[str, Any]]], prefix: str
) -> list[str]:
    """Views `<prefix>_<i>` holding the rows of `tables[i]` with the columns of `logs`; their
    names, in order."""
    schema = ", ".join(["__rg_table INT"] + [f"{n} {SPARK_TYPES[t]}" for n, t in COLUMNS])
    data = []
    for number, rows in enumerate(tables):
        for values in log_rows(rows):
            data.append((number, *(_micros(v) if isinstance(v, datetime) else v for v in values)))
    frame = spark.createDataFrame(data, schema) if data else spark.createDataFrame([], schema)
    frame.cache()
    frame.createOrReplaceTempView(f"{prefix}_all")
    columns = ", ".join(
        f"timestamp_micros({n}) AS {n}" if t == "TIMESTAMPTZ" else n for n, t in COLUMNS
    )
    names = []
    for number in range(len(tables)):
        name = f"{prefix}_{number}"
        spark.sql(
            f"CREATE OR REPLACE TEMP VIEW {name} AS SELECT {columns} FROM {prefix}_all "
            f"WHERE __rg_table = {number}"
        )
        names.append(name)
    return names
