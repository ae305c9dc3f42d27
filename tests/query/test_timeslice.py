"""`timeslice` (spec §6.2): bucket starts in epoch ms, aligned in the report zone."""

from __future__ import annotations

from typing import Any

from reportgen.timerange import Window
from tests.query.conftest import WIDE, log_table, ms, run


def buckets(times: list[str], query: str, tz: str = "UTC") -> list[tuple[Any, ...]]:
    con = log_table([{"_messagetime": t, "_raw": "x"} for t in times])
    window = Window(WIDE.start, WIDE.end, tz)
    return run(con, query, window).rows


def test_five_minute_buckets_in_utc() -> None:
    times = ["2026-11-20 10:01", "2026-11-20 10:03", "2026-11-20 10:04:59", "2026-11-20 10:06"]
    expected = [(ms("2026-11-20 10:00"), 3), (ms("2026-11-20 10:05"), 1)]
    assert buckets(times, "* | timeslice 5m | count by _timeslice") == expected
    assert buckets(times, "* | timeslice by 5m | count by _timeslice") == expected


def test_timeslice_alias_and_type() -> None:
    con = log_table([{"_messagetime": "2026-11-20 10:59:59.999", "_raw": "x"}])
    result = run(con, "* | timeslice 1h as hour | count by hour")
    assert result.names == ["hour", "_count"]
    assert [c.type for c in result.columns] == ["time", "number"]
    assert result.rows == [(ms("2026-11-20 10:00"), 1)]


def test_timeslice_in_message_results() -> None:
    con = log_table([{"_messagetime": "2026-11-20 10:07:30", "_raw": "x"}])
    result = run(con, "* | timeslice 15m")
    assert result.names[:3] == ["_messagetime", "_raw", "_timeslice"]
    assert result.rows[0][2] == ms("2026-11-20 10:00")


# Europe/Paris leaves summer time on 2026-10-25 at 03:00 CEST (01:00 UTC): that day has 25 hours.
PARIS_TIMES = [
    "2026-10-24 21:30+00:00",  # 23:30 CEST, Oct 24
    "2026-10-24 22:30+00:00",  # 00:30 CEST, Oct 25
    "2026-10-25 12:00+00:00",  # 13:00 CET, Oct 25
    "2026-10-25 22:59+00:00",  # 23:59 CET, Oct 25
    "2026-10-25 23:00+00:00",  # 00:00 CET, Oct 26
]
PARIS_DAYS = [
    (ms("2026-10-23 22:00"), 1),  # local midnight Oct 24 (CEST, +2)
    (ms("2026-10-24 22:00"), 3),  # local midnight Oct 25 (CEST, +2), a 25-hour bucket
    (ms("2026-10-25 23:00"), 1),  # local midnight Oct 26 (CET, +1)
]


def test_days_follow_local_midnight_across_dst() -> None:
    query = "* | timeslice 1d | count by _timeslice"
    assert buckets(PARIS_TIMES, query, "Europe/Paris") == PARIS_DAYS


def test_24h_is_one_day() -> None:
    query = "* | timeslice 24h | count by _timeslice"
    assert buckets(PARIS_TIMES, query, "Europe/Paris") == PARIS_DAYS


def test_days_in_utc_start_at_utc_midnight() -> None:
    query = "* | timeslice 1d | count by _timeslice"
    assert buckets(PARIS_TIMES, query) == [
        (ms("2026-10-24 00:00"), 2),
        (ms("2026-10-25 00:00"), 3),
    ]


def test_hours_during_the_repeated_hour_stay_apart() -> None:
    times = ["2026-10-25 00:30+00:00", "2026-10-25 01:30+00:00"]  # 02:30 CEST, then 02:30 CET
    query = "* | timeslice 1h | count by _timeslice"
    assert buckets(times, query, "Europe/Paris") == [
        (ms("2026-10-25 00:00"), 1),
        (ms("2026-10-25 01:00"), 1),
    ]


def test_hours_align_to_the_local_clock_in_half_hour_zones() -> None:
    # Asia/Kolkata is UTC+05:30: 10:10 UTC is 15:40 local, its hour starts at 15:00 = 09:30 UTC.
    times = ["2026-11-20 10:10"]
    query = "* | timeslice 1h | count by _timeslice"
    assert buckets(times, query, "Asia/Kolkata") == [(ms("2026-11-20 09:30"), 1)]
    assert buckets(times, query) == [(ms("2026-11-20 10:00"), 1)]


def test_weeks_start_on_monday() -> None:
    times = ["2026-11-18 12:00", "2026-11-22 23:59", "2026-11-23 00:00"]  # Wed, Sun, Mon
    query = "* | timeslice 1w | count by _timeslice"
    assert buckets(times, query) == [(ms("2026-11-16 00:00"), 2), (ms("2026-11-23 00:00"), 1)]


def test_only_buckets_with_data_are_emitted() -> None:
    times = ["2026-11-20 10:00", "2026-11-20 13:00"]
    query = "* | timeslice 1h | count by _timeslice"
    assert buckets(times, query) == [(ms("2026-11-20 10:00"), 1), (ms("2026-11-20 13:00"), 1)]


def test_seconds() -> None:
    times = ["2026-11-20 10:00:29.999", "2026-11-20 10:00:30"]
    query = "* | timeslice 30s | count by _timeslice"
    assert buckets(times, query) == [(ms("2026-11-20 10:00"), 1), (ms("2026-11-20 10:00:30"), 1)]
