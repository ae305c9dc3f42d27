"""Whole dashboard-style queries mixing the Tier 2 row operators, with hand-computed results."""

from __future__ import annotations

from tests.query.conftest import log_table, ms, raws, run

LINES = (
    '<14>Nov 20 10:01:00 h1 Twistlock-Defender[1]: {"type":"process","host":"web-1",'
    '"user":"root","ms":1200,"rule":"Default - alert"}',
    '<14>Nov 20 10:03:00 h1 Twistlock-Defender[1]: {"type":"network","host":"web-1",'
    '"user":"app","ms":300}',
    "<14>Nov 20 10:04:00 h2 Twistlock-Defender[1]: violation kind=process host=db-1 user=root "
    "ms=4500",
    '<14>Nov 20 10:06:00 h2 Twistlock-Defender[1]: {"type":"process","host":"db-1",'
    '"user":"svc","ms":800}',
)


def test_json_if_timeslice_count_transpose() -> None:
    con = log_table(raws(*LINES, start="2026-11-20 10:03"))  # 10:03, 10:04, 10:05, 10:06
    query = (
        '* | json "type", "host", "ms" nodrop '
        '| parse regex "kind=(?<type>\\w+) host=(?<host>\\S+) .*ms=(?<ms>\\d+)" nodrop '
        '| where !isNull(type) | if(num(ms) >= 1s, "slow", "fast") as speed '
        "| timeslice 5m | count by _timeslice, speed | transpose row _timeslice column speed"
    )
    result = run(con, query)
    assert result.names == ["_timeslice", "fast", "slow"]
    assert result.rows == [(ms("2026-11-20 10:00"), 1, 1), (ms("2026-11-20 10:05"), 1, 1)]
    # a bucket without slow messages has a null cell
    result = run(con, query.replace("1s", "2s"))
    assert result.rows == [(ms("2026-11-20 10:00"), 2, None), (ms("2026-11-20 10:05"), 1, 1)]


def test_kv_expressions_and_dedup() -> None:
    con = log_table(raws(*LINES, start="2026-11-20 10:01"))
    query = (
        '* | json "user", "ms" nodrop | kv "user", "ms" as kuser, kms nodrop '
        "| if(isNull(user), kuser, user) as who | num(if(isNull(ms), kms, ms)) as ms "
        '| round(ms / 1000, 1) as secs | concat(who, ":", secs) as label '
        "| dedup by who | sort by ms | fields label, ms"
    )
    result = run(con, query)
    assert [(r["label"], r["ms"]) for r in result.records()] == [
        ("root:4.5", 4500),
        ("svc:0.8", 800),
        ("app:0.3", 300),
    ]
