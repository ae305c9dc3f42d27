"""Field extraction rules end to end: sources.yaml -> rules -> fields in every query; errors at
the rule's file:line:col with a caret; `snapshot inspect` counts what each rule did. (Their
semantics case by case: tests/fixtures/queries/14-field-extraction-rules.txt.)"""

from __future__ import annotations

import re
import tarfile
from pathlib import Path
from typing import Any

import pytest
import yaml

from reportgen.engine import open_engine, run_query
from reportgen.errors import QuerySyntaxError, SnapshotError
from reportgen.query.rules import parse_rule
from reportgen.snapshot.sources_content import yaml_text
from tests.query.conftest import WIDE

LOG = (
    '2026-11-20T10:00:00Z Twistlock-Console: type="image_scan" log_type="vulnerability" '
    'cve="CVE-2024-1" severity="critical"\n'
    '2026-11-20T10:01:00Z Twistlock-Console: type="image_scan" log_type="vulnerability" '
    'cve="CVE-2023-2" severity="low"\n'
    '2026-11-20T10:02:00Z Twistlock-Defender: type="process" log_type="audit" cve="CVE-9"\n'
)
RULES = r"""
field_extraction_rules:
  - name: twistlock-vulnerability
    scope: _sourceCategory=twistlock "log_type=\"vulnerability\""
    parse: parse "cve=\"*\"" as cve nodrop | parse "severity=\"*\"" as severity nodrop
"""


def snapshot(root: Path, rules: str = RULES, sources: str | None = None) -> Path:
    """A folder with one Twistlock log; `sources` replaces the `sources:` list (category
    twistlock, a `cluster` field)."""
    (root / "scanner").mkdir(parents=True)
    (root / "scanner" / "twistlock.log").write_text(LOG)
    header = (
        sources
        if sources is not None
        else (
            'sources:\n  - files: "scanner/*"\n    category: twistlock\n    fields: {cluster: eks-1}\n'
        )
    )
    (root / "sources.yaml").write_text(header + rules)
    return root


def rows(root: Path | list[Path], query: str) -> list[tuple[Any, ...]]:
    with open_engine(root if isinstance(root, list) else [root]) as engine:
        return run_query(engine, query, WIDE).rows


def test_rule_fields_in_queries_and_in_the_scope(tmp_path: Path) -> None:
    root = snapshot(tmp_path / "snap")
    assert rows(root, "* | count by cve, severity") == [
        ("CVE-2023-2", "low", 1),
        ("CVE-2024-1", "critical", 1),
        (None, None, 1),  # the audit line is outside the rule's scope
    ]
    assert rows(root, "severity=CRITICAL | count by cve") == [("CVE-2024-1", 1)]
    assert rows(root, "cluster=eks-* cve=cve-2023-* | count") == [(1,)]


def test_rules_of_a_tar_archive(tmp_path: Path) -> None:
    root = snapshot(tmp_path / "snap")
    archive = tmp_path / "snap.tgz"
    with tarfile.open(archive, "w:gz") as tar:
        tar.add(root, arcname=".")
    assert rows([archive], "cve=CVE-2024-1 | count by severity") == [("critical", 1)]


def test_a_sources_file_may_hold_only_rules(tmp_path: Path) -> None:
    root = snapshot(tmp_path / "snap", sources="")
    assert rows(root, "* | count by cve") == [(None, 3)]  # default category: no rule applies
    rules = RULES.replace(
        '_sourceCategory=twistlock "log_type=\\"vulnerability\\""', "vulnerability"
    )
    root = snapshot(tmp_path / "snap2", rules=rules, sources="")
    assert rows(root, "* | count by cve") == [("CVE-2023-2", 1), ("CVE-2024-1", 1), (None, 1)]


def load_error(tmp_path: Path, rules: str) -> str:
    root = snapshot(tmp_path / "snap", rules="field_extraction_rules:\n" + rules)
    with pytest.raises(SnapshotError) as caught:
        rows(root, "* | count")
    return str(caught.value).replace(str(root), "SNAP")


def test_an_operator_a_rule_cannot_hold(tmp_path: Path) -> None:
    rules = '  - name: counts\n    parse: parse "a=*" as a | count by a\n'
    assert load_error(tmp_path, rules) == (
        "SNAP/sources.yaml:7:31: field extraction rule 'counts', parse: 'count' cannot be used in "
        "a field extraction rule; rules hold parse, parse regex, json, kv, csv, split, fields and "
        "field expressions\n"
        '      parse: parse "a=*" as a | count by a\n'
        "                                ^~~~~~~~~~"
    )


def test_a_bad_regex_in_an_escaped_string(tmp_path: Path) -> None:
    rules = '  - name: regex\n    parse: "parse \\"x=*\\" as x | parse regex \\"(?<y>\\" nodrop"\n'
    assert load_error(tmp_path, rules) == (
        "SNAP/sources.yaml:7:46: field extraction rule 'regex', parse: invalid regular "
        "expression (missing ): (?P<y>)\n"
        '      parse: "parse \\"x=*\\" as x | parse regex \\"(?<y>\\" nodrop"\n'
        "                                               ^~~~~~~~"
    )


def test_a_misspelt_field_on_the_second_line_of_a_folded_rule(tmp_path: Path) -> None:
    rules = (
        '  - name: folded\n    parse: >-\n      parse "a=*" as a\n'
        '      | parse field=nosuch "b=*" as b\n'
    )
    message = load_error(tmp_path, rules)
    assert message.splitlines()[0] == (
        "SNAP/sources.yaml:9:21: field extraction rule 'folded', parse: unknown field 'nosuch'; "
        "fields here: _messagetime, _raw, _sourcehost, _sourcecategory, _sourcename, _source, "
        "_collector, _size, _messagecount, _receipttime, _format, cluster, ..."
    )
    assert message.splitlines()[1:] == [
        '        | parse field=nosuch "b=*" as b',
        "                      ^~~~~~",
    ]


def test_a_rule_cannot_set_a_field_of_every_message(tmp_path: Path) -> None:
    rules = '  - name: clusters\n    parse: parse "c=*;" as cluster\n'
    assert load_error(tmp_path, rules) == (
        "SNAP/sources.yaml:7:12: field extraction rule 'clusters', parse: a field extraction "
        "rule cannot set 'cluster'; it is a field of every message (sources.yaml `fields`)\n"
        '      parse: parse "c=*;" as cluster\n'
        "             ^~~~~~~~~~~~~~~~~~~~~~~"
    )


def test_a_misspelt_metadata_field_in_a_scope(tmp_path: Path) -> None:
    rules = '  - name: scoped\n    scope: _sourcecategroy=app\n    parse: kv "a"\n'
    assert load_error(tmp_path, rules) == (
        "SNAP/sources.yaml:7:12: field extraction rule 'scoped', scope: '_sourcecategroy' is not "
        "a metadata field; '_sourcecategroy=app' is searched as the keyword phrase "
        "'_sourcecategroy=app'\n"
        "      scope: _sourcecategroy=app\n"
        "             ^~~~~~~~~~~~~~~~~~~"
    )


@pytest.mark.parametrize(
    ("rules", "message"),
    [
        ("  - name: a\n", "SNAP/sources.yaml:6:5: missing key 'parse'"),
        ("  - name: a\n    parse: kv \"a\"\n    scop: x\n", "SNAP/sources.yaml:8:5: unknown key 'scop'"),
        ("  - name: a\n    parse: kv \"a\"\n  - name: A\n    parse: kv \"b\"\n",
         "SNAP/sources.yaml:8:11: duplicate rule name 'A'"),
        ("  x: 1\n", "SNAP/sources.yaml:6:3: 'field_extraction_rules' must be a list of rules"),
        ("".join(f"  - {{name: r{i}, parse: kv \"a\"}}\n" for i in range(51)),
         "SNAP/sources.yaml:6:3: at most 50 field extraction rules (as in Sumo Logic)"),
        ("  - name: long\n    parse: " + "kv \"a\" | " * 2000 + "kv \"b\"\n",
         "SNAP/sources.yaml:7:12: 'parse' is longer than 16,384 characters"),
    ],
)  # fmt: skip
def test_bad_rule_entries(tmp_path: Path, rules: str, message: str) -> None:
    assert load_error(tmp_path, rules).startswith(message)


def test_rule_texts_are_parsed_alone_with_their_own_carets() -> None:
    with pytest.raises(QuerySyntaxError) as caught:
        parse_rule("r", None, 'parse regex "(?<x>\\d+)" multi | "a" as _sourceHost')
    assert [str(e) for e in caught.value.errors] == [
        "'multi' cannot be used in a field extraction rule at column 1\n"
        '  parse regex "(?<x>\\d+)" multi | "a" as _sourceHost\n'
        "  ^~~~~~~~~~~~~~~~~~~~~~~~~~~~~",
        "a field extraction rule cannot set '_sourceHost' at column 40; rules extract fields "
        "named with a letter first\n"
        '  parse regex "(?<x>\\d+)" multi | "a" as _sourceHost\n'
        "                                         ^~~~~~~~~~~",
    ]


@pytest.mark.parametrize(
    ("document", "value", "start", "end", "where"),
    [
        ("k: plain text here\n", "plain text here", 6, 10, (1, 10)),
        ('k: "a \\"quoted\\" b"\n', 'a "quoted" b', 3, 9, (1, 9)),
        ("k: 'it''s here'\n", "it's here", 5, 9, (1, 11)),
        ("k: >-\n  first line\n  second line\n", "first line second line", 11, 17, (3, 3)),
        ("k: |\n  one\n  two\n", "one\ntwo\n", 4, 7, (3, 3)),
    ],
)
def test_yaml_strings_map_back_to_the_file(
    document: str, value: str, start: int, end: int, where: tuple[int, int]
) -> None:
    node = yaml.compose(document, Loader=yaml.SafeLoader).value[0][1]
    text = yaml_text(node, "f.yaml", document)
    assert text.value == value
    span = text.span(start, end)
    assert (span.line, span.col) == where
    assert (
        document[span.start : span.end].replace("\n  ", " ") == value[start:end].replace("\n", " ")
        or document[span.start : span.end] == value[start:end]
    )


def test_inspect_counts_what_each_rule_did(tmp_path: Path, cli: Any) -> None:
    root = snapshot(tmp_path / "snap")
    table = cli("snapshot", "inspect", "--logs", root, "--no-cache")
    assert table.code == 0, table.err
    assert [re.split(r"\s{2,}", line) for line in table.out.splitlines()[-2:]] == [
        ["field extraction rule", "scope", "fields", "messages", "extracted"],
        [
            "twistlock-vulnerability",
            '_sourceCategory=twistlock "log_type=\\"vulnerability\\""',
            "cve, severity",
            "2",
            "2",
        ],
    ]
    document = cli("snapshot", "inspect", "--logs", root, "--no-cache", "-o", "json").json()
    assert document["field_extraction_rules"] == [
        {
            "name": "twistlock-vulnerability",
            "scope": '_sourceCategory=twistlock "log_type=\\"vulnerability\\""',
            "fields": ["cve", "severity"],
            "messages": 2,
            "extracted": 2,
        }
    ]
