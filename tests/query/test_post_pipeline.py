"""A typical dashboard query through the operators of issue 3b, checked end to end."""

from __future__ import annotations

from reportgen.timerange import Window
from tests.query.conftest import at, log_table, ms, run

ROWS = [
    ("2026-11-20 10:05", "host-a", "login user=x ok"),
    ("2026-11-20 10:10", "host-a", "login user=y ok"),
    ("2026-11-20 10:20", "host-a", "login user=x ok"),
    ("2026-11-20 10:30", "host-b", "login user=x ok"),
    ("2026-11-20 12:00", "host-a", "login user=z ok"),
]
WINDOW = Window(at("2026-11-20 10:00"), at("2026-11-20 13:00"), "UTC")


def test_distinct_users_per_hour_and_host_filled_and_pivoted() -> None:
    con = log_table([{"_messagetime": t, "_sourcehost": h, "_raw": r} for t, h, r in ROWS])
    query = (
        'login | parse "user=* " as user | timeslice 1h'
        " | count_distinct(user) as users by _timeslice, _sourceHost"
        ' | fillmissing timeslice, values("host-a", "host-b") in _sourceHost'
        " | transpose row _timeslice column _sourceHost"
    )
    found = run(con, query, WINDOW)
    assert found.names == ["_timeslice", "host-a", "host-b"]
    assert found.rows == [
        (ms("2026-11-20 10:00"), 2, 1),
        (ms("2026-11-20 11:00"), 0, 0),
        (ms("2026-11-20 12:00"), 1, 0),
    ]


def test_running_total_of_the_top_hosts() -> None:
    con = log_table([{"_messagetime": t, "_sourcehost": h, "_raw": r} for t, h, r in ROWS])
    query = (
        "login | count by _sourcehost | topk(1, _count) | total _count as all"
        " | fields _sourcehost, _count, all"
    )
    assert run(con, query, WINDOW).rows == [("host-a", 4, 4.0)]
