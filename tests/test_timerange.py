from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from reportgen.errors import UsageError
from reportgen.timerange import (
    Window,
    default_at,
    parse_duration,
    parse_instant,
    resolve_range,
    zone_info,
)

AT = datetime(2026, 11, 20, 12, 30, tzinfo=UTC)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("-24h", timedelta(hours=-24)),
        ("-7d", timedelta(days=-7)),
        ("-1d -12h", timedelta(hours=-36)),
        ("-15m", timedelta(minutes=-15)),
        ("-1w", timedelta(weeks=-1)),
        ("30s", timedelta(seconds=30)),
    ],
)
def test_parse_duration(text: str, expected: timedelta) -> None:
    assert parse_duration(text) == expected


def test_parse_duration_unknown_unit_has_caret() -> None:
    with pytest.raises(UsageError) as caught:
        parse_duration("-24x")
    assert str(caught.value) == (
        "unknown time unit 'x' in '-24x' (--range); units are s, m, h, d, w\n  -24x\n     ^"
    )


def test_parse_duration_garbage() -> None:
    with pytest.raises(UsageError) as caught:
        parse_duration("-24h yesterday")
    assert str(caught.value) == (
        "invalid time range '-24h yesterday' (--range) at column 6; expected a relative range "
        "such as -24h, -7d, -1d -12h, or one of: all, today, yesterday\n"
        "  -24h yesterday\n"
        "       ^~~~~~~~~"
    )


def test_relative_ranges_end_at_the_reference_instant() -> None:
    assert resolve_range("-24h", AT, "UTC") == (AT - timedelta(hours=24), AT)
    earliest = datetime(2026, 11, 13, tzinfo=UTC)
    assert resolve_range("all", AT, "UTC", earliest=earliest) == (earliest, AT)


def test_today_and_yesterday_follow_local_midnight() -> None:
    # Midnight in Paris (UTC+1 in November) is 23:00 UTC the day before.
    assert resolve_range("today", AT, "Europe/Paris") == (
        datetime(2026, 11, 19, 23, tzinfo=UTC),
        AT,
    )
    assert resolve_range("yesterday", AT, "Europe/Paris") == (
        datetime(2026, 11, 18, 23, tzinfo=UTC),
        datetime(2026, 11, 19, 23, tzinfo=UTC),
    )


def test_future_range_is_refused() -> None:
    with pytest.raises(UsageError, match="points into the future; write it as an offset"):
        resolve_range("24h", AT, "UTC")


def test_parse_instant_forms() -> None:
    assert parse_instant("2026-11-20T10:00:00Z") == datetime(2026, 11, 20, 10, tzinfo=UTC)
    assert parse_instant("2026-11-20T10:00:00+01:00") == datetime(2026, 11, 20, 9, tzinfo=UTC)
    assert parse_instant("2026-11-20", "Europe/Paris") == datetime(2026, 11, 19, 23, tzinfo=UTC)
    assert parse_instant("-2h", at=AT) == AT - timedelta(hours=2)
    assert parse_instant("now", at=AT) == AT


def test_parse_instant_error() -> None:
    with pytest.raises(UsageError) as caught:
        parse_instant("yesterday noon")
    assert str(caught.value) == (
        "invalid time 'yesterday noon' (--at); expected ISO 8601 such as 2026-11-20, "
        "2026-11-20T10:00:00Z or 2026-11-20T10:00:00+01:00"
    )


def test_unknown_zone_suggests() -> None:
    with pytest.raises(UsageError) as caught:
        zone_info("Europe/Pari")
    assert (
        str(caught.value) == "unknown time zone 'Europe/Pari' (--tz); did you mean 'Europe/Paris'?"
    )


def test_default_at_is_the_minute_after_the_latest_message() -> None:
    latest = datetime(2026, 11, 20, 23, 58, 59, 500000, tzinfo=UTC)
    assert default_at(latest) == datetime(2026, 11, 20, 23, 59, tzinfo=UTC)
    exact = datetime(2026, 11, 20, 23, 58, tzinfo=UTC)
    assert default_at(exact) == datetime(2026, 11, 20, 23, 59, tzinfo=UTC)


def test_window_label_in_zone() -> None:
    window = Window(datetime(2026, 11, 19, 12, tzinfo=UTC), AT, "Europe/Paris")
    assert window.label() == "2026-11-19 13:00 – 2026-11-20 13:30 Europe/Paris"
