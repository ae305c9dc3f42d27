"""Reading YAML we do not trust: dashboards, sources.yaml, site.yaml and theme.yaml all come here.

PyYAML composes a node graph in which an alias is the very node its anchor names, so a small
file can stand for an enormous tree (`a: &a [x, x]`, `b: &b [*a, *a]`, ... doubles at each line:
the "billion laughs") or for a cycle (`title: &a [*a]`), and whoever walks the graph hangs or
recurses without end. `compose_yaml` counts the nodes as they would be once every alias is
expanded and refuses more than `MAX_NODES`, refuses an alias inside the node it names, and
refuses nesting deeper than `MAX_DEPTH`; each with `file:line:col` and a caret. Syntax errors
point where the mistake is, which is not always where PyYAML noticed it.
"""

from __future__ import annotations

from typing import Any

import yaml

from reportgen.errors import ReportgenError, Span

MAX_NODES = 100_000
"""Nodes a document may expand to, aliases expanded (a large dashboard has a few thousand)."""
MAX_DEPTH = 100
"""Levels of nesting a document may have (a dashboard has under ten)."""

_AT_CONTEXT = ("while scanning a simple key", "while scanning a quoted scalar")


# PyYAML's marks are of two classes (pure Python and libyaml); only line, column and index count.
Mark = Any


class _Refused(Exception):
    def __init__(self, message: str, mark: Mark) -> None:
        super().__init__(message)
        self.message = message
        self.mark = mark


class _BoundedLoader(yaml.SafeLoader):
    """The safe loader, counting expanded nodes and nesting while it composes."""

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self.expanded = 0
        self.depth = 0
        self.sizes: dict[int, int] = {}  # id(node) -> nodes it expands to; set once composed

    def compose_node(self, parent: yaml.Node | None, index: int) -> yaml.Node | None:
        if self.check_event(yaml.AliasEvent):
            event: yaml.AliasEvent = self._peek()
            target = self.anchors.get(event.anchor)
            if target is not None and id(target) not in self.sizes:
                raise _Refused(
                    f"alias '*{event.anchor}' is used inside the node it names: "
                    "it would repeat itself without end",
                    event.start_mark,
                )
            node = super().compose_node(parent, index)
            if node is not None:
                self._count(self.sizes[id(node)], event.start_mark)
            return node
        if self.depth >= MAX_DEPTH:
            raise _Refused(f"nested more than {MAX_DEPTH} levels deep", self._peek().start_mark)
        self.depth += 1
        try:
            node = super().compose_node(parent, index)
        finally:
            self.depth -= 1
        if node is None:
            return None
        if isinstance(node, yaml.MappingNode):
            children = [child for pair in node.value for child in pair]
        elif isinstance(node, yaml.SequenceNode):
            children = list(node.value)
        else:
            children = []
        self.sizes[id(node)] = 1 + sum(self.sizes[id(child)] for child in children)
        self._count(1, node.start_mark)
        return node

    def _peek(self) -> Any:
        return self.peek_event()  # type: ignore[no-untyped-call]

    def _count(self, nodes: int, mark: Mark) -> None:
        self.expanded += nodes
        if self.expanded > MAX_NODES:
            raise _Refused(
                f"the document expands to more than {MAX_NODES:,} nodes through its aliases "
                "(&anchor / *alias)",
                mark,
            )


def compose_yaml(
    text: str, source: str, error: type[ReportgenError] = ReportgenError
) -> yaml.Node | None:
    """The node graph of the YAML `text` (None for an empty document), within the bounds of
    this module. Raises `error` (a ReportgenError class) naming `source`:line:col otherwise."""
    try:
        loader = _BoundedLoader(text)
    except yaml.reader.ReaderError as problem:
        raise _reader_error(problem, text, source, error) from None
    try:
        return loader.get_single_node()
    except _Refused as refused:
        raise error(
            f"invalid YAML: {refused.message}", _span(refused.mark, source), text=text
        ) from None
    except yaml.MarkedYAMLError as problem:
        raise _syntax_error(problem, text, source, error) from None
    except yaml.reader.ReaderError as problem:
        raise _reader_error(problem, text, source, error) from None
    except yaml.YAMLError as problem:
        raise error(f"{source}: invalid YAML: {problem}") from None
    finally:
        loader.dispose()


def load_yaml_data(text: str, source: str, error: type[ReportgenError] = ReportgenError) -> Any:
    """The plain Python data of the YAML `text` (safe types only), within the same bounds."""
    node = compose_yaml(text, source, error)
    if node is None:
        return None
    return yaml.SafeLoader("").construct_document(node)


def _span(mark: Mark, source: str) -> Span | None:
    if mark is None:
        return None
    return Span(source, mark.line + 1, mark.column + 1, mark.index, mark.index + 1)


def _reader_error(
    problem: yaml.reader.ReaderError, text: str, source: str, error: type[ReportgenError]
) -> ReportgenError:
    """A character YAML does not allow (a NUL: the file is likely UTF-16, not UTF-8)."""
    span = Span.at(text, problem.position, problem.position + 1, source)
    code = problem.character if isinstance(problem.character, int) else ord(problem.character)
    hint = "save the file as UTF-8 (this looks like UTF-16)" if code == 0 else None
    return error(f"invalid YAML: character #x{code:04x} is not allowed", span, hint=hint)


def _syntax_error(
    problem: yaml.MarkedYAMLError, text: str, source: str, error: type[ReportgenError]
) -> ReportgenError:
    """One error at the place to fix: for an unclosed quote or a key without ':' PyYAML stops
    at the next line or the end of the file, but the mistake is where the scan began."""
    context = problem.context or ""
    mark = problem.problem_mark
    start = problem.context_mark
    if start is not None and (
        context in _AT_CONTEXT
        or (context.startswith("while parsing a flow") and mark and mark.line > start.line)
    ):
        mark = start
    message = problem.problem or "invalid YAML"
    hint = None
    if context == "while scanning a quoted scalar":
        message = "this quoted string is not closed"
    elif context:
        message += f" ({context})"
    if "'\\t'" in message:
        hint = "indent with spaces: YAML does not allow tabs there"
    return error(f"invalid YAML: {message}", _span(mark or start, source), hint=hint, text=text)
