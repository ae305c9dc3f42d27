"""Hand-built report views for the render tests: one panel of every type, hostile values."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from reportgen.engine.result import Column, Result
from reportgen.render.context import Band, PanelView, ReportView

T0 = 1_714_557_600_000  # 2024-05-01T10:00:00Z
STEP = 300_000  # 5 minutes
HOSTILE = "<script>document.title='pwned'</script>"
HOSTILE_IMG = "</script><img src=x onerror=\"document.title='pwned2'\">"
QUOTES = 'it\'s "quoted" & <b>bold</b>'
BANDS = [
    Band(color="green", low=1, high=30),
    Band(color="orange", low=31, high=70),
    Band(color="red", low=71, high=None, label="critical"),
]


def number_result(value: float | int | None) -> Result:
    rows = [] if value is None else [(value,)]
    return Result(columns=[Column("_count", "number")], rows=rows, kind="aggregate")


def transposed() -> Result:
    """`... | transpose row _timeslice column _sourceHost`: one column per host, nulls as gaps."""
    hosts = ["host-a", "web.example.com", HOSTILE_IMG]
    rows = [(T0 + i * STEP, i + 1, None if i == 2 else 10 - i, (i * 7) % 5) for i in range(6)]
    return Result(
        columns=[Column("_timeslice", "time")] + [Column(h, "number") for h in hosts],
        rows=rows,
        kind="aggregate",
    )


def daily_newest_first() -> Result:
    rows = [(T0 - i * 86_400_000, 40 - i * 3) for i in range(5)]
    return Result(
        columns=[Column("_timeslice", "time"), Column("_count", "number")],
        rows=rows,
        kind="aggregate",
    )


def by_user() -> Result:
    rows = [("alice", 12), ("Bob", 3), (HOSTILE, 7), (QUOTES, 1)]
    return Result(
        columns=[Column("user", "string"), Column("_count", "number")], rows=rows, kind="aggregate"
    )


def messages() -> Result:
    raw = [
        "Jul 30 18:51:32 host-a defender[12]: Process violation nc",
        f"Jul 30 18:50:00 host-a defender[12]: {HOSTILE} {HOSTILE_IMG}\n  continued line",
    ]
    rows = [(T0 + 60_000, raw[0], "host-a", 1.5), (T0, raw[1], QUOTES, None)]
    return Result(
        columns=[
            Column("_messagetime", "time"),
            Column("_raw", "string"),
            Column("_sourceHost", "string"),
            Column("score", "number"),
        ],
        rows=rows,
        kind="messages",
    )


def raw_only() -> Result:
    """An aggregate without a numeric column (`... | count by x | fields - _count`): it
    cannot be charted."""
    rows = [(T0, "a line"), (T0 - 1000, "another")]
    columns = [Column("_messagetime", "time"), Column("_raw", "string")]
    return Result(columns=columns, rows=rows, kind="aggregate")


def panels() -> list[PanelView]:
    return [
        PanelView(
            "sv",
            "Violations",
            "single_value",
            "count",
            width=3,
            bands=BANDS,
            result=number_result(42),
            unit="hits",
        ),
        PanelView(
            "sv-none",
            "Nothing",
            "single_value",
            "count",
            width=3,
            bands=BANDS,
            result=number_result(None),
        ),
        PanelView(
            "by-host",
            "Per host",
            "area",
            "q",
            width=6,
            stacked=True,
            result=transposed(),
            elapsed_ms=12.4,
        ),
        PanelView("line", "Per host (lines)", "line", "q", result=transposed()),
        PanelView(
            "daily", "Daily", "column", "q", result=daily_newest_first(), window_label="last 5 days"
        ),
        PanelView("users", f"Users {HOSTILE}", "bar", "q", result=by_user(), description=QUOTES),
        PanelView("users-col", "Users (columns)", "column", "q", result=by_user()),
        PanelView("msgs", "Messages", "messages", "q", width=12, result=messages()),
        PanelView("tbl", "Table", "table", "q", result=by_user()),
        PanelView(
            "broken", "Broken", "line", "bad", error="unexpected token\n  count by\n        ^~"
        ),
        PanelView("misfit", "Misfit", "area", "q", result=raw_only()),
    ]


def make_report(panel_list: list[PanelView] | None = None, tz: str = "UTC") -> ReportView:
    return ReportView(
        title=f"Twistlock {HOSTILE}",
        description=f"Daily **violations**. {HOSTILE} {HOSTILE_IMG}\n\n[doc](javascript:alert(1))",
        window_label="2024-04-30 10:00:00 to 2024-05-01 10:30:00",
        tz=tz,
        at=datetime(2024, 5, 1, 10, 30, tzinfo=UTC),
        panels=panels() if panel_list is None else panel_list,
        version="0.1.0",
        snapshot_label="sample-2024-05-01",
        rows_ingested=12345,
        problems={"undecodable bytes": 2, HOSTILE: 1},
    )


@pytest.fixture
def report() -> ReportView:
    return make_report()
