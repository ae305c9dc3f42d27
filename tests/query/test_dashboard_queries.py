"""The Twistlock dashboard queries S1-S5 (spec §12) on hand-written tables, with their quirks:
mixed-case `_sourcehost`, spaces around `=`, no space before `|`, `count as count`, `/` in an
unquoted metadata value, quoted metadata values, and the blog's typographic quotes."""

from __future__ import annotations

from typing import Any

from tests.query.conftest import log_table, ms, run

CTO = "cto-stable-ubuntu.c.cto-sandbox.internal"


def row(time: str, raw: str, host: str = CTO, category: str = "twistlock_logs") -> dict[str, Any]:
    return {"_messagetime": time, "_raw": raw, "_sourcehost": host, "_sourcecategory": category}


S1_ROWS = [
    row("2026-11-20 10:01", "Process violation in container /web: /bin/nc launched"),
    row("2026-11-20 10:02", "Process violation in container /web: /usr/bin/sync launched"),
    row("2026-11-20 10:03", "Process violation in container /web: /usr/bin/ncat launched"),
    row("2026-11-20 10:04", "nc probe finished"),
    row("2026-11-20 10:05", "Process violation: nc -l 4444", host=CTO.upper()),
    row("2026-11-20 10:06", "Process violation: /bin/nc launched", host="prod-web-1"),
    row("2026-11-20 10:07", "Process violation: nc", category="twistlock_logs/old"),
    row("2026-11-20 10:08", "violation of Process rules by NC"),
]


def test_s1_message_result_with_token_match() -> None:
    query = f'(_sourceCategory=twistlock_logs (Process violation)) AND _sourcehost = "{CTO}" AND nc'
    result = run(log_table(S1_ROWS), query)
    assert result.kind == "messages"
    assert result.names[:5] == [
        "_messagetime",
        "_raw",
        "_sourcehost",
        "_sourceCategory",
        "_sourcename",
    ]
    assert [(r["_messagetime"], r["_raw"], r["_sourcehost"]) for r in result.records()] == [
        (ms("2026-11-20 10:08"), "violation of Process rules by NC", CTO),
        (ms("2026-11-20 10:05"), "Process violation: nc -l 4444", CTO.upper()),
        (ms("2026-11-20 10:01"), "Process violation in container /web: /bin/nc launched", CTO),
    ]


S2_ROWS = [
    row("2026-11-20 10:01", "Process violation a", host="hostB"),
    row("2026-11-20 10:03", "Process violation b", host="hostB"),
    row("2026-11-20 10:04", "process VIOLATION c", host="hostA"),
    row("2026-11-20 10:06", "Process violation d", host="hostA"),
    row("2026-11-20 10:07", "Network violation e", host="hostA"),
    row("2026-11-20 10:08", "Process model updated after violation review", host="hostB"),
    row("2026-11-20 10:09", "Process violation f", host="hostC", category="other"),
    row("2026-11-20 10:12", "Process violation g", host="hostC"),
]


def test_s2_transposed_counts_per_host() -> None:
    query = (
        "_sourceCategory=twistlock_logs (Process violation)| timeslice 5m "
        "| count as count by _timeslice, _sourceHost| transpose row _timeslice column _sourceHost"
    )
    result = run(log_table(S2_ROWS), query)
    assert result.names == ["_timeslice", "hostA", "hostB", "hostC"]
    assert [c.type for c in result.columns] == ["time", "number", "number", "number"]
    assert result.rows == [
        (ms("2026-11-20 10:00"), 1, 2, None),
        (ms("2026-11-20 10:05"), 1, 1, None),
        (ms("2026-11-20 10:10"), None, None, 1),
    ]


S3_ROWS = [
    row("2026-11-18 09:00", "Process violation", category="twistlock/example"),
    row("2026-11-18 23:59:59.999", "Network violation", category="twistlock/example"),
    row("2026-11-19 00:00", "Filesystem violation", category="twistlock/example"),
    row("2026-11-20 08:00", "violations counter reset", category="twistlock/example"),
    row("2026-11-20 09:00", "VIOLATION!", category="twistlock/example"),
    row("2026-11-20 10:00", "Process violation", category="twistlock/example"),
    row("2026-11-20 10:30", "Process violation", category="twistlock/example2"),
]


def test_s3_violations_per_day_newest_first() -> None:
    query = (
        "_sourceCategory=twistlock/example (violation) | timeslice 24h | count by _timeslice "
        "| order by _timeslice desc"
    )
    result = run(log_table(S3_ROWS), query)
    assert result.names == ["_timeslice", "_count"]
    assert result.rows == [
        (ms("2026-11-20 00:00"), 2),
        (ms("2026-11-19 00:00"), 1),
        (ms("2026-11-18 00:00"), 2),
    ]


S4_ROWS = [
    row("2026-11-19 08:00", "The command docker_exec denied for user alice by rule 'no-exec'"),
    row("2026-11-19 08:05", "The command container_create denied for user Bob by rule 'devs'"),
    row("2026-11-19 08:10", "The command container_list denied for user admin by rule Deny"),
    row("2026-11-19 08:15", "Outbound connection to 198.51.100.1 is explicitly denied by a rule"),
    row("2026-11-19 08:20", "The command image_pull denied for user alice by rule 'no-pull'"),
    row("2026-11-19 08:25", "The command docker_exec DENIED for user carol by rule 'x'"),
    row("2026-11-19 08:30", "the command docker_exec denied for user dave by rule 'x'"),
    row("2026-11-19 08:35", "The command x allowed for user erin by rule 'y'"),
]
S4_EXPECTED = [("Bob", 1), ("alice", 2), ("carol", 1)]


def s4_table() -> Any:
    return log_table([{**r, "_sourcecategory": "twistlock/example"} for r in S4_ROWS])


def test_s4_denied_commands_by_user_ascending() -> None:
    query = (
        '_sourceCategory="twistlock/example" (Denied)|parse "The command * * for user * by rule '
        "*'\" as command, action, user, rulename | count by user | order by user asc"
    )
    result = run(s4_table(), query)
    assert result.names == ["user", "_count"]
    assert result.rows == S4_EXPECTED


def test_s4_with_the_blogs_typographic_quotes() -> None:
    query = (
        "_sourceCategory=“twistlock/example” (Denied)|parse “The command * * for user * by rule "
        "*’” as command, action, user, rulename | count by user | order by user asc"
    )
    result = run(s4_table(), query)
    assert result.rows == S4_EXPECTED
    assert result.warnings == [
        'replaced typographic quotes with ASCII quotes: “ -> " (2x), ” -> " (2x), ’ -> \' (1x)'
    ]


def test_s4_rulename_may_be_empty() -> None:
    query = (
        '_sourceCategory="twistlock/example" (Denied)|parse "The command * * for user * by rule '
        "*'\" as command, action, user, rulename | fields user, rulename"
    )
    result = run(s4_table(), query)
    assert [(r["user"], r["rulename"]) for r in result.records()] == [
        ("carol", ""),
        ("alice", ""),
        ("Bob", ""),
        ("alice", ""),
    ]


GO = " WARN 2026-11-20T10:00:00.000 "
S5_ROWS = [
    row("2026-11-20 10:00", GO + "defender.go:1234 Process violation in container /a"),
    row("2026-11-20 10:01", GO + "defender.go:1240 Network violation in container /a"),
    row("2026-11-20 10:02", GO + "defender.go:1234 Process violation in container /b"),
    row("2026-11-20 10:03", GO + "fs.go:77 Filesystem violation in container /c"),
    row("2026-11-20 10:04", " INFO 2026-11-20T10:04:00.000 policy.go:12 Runtime violation report"),
    row("2026-11-20 10:05", GO + "defender.go:1240 Network violation in x"),
    row("2026-11-20 10:06", GO + "defender.go:1234 Process violation in y"),
    row("2026-11-20 10:07", " INFO 2026-11-20T10:07:00.000 defender.go:50 violations counter"),
    row("2026-11-20 10:08", " INFO 2026-11-20T10:08:00.000 x.go:5 a violation"),
]


def test_s5_violation_types_largest_first() -> None:
    query = (
        '_sourceCategory="twistlock/example" (violation) | parse ".go:* * violation " as '
        "linenumber, violation_type | count by violation_type | order by _count desc"
    )
    rows = [{**r, "_sourcecategory": "twistlock/example"} for r in S5_ROWS]
    result = run(log_table(rows), query)
    assert result.names == ["violation_type", "_count"]
    # ties (1 each) keep the key order of the aggregation: ascending.
    assert result.rows == [("Process", 3), ("Network", 2), ("Filesystem", 1), ("Runtime", 1)]


def test_s5_linenumber_is_a_string() -> None:
    query = (
        '_sourceCategory="twistlock/example" (violation) | parse ".go:* * violation " as '
        "linenumber, violation_type | count by linenumber | sort by linenumber"
    )
    rows = [{**r, "_sourcecategory": "twistlock/example"} for r in S5_ROWS]
    result = run(log_table(rows), query)
    assert result.columns[0].type == "string"
    # descending as text: "77" > "1240" > "1234" > "12"
    assert result.rows == [("77", 1), ("1240", 2), ("1234", 3), ("12", 1)]
