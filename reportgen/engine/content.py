"""The Sumo content of a snapshot (design D12): its field extraction rules and lookup tables,
from the sources.yaml files that apply to it (`--sources`, else each input's own).

Rules are parsed when the engine opens and checked against the log table's fields once it is
ingested, so a mistake in a rule fails every command at once, at the rule's file:line:col with
a caret, rather than inside some panel.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from reportgen.engine.lookups import LookupCatalog
from reportgen.errors import QueryError, ReportgenError, SnapshotError
from reportgen.query import parse_query
from reportgen.query.planner import build_plan
from reportgen.query.problems import semantic
from reportgen.query.rules import Rule, RuleSyntaxError, parse_rule
from reportgen.query.syntax.nodes import RegexLiteral, walk
from reportgen.snapshot.sources import Sources
from reportgen.snapshot.sources_content import RuleText, YamlText
from reportgen.snapshot.sources_find import content_sources

_MAX_SHOWN = 10


@dataclass
class Content:
    """What queries over the snapshot use beside the log table."""

    lookups: LookupCatalog = field(default_factory=LookupCatalog)
    rules: tuple[Rule, ...] = ()
    texts: tuple[RuleText, ...] = ()  # the rules as written (same order)


def load_content(
    paths: Sequence[Path | str], sources: Path | None, more: Sequence[Sources] = ()
) -> Content:
    """The content of the sources.yaml files of a snapshot (and of `more`: those of URI roots,
    which the Spark engine reads); SnapshotError (file:line:col) for a problem in them."""
    found = [*content_sources(paths, sources), *more]
    texts = _unique_rules([rule for source in found for rule in source.rules])
    problems: list[ReportgenError] = []
    rules: list[Rule] = []
    for text in texts:
        try:
            rules.append(parse_rule(text.name, _value(text.scope), text.parse.value))
        except RuleSyntaxError as error:
            problems += [_in_file(text, problem, error.part) for problem in error.errors]
    _raise(problems)
    catalog = LookupCatalog([item for source in found for item in source.lookups])
    return Content(catalog, tuple(rules), tuple(texts))


def check_rules(
    content: Content, extra: Sequence[str], regex_error: Callable[[str], str | None]
) -> None:
    """Plan every rule over the log table's fields (`extra`: its sources.yaml fields) and
    compile its regular expressions (`regex_error`: the engine's), so a mistake in a rule is an
    error at the rule, not in a query."""
    problems: list[ReportgenError] = []
    for rule, text in zip(content.rules, content.texts, strict=True):
        for node in walk(rule.stages):
            if isinstance(node, RegexLiteral) and (reason := regex_error(node.pattern)):
                message = f"invalid regular expression ({reason})"
                bad = semantic(rule.query.text, node.span, message)
                problems.append(_in_file(text, bad, "parse", shift=1))
        try:
            build_plan(parse_query("*"), extra=extra, rules=[rule])
        except QueryError as error:
            found: list[ReportgenError] = list(getattr(error, "errors", [error]))
            problems += [_in_file(text, problem, "parse", shift=1) for problem in found]
    _raise(problems)


def _value(text: YamlText | None) -> str | None:
    return None if text is None else text.value


def _unique_rules(rules: list[RuleText]) -> list[RuleText]:
    """Rules by name: the same rule in several sources.yaml files once; two rules of one name
    that differ are an error."""
    by_name: dict[str, RuleText] = {}
    for rule in rules:
        known = by_name.get(rule.name.lower())
        if known is None:
            by_name[rule.name.lower()] = rule
        elif (_value(known.scope), known.parse.value) != (_value(rule.scope), rule.parse.value):
            raise SnapshotError(
                f"two different field extraction rules are named '{rule.name}' "
                f"({known.where.location} and {rule.where.location})",
                rule.where,
                text=rule.parse.text,
            )
    return list(by_name.values())


def _in_file(rule: RuleText, problem: ReportgenError, part: str, shift: int = 0) -> ReportgenError:
    """A problem in a rule's scope or parse text (`part`), at its place in the sources.yaml."""
    yaml = rule.scope if part == "scope" and rule.scope is not None else rule.parse
    said = re.sub(r" at (?:line \d+, )?column \d+$", "", problem.message)  # not the file's
    message = f"field extraction rule '{rule.name}', {part}: {said}"
    if problem.span is None:
        return SnapshotError(message, rule.where, hint=problem.hint, text=yaml.text)
    start = max(0, problem.span.start - shift)
    span = yaml.span(start, max(start + 1, problem.span.end - shift))
    return SnapshotError(message, span, hint=problem.hint, text=yaml.text)


def _raise(problems: list[ReportgenError]) -> None:
    if not problems:
        return
    if len(problems) == 1:
        raise problems[0]
    shown = [str(problem) for problem in problems[:_MAX_SHOWN]]
    if len(problems) > _MAX_SHOWN:
        shown.append(f"... and {len(problems) - _MAX_SHOWN} more")
    raise SnapshotError("\n".join(shown))
