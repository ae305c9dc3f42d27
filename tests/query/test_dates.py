"""`formatDate` / `parseDate` (§5.5): Java patterns, zones, the report zone as default."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from reportgen.errors import ReportgenError
from reportgen.query import compile_query, parse_query
from reportgen.timerange import Window
from tests.query.conftest import WIDE, log_table, raws, run

PACIFIC = Window(
    datetime(2000, 1, 1, tzinfo=UTC), datetime(2100, 1, 1, tzinfo=UTC), "America/Los_Angeles"
)


def value(expr: str, window: Window = WIDE) -> Any:
    result = run(log_table(raws("x")), f"* | {expr} as v", window)
    return result.records()[0]["v"]


def test_conformance_20_parse_date_in_the_user_zone_then_in_utc() -> None:
    assert value('parseDate("20170720000030","yyyyMMddHHmmss")', PACIFIC) == 1500534030000
    assert value('parseDate("20170720000030","yyyyMMddHHmmss","etc/utc")') == 1500508830000
    assert value('parseDate("20170720000030","yyyyMMddHHmmss","etc/utc")', PACIFIC) == (
        1500508830000
    )


def test_parse_date_patterns() -> None:
    assert value('parseDate("2017-07-20T00:00:30.250", "yyyy-MM-dd\'T\'HH:mm:ss.SSS")') == (
        1500508830250
    )
    assert value('parseDate("20 Jul 2017 01:02 PM", "dd MMM yyyy hh:mm a")') == 1500555720000
    assert value('parseDate("2017-07-20 00:00:30 +0200", "yyyy-MM-dd HH:mm:ss Z")') == (
        1500501630000
    )
    assert value('parseDate("not a date", "yyyyMMdd")') is None


def test_parse_date_reads_the_date_at_the_start_of_the_text() -> None:
    assert value('parseDate("2017-07-20 00:00:30 GET /index", "yyyy-MM-dd HH:mm:ss")') == (
        1500508830000
    )
    assert value('parseDate("at 2017-07-20", "yyyy-MM-dd")') is None
    text = '"2017-07-20T00:00:30.250+02:00 rest"'
    assert value(f"parseDate({text}, \"yyyy-MM-dd'T'HH:mm:ss.SSSXXX\")") == 1500501630250


@pytest.mark.parametrize(
    ("expr", "expected"),
    [
        ('formatDate(1500534030000, "yyyy-MM-dd HH:mm:ss.SSS", "UTC")', "2017-07-20 07:00:30.000"),
        (
            'formatDate(1500534030000, "yyyy-MM-dd HH:mm Z", "America/Los_Angeles")',
            "2017-07-20 00:00 -0700",
        ),
        (
            'formatDate(1500534030000, "EEE, d MMM yy h:mm a", "Asia/Kolkata")',
            "Thu, 20 Jul 17 12:30 PM",
        ),
        (
            "formatDate(1500534030000, \"EEEE MMMM dd 'at' HH'h'\", \"UTC\")",
            "Thursday July 20 at 07h",
        ),
        ("formatDate(1500534030000)", "07/20/2017 07:00:30"),
        ('formatDate(toLong("1500534030000"), "yyyy")', "2017"),
        ('formatDate(null, "yyyy")', None),
    ],
)
def test_format_date(expr: str, expected: str | None) -> None:
    assert value(expr) == expected


def test_format_date_defaults_to_the_report_zone() -> None:
    assert value("formatDate(1500534030000)", PACIFIC) == "07/20/2017 00:00:30"
    assert value('formatDate(1500534030000, "HH:mm Z")', PACIFIC) == "00:00 -0700"


def test_format_date_of_the_message_time() -> None:
    con = log_table(raws("x", start="2026-11-20 10:00"))
    result = run(con, '* | formatDate(_messagetime, "yyyy-MM-dd HH:mm") as d')
    assert result.records()[0]["d"] == "2026-11-20 10:00"


def message(query: str) -> str:
    with pytest.raises(ReportgenError) as caught:
        compile_query(parse_query(query), WIDE)
    return str(caught.value)


def test_errors() -> None:
    assert message('* | formatDate(1, "yyyy", "Mars/Base") as d') == (
        "unknown time zone 'Mars/Base' at column 27\n"
        '  * | formatDate(1, "yyyy", "Mars/Base") as d\n'
        "                            ^~~~~~~~~~~"
    )
    assert message('* | formatDate(1, "yyyy-ww") as d').startswith(
        "date pattern letter 'w' is not supported at column 19"
    )
    assert message("* | formatDate(1, _raw) as d").startswith(
        "formatDate() needs a quoted date pattern at column 19"
    )
