"""The full dashboard model: variables, sections, text panels, absolute ranges, page options,
per-type options, warnings and the JSON Schema."""

from __future__ import annotations

import json

import jsonschema
import pytest
import yaml

from reportgen.dashboard.loader import load_dashboard_text
from reportgen.dashboard.schema import dashboard_schema, schema_json
from reportgen.errors import ReportgenError, SpecError, UsageError

DASHBOARD = """\
title: V
page: {size: Letter, orientation: landscape}
variables:
  host: {default: "*", values: ["*", "a", "b"]}
  unused: {default: x}
sections:
  - title: One
    panels:
      - id: notes
        title: Notes
        type: text
        text: "# hi"
      - id: q
        title: Q
        type: table
        time_range: {from: 2026-11-19, to: 2026-11-20T12:00:00Z}
        query: _sourceHost={{ host }} | count by _sourcehost
"""


def load(text: str, **variables: str) -> object:
    return load_dashboard_text(text, "d.yaml", variables)


def error_of(text: str, **variables: str) -> str:
    with pytest.raises(ReportgenError) as caught:
        load_dashboard_text(text, "d.yaml", variables)
    return str(caught.value)


def test_variables_sections_text_and_absolute_range() -> None:
    dashboard = load_dashboard_text(DASHBOARD, "d.yaml", {"host": "a"})
    spec = dashboard.spec
    assert [s.title for s in spec.sections] == ["One"]
    assert [(path, section, p.id) for path, section, p in spec.every_panel()] == [
        (("sections", 0, "panels", 0), 0, "notes"),
        (("sections", 0, "panels", 1), 0, "q"),
    ]
    panel = spec.sections[0].panels[1]
    assert panel.query == "_sourceHost=a | count by _sourcehost"
    assert panel.time_range is not None and not isinstance(panel.time_range, str)
    assert (panel.time_range.start, panel.time_range.end) == (
        "2026-11-19",
        "2026-11-20T12:00:00+00:00",
    )
    assert (spec.page.size, spec.page.orientation) == ("Letter", "landscape")
    assert dashboard.variables == {"host": "a", "unused": "x"}
    assert dashboard.warnings == [
        "d.yaml:5:11: variables.unused: the variable is not used by any query"
    ]


def test_variable_defaults_apply_without_var() -> None:
    panel = load_dashboard_text(DASHBOARD, "d.yaml").spec.sections[0].panels[1]
    assert panel.query == "_sourceHost=* | count by _sourcehost"


def test_var_outside_allowed_values_and_unknown_var() -> None:
    with pytest.raises(UsageError) as caught:
        load_dashboard_text(DASHBOARD, "d.yaml", {"host": "c"})
    assert str(caught.value) == "d.yaml: variable 'host' cannot be 'c' (--var); allowed: *, a, b"
    with pytest.raises(UsageError) as caught:
        load_dashboard_text(DASHBOARD, "d.yaml", {"hots": "a"})
    assert str(caught.value) == "d.yaml: unknown variable 'hots' (--var); did you mean 'host'?"


def test_unknown_placeholder_and_query_error_after_substitution() -> None:
    text = DASHBOARD.replace("count by _sourcehost", "count by {{hots}}")
    assert error_of(text) == (
        "d.yaml:17:50: sections[0].panels[1].query (q): unknown variable 'hots'; "
        "did you mean 'host'?\n"
        "          query: _sourceHost={{ host }} | count by {{hots}}\n"
        "                                                   ^"
    )
    # The caret is under the query as run (host substituted); the location is in the file.
    text = DASHBOARD.replace("| count by _sourcehost", "| cout by _sourcehost")
    assert error_of(text, host="a") == (
        "d.yaml:17:41: sections[0].panels[1].query (q): unknown operator 'cout' at column 17; "
        "did you mean 'count'?\n"
        "  _sourceHost=a | cout by _sourcehost\n"
        "                  ^~~~"
    )


def test_range_order_text_panel_rules_and_type_options() -> None:
    text = (
        DASHBOARD.replace("to: 2026-11-20T12:00:00Z", "to: 2026-11-18")
        .replace('text: "# hi"', 'query: "*"')
        .replace("type: table\n", "type: table\n        bands: [{color: red}]\n")
    )
    assert error_of(text) == (
        "4 problems:\n"
        "d.yaml:9:9: missing required key 'text' in sections[0].panels[0]; "
        "a text panel shows Markdown\n"
        "        - id: notes\n"
        "          ^~~~~~~~~\n"
        "d.yaml:12:16: sections[0].panels[0].query: a text panel has no query; use 'text'\n"
        '          query: "*"\n'
        "                 ^~~\n"
        "d.yaml:16:16: sections[0].panels[1].bands: 'bands' applies to single_value panels only; "
        "remove 'bands' or set type: single_value\n"
        "          bands: [{color: red}]\n"
        "                 ^~~~~~~~~~~~~~\n"
        "d.yaml:17:21: sections[0].panels[1].time_range: 'to' must be after 'from'\n"
        "          time_range: {from: 2026-11-19, to: 2026-11-18}\n"
        "                      ^~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~"
    )


def test_unknown_keys_in_nested_models_suggest() -> None:
    text = DASHBOARD.replace("orientation: landscape", "orientaton: landscape").replace(
        "- title: One", "- titel: One"
    )
    message = error_of(text)
    assert "d.yaml:2:22: unknown key 'orientaton' in page; did you mean 'orientation'?" in message
    assert "d.yaml:7:5: unknown key 'titel' in sections[0]; did you mean 'title'?" in message
    bad_range = DASHBOARD.replace("{from: 2026-11-19,", "{form: 2026-11-19,")
    assert error_of(bad_range).startswith(
        "2 problems:\nd.yaml:16:9: missing required key 'from' in sections[0].panels[1].time_range"
    )


def test_unknown_theme_and_empty_dashboard() -> None:
    assert error_of("title: T\ntheme: defualt\n") == (
        "2 problems:\n"
        "d.yaml:1:1: the dashboard has no panels; add a 'panels' or a 'sections' list\n"
        "  title: T\n"
        "  ^~~~~~~~\n"
        "d.yaml:2:8: theme: unknown theme 'defualt'; did you mean 'default'?\n"
        "  theme: defualt\n"
        "         ^~~~~~~"
    )


def test_query_warnings_are_dashboard_warnings() -> None:
    text = "title: T\npanels:\n  - {id: a, title: A, type: table, query: '“x” | count'}\n"
    dashboard = load_dashboard_text(text, "d.yaml")
    assert len(dashboard.warnings) == 1
    assert dashboard.warnings[0].startswith("d.yaml:3:43: panels[0].query (a): ")


def test_schema_is_valid_and_accepts_the_shipped_dashboards() -> None:
    from pathlib import Path

    schema = dashboard_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    assert json.loads(schema_json()) == schema
    panel = schema["$defs"]["PanelSpec"]["properties"]
    assert panel["type"]["enum"][-1] == "text"
    assert panel["width"]["maximum"] == 12
    validator = jsonschema.Draft202012Validator(schema)
    for path in sorted(Path("dashboards").glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        errors = [
            e.message for e in validator.iter_errors(json.loads(json.dumps(data, default=str)))
        ]
        assert errors == [], path
    wrong = {"title": "x", "panels": [{"id": "a", "title": "A", "type": "donut", "query": "*"}]}
    assert not validator.is_valid(wrong)


def test_spec_error_type() -> None:
    with pytest.raises(SpecError):
        load_dashboard_text("title: T\npanels: []\nextra: 1\n", "d.yaml")


def test_the_readme_example_is_a_valid_dashboard_without_warnings() -> None:
    from pathlib import Path

    readme = Path("README.md").read_text(encoding="utf-8")
    section = readme.split("## Dashboards\n", 1)[1]
    example = section.split("```yaml\n", 1)[1].split("```", 1)[0]
    dashboard = load_dashboard_text(example, "README.md")
    assert dashboard.warnings == []
    assert [p.id for _, _, p in dashboard.spec.every_panel()] == [
        "critical",
        "guide",
        "top-cves",
        "by-scan",
    ]
    top = dashboard.spec.sections[0].panels[1]
    assert '| where severity matches "*"' in top.query
