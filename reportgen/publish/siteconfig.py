"""The site config (`site.yaml`): teams, each with a data access scope and recipients.

    teams:
      - name: payments
        scope: _sourceCategory=prod/payments/*
        recipients: [payments-oncall@example.com]

Validated like a dashboard: every problem names file:line:col, unknown keys get a "did you
mean", and a scope that does not parse shows its caret inside the YAML.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from reportgen.dashboard.yamlpos import KeyPath, Located, load_yaml_file, scalar_offset
from reportgen.errors import (
    QuerySyntaxError,
    ReportgenError,
    Span,
    SpecError,
    UsageError,
    suggestion,
)
from reportgen.query import parse_scope_text
from reportgen.query.syntax.nodes import ScopeNode


class TeamSpec(BaseModel):
    """One team: whose data it may see and who receives its reports."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(pattern=r"^[a-z0-9][a-z0-9_-]*$", description="Folder name of the team")
    scope: str = Field(min_length=1, description="Search expression ANDed to every query")
    recipients: list[str] = Field(default_factory=list, description="Mail addresses")


class SiteSpec(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    teams: list[TeamSpec] = Field(default_factory=list, description="Per-team reports")


_KEYS = {"site": ("teams",), "team": tuple(TeamSpec.model_fields)}


@dataclass(frozen=True)
class Team:
    """A validated team with its parsed scope."""

    name: str
    scope_text: str
    scope: ScopeNode
    recipients: tuple[str, ...]


def load_site_config(path: Path) -> list[Team]:
    """Read and validate `path`; raise one SpecError listing every problem."""
    located = load_yaml_file(path)
    if not isinstance(located.data, dict):
        raise SpecError("a site config must be a mapping with 'teams'", located.span(()))
    try:
        spec = SiteSpec.model_validate(located.data)
    except ValidationError as error:
        _raise([_problem(item, located) for item in error.errors()])
        raise AssertionError("unreachable") from None
    problems: list[ReportgenError] = []
    teams: list[Team] = []
    seen: set[str] = set()
    for index, team in enumerate(spec.teams):
        if team.name in seen:
            problems.append(
                SpecError(
                    f"teams[{index}].name: duplicate team '{team.name}'",
                    located.span(("teams", index, "name")),
                    text=located.text,
                )
            )
        seen.add(team.name)
        try:
            scope = parse_scope_text(team.scope)
        except QuerySyntaxError as error:
            problems += [_scope_problem(p, index, located) for p in error.errors]
            continue
        teams.append(Team(team.name, team.scope, scope, tuple(team.recipients)))
    _raise(problems)
    return teams


def select_teams(teams: list[Team], names: tuple[str, ...], source: Path) -> list[Team]:
    """The teams named by `--team` (all of them when none is named)."""
    if not names:
        return teams
    known = {team.name: team for team in teams}
    for name in names:
        if name not in known:
            raise UsageError(
                f"no team '{name}' in {source} (--team)",
                hint=suggestion(name, list(known)) or "teams: " + ", ".join(known),
            )
    return [known[name] for name in dict.fromkeys(names)]


def _raise(problems: list[ReportgenError]) -> None:
    if len(problems) == 1:
        raise problems[0]
    if problems:
        shown = "\n".join(str(problem) for problem in problems)
        raise SpecError(f"{len(problems)} problems:\n{shown}")


def _problem(item: object, located: Located) -> ReportgenError:
    assert isinstance(item, dict)
    path: KeyPath = tuple(p for p in item["loc"] if isinstance(p, str | int))
    where = ".".join(str(p) for p in path) or "(top level)"
    if item["type"] == "extra_forbidden":
        key = str(path[-1])
        choices = _KEYS["team" if len(path) > 2 else "site"]
        hint = suggestion(key, choices) or "known keys: " + ", ".join(choices)
        span = located.span(path, key=True)
        return SpecError(f"unknown key '{key}'", span, hint=hint, text=located.text)
    if item["type"] == "missing":
        span = located.span(path[:-1], key=True)
        return SpecError(f"missing required key '{path[-1]}'", span, text=located.text)
    message = f"{where}: {item['msg'][0].lower()}{item['msg'][1:]}"
    return SpecError(message, located.span(path), text=located.text)


def _scope_problem(problem: ReportgenError, index: int, located: Located) -> ReportgenError:
    """A scope error anchored in the YAML file, its snippet the scope with a caret."""
    path: KeyPath = ("teams", index, "scope")
    message = f"teams[{index}].scope: {problem.message}"
    anchor = None
    if problem.span is not None:
        anchor = scalar_offset(located, path, problem.span.start)
    anchor = anchor or located.span(path)
    if anchor is None or problem.span is None or problem.text is None:
        return SpecError(message, anchor, hint=problem.hint, text=located.text)
    span = Span(anchor.source, anchor.line, anchor.col, problem.span.start, problem.span.end)
    return SpecError(message, span, hint=problem.hint, text=problem.text)
