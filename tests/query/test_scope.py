"""The scope (spec §2): token semantics, wildcards, phrases, boolean logic, metadata."""

from __future__ import annotations

import pytest

from reportgen.query import parse_query
from reportgen.timerange import Window
from tests.query.conftest import at, log_table, matching, raws, run

FAQ = (
    "2013-08-13 21:25:15,456 98765432 [com.test.services.test.TESTClientImpl] TEST "
    "Request:id=1234567 TEST1234567"
)


def hit(scope: str, raw: str) -> bool:
    return matching(log_table(raws(raw)), scope) == [raw]


# Conformance case 1 (doc FAQ + derived).
@pytest.mark.parametrize(
    ("scope", "expected"),
    [
        ("TEST*", True),
        ("test", True),
        ("456", True),
        ("*456*", True),
        ("345", False),
        ("com*services", False),
        ("com.*.services*", True),
        ("com services", True),
    ],
)
def test_conformance_1_faq_line(scope: str, expected: bool) -> None:
    assert hit(scope, FAQ) is expected


def test_conformance_2_phrase_wildcards() -> None:
    line = "login ok jsmith@somewhere.com"
    assert hit("jsmith@*.com", line)
    assert not hit("jsmith@some*re.com", line)
    warnings = parse_query("jsmith@some*re.com").warnings
    assert warnings == [
        "keyword 'jsmith@some*re.com': a wildcard inside a phrase must be a whole token ('*') "
        "or end the last word; this keyword matches nothing"
    ]


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Process violation: /bin/nc launched", True),
        ("/usr/bin/sync launched", False),
        ("/usr/bin/ncat launched", False),
        ("NC probe", True),
        ("nc2 probe", False),
        ("x_nc probe", False),
        ("(nc)", True),
        ("nc", True),
        ("sync\nnc", True),
    ],
)
def test_keyword_is_a_whole_token_case_insensitive(raw: str, expected: bool) -> None:
    assert hit("nc", raw) is expected


@pytest.mark.parametrize(
    ("scope", "raw", "expected"),
    [
        ("e*or", "an error here", True),
        ("?rror", "an error here", True),
        ("erro?", "an error here", True),
        ("err?", "an error here", False),
        ("*or", "an ERROR here", True),
        ("er*", "x-error-y", True),
        ("error*", "errors", True),
        ("error*", "my_error", False),
        ("*", "anything at all", True),
    ],
)
def test_wildcards_stay_inside_one_token(scope: str, raw: str, expected: bool) -> None:
    assert hit(scope, raw) is expected


@pytest.mark.parametrize(
    ("scope", "raw", "expected"),
    [
        ('"failed login"', "failed   login for bob", True),
        ('"failed login"', "Failed\tLogin", True),
        ('"failed login"', "failed to login", False),
        ('"failed login"', "unfailed login", False),
        ("15:39", "at 15:39:02 ok", True),
        ("15:39", "at 15 : 39", True),
        ("15:39", "at 115:39", False),
        ("jsmith@demo.com", "user jsmith@demo.com logged in", True),
        ("jsmith@demo.com", "user jsmith@demo.community", False),
        ("com.*.services", "com.test.services", True),
        ("com.*.services", "com.test.x.services", False),
        ("com.*.services", "com.-.services", True),
        ("com.*.services", "com.. services", False),
        ('"a*b"', "x a*b y", True),
        ('"a*b"', "x ab y", False),
        ('"a|b"', "x a|b y", True),
        ('"and"', "this and that", True),
        ('"say \\"hi\\""', 'they say "hi" twice', True),
        ("/bin/nc", "exec /bin/nc -l", True),
        ("/bin/nc", "exec /bin/ncat -l", False),
        ("x.*", "see x.y", True),
        ("*.com", "mail bob.com", True),
    ],
)
def test_phrases(scope: str, raw: str, expected: bool) -> None:
    assert hit(scope, raw) is expected


def test_conformance_4_precedence() -> None:
    con = log_table(raws("error x", "fail debug", "error debug", "other"))
    assert matching(con, "error OR fail debug") == ["error x", "fail debug", "error debug"]
    assert matching(con, "(error OR fail) debug") == ["fail debug", "error debug"]
    assert matching(con, "error or fail AND debug") == ["error x", "fail debug", "error debug"]


def test_not_binds_tighter_than_and() -> None:
    con = log_table(raws("error x", "fail debug", "error debug", "other"))
    assert matching(con, "error NOT debug") == ["error x"]
    assert matching(con, "error AND !debug") == ["error x"]
    assert matching(con, "NOT error debug") == ["fail debug"]
    assert matching(con, "NOT (error OR fail)") == ["other"]
    assert matching(con, "not not other") == ["other"]
    assert matching(con, "!error !fail") == ["other"]


def test_star_scope_and_empty_scope_select_everything() -> None:
    con = log_table(raws("a", "b"))
    assert matching(con, "*") == ["a", "b"]
    assert matching(con, "") == ["a", "b"]
    assert matching(con, "* | limit 5") == ["a", "b"]
    assert matching(con, "* a") == ["a"]


def test_keywords_search_raw_only() -> None:
    con = log_table([{"_messagetime": "2026-11-20 10:00", "_raw": "x", "_sourcehost": "prod"}])
    assert matching(con, "prod") == []


HOSTS = [
    {"_messagetime": "2026-11-20 10:00", "_raw": "one", "_sourcehost": "prod-web-1"},
    {"_messagetime": "2026-11-20 10:01", "_raw": "two", "_sourcehost": "PROD-db"},
    {"_messagetime": "2026-11-20 10:02", "_raw": "three", "_sourcehost": "preprod-1"},
    {"_messagetime": "2026-11-20 10:03", "_raw": "four", "_sourcehost": "prod-*"},
]


def test_conformance_3_metadata_glob() -> None:
    con = log_table(HOSTS)
    assert matching(con, "_sourceHost=prod-*") == ["one", "two", "four"]
    assert matching(con, "_sourcehost = PROD-WEB-1") == ["one"]
    assert matching(con, '_sourcehost="prod-*"') == ["four"]
    assert matching(con, "_sourcehost=*prod*") == ["one", "two", "three", "four"]
    assert matching(con, "_sourcehost != prod-web-1") == ["two", "three", "four"]
    assert matching(con, "NOT _sourcehost=prod-*") == ["three"]
    assert matching(con, "_sourceHost=*") == ["one", "two", "three", "four"]


def test_metadata_value_is_whole_value_and_may_hold_slashes() -> None:
    con = log_table(
        [
            {"_messagetime": "2026-11-20 10:00", "_raw": "a", "_sourcecategory": "twistlock_logs"},
            {
                "_messagetime": "2026-11-20 10:01",
                "_raw": "b",
                "_sourcecategory": "twistlock_logs/x",
            },
            {
                "_messagetime": "2026-11-20 10:02",
                "_raw": "c",
                "_sourcecategory": "twistlock/example",
            },
            {"_messagetime": "2026-11-20 10:03", "_raw": "d", "_sourcecategory": "Security Logs"},
            {"_messagetime": "2026-11-20 10:04", "_raw": "e", "_sourcecategory": "100%_sure"},
        ]
    )
    assert matching(con, "_sourceCategory=twistlock_logs") == ["a"]
    assert matching(con, "_sourceCategory=twistlock/example") == ["c"]
    assert matching(con, '_sourceCategory="twistlock/example"') == ["c"]
    assert matching(con, '_sourceCategory="security logs"') == ["d"]
    assert matching(con, "_sourceCategory=*/*") == ["b", "c"]
    assert matching(con, "_sourceCategory=twistlock/*") == ["c"]  # `/*` here is no comment
    assert matching(con, "_sourceCategory=1*%_sure") == ["e"]
    assert matching(con, "_sourceCategory=1*_") == []


def test_metadata_null_values_compare_as_empty() -> None:
    con = log_table(
        [
            {"_messagetime": "2026-11-20 10:00", "_raw": "a", "_collector": None},
            {"_messagetime": "2026-11-20 10:01", "_raw": "b", "_collector": "c1"},
        ]
    )
    assert matching(con, "NOT _collector=c1") == ["a"]
    assert matching(con, "_collector=*") == ["a", "b"]


def test_unknown_field_comparison_is_a_keyword_phrase_with_a_warning() -> None:
    con = log_table(raws("x foo=bar y", "foo bar", "x foo = bar"))
    assert matching(con, "foo=bar") == ["x foo=bar y", "x foo = bar"]
    assert matching(con, "foo = bar") == ["x foo=bar y", "x foo = bar"]
    assert parse_query("foo = bar").warnings == []  # it could be a field: planning decides
    assert run(con, "foo = bar").warnings == [
        "'foo' is not a metadata field; 'foo = bar' is searched as the keyword phrase 'foo=bar'"
    ]


def test_scope_with_comments_and_newlines() -> None:
    con = log_table(raws("error a", "error b", "http://x"))
    assert matching(con, "error // only errors\nAND b") == ["error b"]
    assert matching(con, "error /* not a */ b") == ["error b"]
    assert matching(con, '"http://x"') == ["http://x"]


def test_time_window_is_half_open() -> None:
    con = log_table(raws("a", "b", "c", start="2026-11-20 10:00"))
    window = Window(at("2026-11-20 10:01"), at("2026-11-20 10:02"))
    assert [r["_raw"] for r in run(con, "*", window).records()] == ["b"]


def test_scope_fields_are_the_metadata_but_times_and_raw() -> None:
    from reportgen.query.plan.schema import METADATA_KEYS
    from reportgen.query.syntax.catalog import SCOPE_FIELDS

    assert METADATA_KEYS - {"_messagetime", "_receipttime", "_raw"} == SCOPE_FIELDS
