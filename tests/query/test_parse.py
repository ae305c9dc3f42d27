"""The parse anchor (spec §4.1) and nodrop chains (§4.2)."""

from __future__ import annotations

from typing import Any

from tests.query.conftest import log_table, ms, raws, run


def column(query: str, *lines: str, name: str) -> list[Any]:
    """Values of one result column, newest message first."""
    return [r[name] for r in run(log_table(raws(*lines)), "* | " + query).records()]


F5_LINE = (
    "Aug 2 04:06:08: host=10.1.1.124: local/ssl2 notice mcpd[3772]: User=jsmith@demo.com: "
    "severity=warning: 01070638:5: Pool member 172.31.51.22:0 monitor status down."
)


def test_conformance_5_two_captures() -> None:
    result = run(log_table(raws(F5_LINE)), '* | parse "User=*: severity=*:" as user, severity')
    assert [(r["user"], r["severity"]) for r in result.records()] == [
        ("jsmith@demo.com", "warning")
    ]


def test_conformance_6_parse_another_field() -> None:
    query = (
        '* | parse "user_email=*" as user_email | parse field=user_email "*@*" as user_name, domain'
    )
    result = run(log_table(raws("user_email=jsmith@demo.com")), query)
    assert [(r["user_name"], r["domain"]) for r in result.records()] == [("jsmith", "demo.com")]


def test_conformance_7_nodrop_chain_is_an_or() -> None:
    lines = ("GET /a HTTP/1.1", "POST /b HTTP/1.1", "PUT /c HTTP/1.1")
    query = 'parse "GET * HTTP" as url nodrop | parse "POST * HTTP" as url'
    assert column(query, *lines, name="url") == ["/b", "/a"]  # newest first


def test_parse_without_nodrop_drops_non_matching_rows() -> None:
    lines = ("a=1 b=2", "a=3", "b=4")
    assert column('parse "a=*" as a', *lines, name="a") == ["3", "1 b=2"]
    query = 'parse "a=* " as a | parse "b=*" as b'
    assert column(query, *lines, name="b") == ["2"]


def test_nodrop_keeps_every_row_with_null_fields() -> None:
    lines = ("a=1;", "nothing")
    assert column('parse "a=*;" as a nodrop', *lines, name="a") == [None, "1"]


def test_long_nodrop_chain_keeps_rows_matching_any_pattern() -> None:
    lines = ("A=1;", "B=2;", "C=3;", "D=4;", "E=5;")
    query = (
        'parse "A=*;" as v nodrop | parse "B=*;" as v nodrop | parse "C=*;" as v nodrop '
        '| parse "D=*;" as v'
    )
    assert column(query, *lines, name="v") == ["4", "3", "2", "1"]


def test_rescued_flag_survives_other_stages() -> None:
    lines = ("GET /a HTTP", "POST /b HTTP", "PUT /c HTTP")
    query = (
        'parse "GET * HTTP" as url nodrop | where _raw matches "*HTTP" | parse "POST * HTTP" as url'
    )
    assert column(query, *lines, name="url") == ["/b", "/a"]


def test_a_failed_parse_keeps_the_value_of_an_earlier_one() -> None:
    query = 'parse "x=*;" as v nodrop | parse "y=*;" as v nodrop'
    assert column(query, "x=1;", "x=2; y=3;", name="v") == ["3", "1"]


def test_trailing_star_is_greedy_to_the_end() -> None:
    line = "[05/09/2014 09:39:990] INFO little@sumologic.com:ABCD:EFGH:done"
    result = run(log_table(raws(line)), '* | parse "] * *" as log_level, f')
    assert [(r["log_level"], r["f"]) for r in result.records()] == [
        ("INFO", "little@sumologic.com:ABCD:EFGH:done")
    ]


def test_leading_star_captures_from_the_start() -> None:
    line = '10.0.0.7 - - [20/Nov/2026:10:00:00 +0000] "GET / HTTP/1.1" 200'
    assert column('parse "* - - " as ip', line, name="ip") == ["10.0.0.7"]


def test_captures_are_lazy_up_to_the_next_literal() -> None:
    assert column('parse "a=*," as a', "a=1,b=2,", name="a") == ["1"]
    assert column('parse "k=* " as k', "k=1 k=2 ", name="k") == ["1"]


def test_star_crosses_newlines() -> None:
    assert column('parse "start * end" as mid', "start x\ny end", name="mid") == ["x\ny"]


def test_literals_are_case_sensitive() -> None:
    assert column('parse "user=*:" as u', "User=bob:", "user=ann:", name="u") == ["ann"]


def test_escapes_in_the_pattern() -> None:
    assert column('parse "say \\"*\\"" as q', 'they say "hi" twice', name="q") == ["hi"]
    assert column('parse "a\\*b=*;" as v', "a*b=1; ab=2;", name="v") == ["1"]
    assert column('parse "line1\\n*" as rest', "line1\nline2", name="rest") == ["line2"]
    assert column('parse "c:\\\\*;" as p', "path c:\\temp;", name="p") == ["temp"]


def test_regex_characters_are_literal() -> None:
    assert column('parse "(x) [*] $" as v', "(x) [a.b] $", name="v") == ["a.b"]


def test_captures_may_be_empty() -> None:
    line = "The command docker_exec denied for user alice by rule 'no-exec'"
    query = '* | parse "The command * * for user * by rule *\'" as command, action, user, rulename'
    result = run(log_table(raws(line)), query)
    assert [(r["command"], r["action"], r["user"], r["rulename"]) for r in result.records()] == [
        ("docker_exec", "denied", "alice", "")
    ]


def test_parenthesised_names_and_escaped_names() -> None:
    result = run(log_table(raws("k=v;")), '* | parse "*=*;" as (%"the key", value)')
    assert [(r["the key"], r["value"]) for r in result.records()] == [("k", "v")]


def test_parse_a_metadata_field() -> None:
    con = log_table([{"_messagetime": "2026-11-20 10:00", "_raw": "x", "_sourcehost": "web-7"}])
    result = run(con, '* | parse field=_sourceHost "*-*" as role, number')
    assert [(r["role"], r["number"]) for r in result.records()] == [("web", "7")]


def test_parse_a_number_field_reads_its_text() -> None:
    con = log_table([{"_messagetime": "2026-11-20 10:00", "_raw": "x", "_messagecount": 1234}])
    assert [r["d"] for r in run(con, '* | parse field=_messagecount "12*" as d').records()] == [
        "34"
    ]


def test_parsed_fields_come_after_time_and_raw_in_message_results() -> None:
    result = run(log_table(raws(F5_LINE)), '* | parse "User=*: severity=*:" as User, severity')
    assert result.kind == "messages"
    assert result.names == [
        "_messagetime", "_raw", "User", "severity", "_sourcehost", "_sourcecategory",
        "_sourcename", "_source", "_collector", "_size", "_messagecount", "_receipttime",
        "_format",
    ]  # fmt: skip
    assert result.rows[0][:4] == (ms("2026-11-20 10:00"), F5_LINE, "jsmith@demo.com", "warning")
    assert [c.type for c in result.columns][:3] == ["time", "string", "string"]


def test_a_successful_parse_overwrites_a_field_and_keeps_its_spelling() -> None:
    result = run(log_table(raws("a=1 b=2")), '* | parse "a=* " as Val | parse "b=*" as val')
    assert [r["Val"] for r in result.records()] == ["2"]
