"""Parsing the Tier 2 row operators: `parse regex`/`extract`, `json`, `kv`/`keyvalue`, `csv`,
`split`, `dedup` and expression stages (`<expr> as name`, `num(x)`), spec §4.3-4.6, §5.4, §5.6.

`StageParser` registers these through `more_operators`; every parser gets the stage's token
stream positioned after the operator word and returns its node.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from reportgen.query import expr_parser
from reportgen.query.nodes import (
    Assign,
    Call,
    Dedup,
    FieldRef,
    Json,
    JsonAuto,
    KeyValue,
    KvAuto,
    Name,
    ParseRegex,
    RegexLiteral,
    Split,
    Stage,
)
from reportgen.query.problems import span_of
from reportgen.query.regex import scan_groups
from reportgen.query.stream import Stream
from reportgen.query.tokens import Kind, Token

_SIMPLE_KEY = re.compile(r"[A-Za-z0-9_-]+")
_PATH_PART = re.compile(r"\.?([A-Za-z0-9_\-$@]+)|\[\s*(\d+|\*)\s*\]|\[\s*'((?:[^'\\]|\\.)*)'\s*\]")


class MoreOperators:
    """Parsers of the operators added by Tier 2 (bound to the query text for spans)."""

    def __init__(self, text: str) -> None:
        self.text = text

    def table(self) -> dict[str, Callable[[Stream, Token], Stage]]:
        return {
            "extract": self.parse_regex,
            "json": self.parse_json,
            "kv": self.parse_kv,
            "keyvalue": self.parse_kv,
            "csv": self.parse_csv,
            "split": self.parse_split,
            "dedup": self.parse_dedup,
        }

    def _end(self, stream: Stream, first: Token) -> int:
        return stream.tokens[stream.pos - 1].span.end if stream.pos else first.span.end

    def _source(self, stream: Stream) -> Name | None:
        if stream.accept_word("field") is None:
            return None
        stream.expect_op("=", "'field'")
        return stream.name("the field to parse after 'field='")

    def _strings(self, stream: Stream, what: str) -> list[Token]:
        token = stream.peek()
        if token is None or token.kind is not Kind.STRING:
            raise stream.error(f"expected {what}")
        out = [stream.next()]
        while (comma := stream.peek()) is not None and comma.is_op(","):
            following = stream.peek(1)
            if following is None or following.kind is not Kind.STRING:
                break
            stream.pos += 2
            out.append(following)
        return out

    # --- parse regex / extract (§4.3) ---------------------------------------------------------

    def parse_regex(self, stream: Stream, first: Token) -> Stage:
        source = self._source(stream)
        patterns = self._strings(stream, "a quoted regular expression")
        source = source or self._source(stream)
        multi = nodrop = False
        while (option := stream.accept_word("multi", "nodrop")) is not None:
            multi = multi or option.text.lower() == "multi"
            nodrop = nodrop or option.text.lower() == "nodrop"
        regexes: list[RegexLiteral] = []
        groups: list[tuple[Name, ...]] = []
        seen: set[str] = set()
        for token in patterns:
            found, problems = scan_groups(token.text[1:-1])
            if problems:
                start = token.span.start + 1 + problems[0].offset
                span = span_of(self.text, start, start + problems[0].length)
                raise stream.error_at(span, problems[0].message)
            if not found:
                hint = "name what to extract, e.g. '(?<user>\\w+)'"
                raise stream.error_at(token.span, "regular expression without a named group", hint)
            names: list[Name] = []
            for group in found:
                start = token.span.start + 1 + group.offset
                span = span_of(self.text, start, start + len(group.name) + 4)
                if group.name.lower() in seen:
                    raise stream.error_at(span, f"duplicate group name '{group.name}'")
                seen.add(group.name.lower())
                names.append(Name(group.name, span))
            regexes.append(RegexLiteral(token.value, token.span))
            groups.append(tuple(names))
        span = span_of(self.text, first.span.start, self._end(stream, first))
        return ParseRegex(tuple(regexes), tuple(groups), source, multi, nodrop, span)

    # --- json (§4.4) --------------------------------------------------------------------------

    def parse_json(self, stream: Stream, first: Token) -> Stage:
        source = self._source(stream)
        if stream.accept_word("auto") is not None:
            return self._json_auto(stream, first, source)
        paths = self._strings(stream, "a quoted JSON path after 'json'")
        source = source or self._source(stream)
        names: list[Name] = []
        if stream.accept_word("as"):
            names = stream.names("a field name")
            if len(names) != len(paths):
                span = span_of(self.text, names[0].span.start, names[-1].span.end)
                message = (
                    f"{_count(len(paths), 'JSON path')} but {_count(len(names), 'name')} after 'as'"
                )
                raise stream.error_at(span, message)
        nodrop = stream.accept_word("nodrop") is not None
        converted: list[str] = []
        for index, token in enumerate(paths):
            path, last = self._json_path(stream, token)
            converted.append(path)
            if not names or len(names) < len(paths):
                if last is None:
                    hint = "name it with 'as'"
                    raise stream.error_at(token.span, "this JSON path needs a name", hint)
                if index >= len(names):
                    names.append(Name(last, token.span))
        span = span_of(self.text, first.span.start, self._end(stream, first))
        return Json(tuple(converted), tuple(names), source, nodrop, span)

    def _json_auto(self, stream: Stream, first: Token, source: Name | None) -> Stage:
        maxdepth: int | None = None
        extractarrays = False
        keys: list[Token] = []
        names: list[Name] = []
        while not stream.at_end():
            if stream.accept_word("field") is not None:
                stream.expect_op("=", "'field'")
                source = stream.name("the field to parse after 'field='")
            elif stream.accept_word("maxdepth") is not None:
                maxdepth, depth_span = stream.integer("a depth after 'maxdepth'")
                if maxdepth < 1:
                    raise stream.error_at(depth_span, "maxdepth must be at least 1")
            elif stream.accept_word("extractarrays") is not None:
                extractarrays = True
            elif stream.accept_word("keys") is not None:
                keys = self._strings(stream, "the quoted keys after 'keys'")
                stream.accept_word("refonly")
                names = self._as_names(stream, len(keys), "key")
            else:
                break
        span = span_of(self.text, first.span.start, self._end(stream, first))
        key_texts = tuple(token.value for token in keys)
        return JsonAuto(source, maxdepth, extractarrays, key_texts, tuple(names), span)

    def _json_path(self, stream: Stream, token: Token) -> tuple[str, str | None]:
        """`a.b[0]`, `['k y']`, `a[*].b` -> a DuckDB path and the last key (None: an index)."""
        text = token.value.strip()
        text = text[1:] if text.startswith("$") else text
        position = 0
        parts: list[str] = []
        last: str | None = None
        while position < len(text):
            match = _PATH_PART.match(text, position)
            if match is None or match.end() == position:
                span = span_of(self.text, token.span.start + 1 + position, token.span.end - 1)
                raise stream.error_at(span, f"invalid JSON path '{token.value}'")
            key, index, quoted = match.groups()
            if key is not None or quoted is not None:
                last = key if key is not None else re.sub(r"\\(.)", r"\1", quoted or "")
                parts.append('."' + last.replace('"', '\\"') + '"')
            else:
                last = None
                parts.append(f"[{index}]")
            position = match.end()
        if not parts:
            raise stream.error_at(token.span, "empty JSON path")
        return "$" + "".join(parts), last

    # --- kv / keyvalue (§4.5) -----------------------------------------------------------------

    def parse_kv(self, stream: Stream, first: Token) -> Stage:
        source = self._source(stream)
        if stream.accept_word("auto") is not None:
            return self._kv_auto(stream, first, source)
        regex: RegexLiteral | None = None
        if stream.accept_word("regex"):
            pattern = self._strings(stream, "a quoted regular expression after 'regex'")[0]
            found, problems = scan_groups(pattern.text[1:-1])
            unnamed = [p for p in problems if p.message.startswith("unnamed")]
            if len(unnamed) + len(found) != 1:
                hint = 'write one group for the value, e.g. "=(.*?),"'
                message = "'keyvalue regex' needs exactly one capturing group (the value)"
                raise stream.error_at(pattern.span, message, hint)
            regex = RegexLiteral(pattern.value, pattern.span)
        else:
            stream.accept_word("infer")
        stream.accept_word("keys")
        key_tokens = self._strings(stream, "the quoted keys to extract")
        source = source or self._source(stream)
        names = [Name(re.sub(r"[^A-Za-z0-9_]", "_", t.value), t.span) for t in key_tokens]
        if stream.accept_word("as"):
            names = stream.names("a field name")
            if len(names) != len(key_tokens):
                span = span_of(self.text, names[0].span.start, names[-1].span.end)
                message = (
                    f"{_count(len(key_tokens), 'key')} but {_count(len(names), 'name')} after 'as'"
                )
                raise stream.error_at(span, message)
        nodrop = stream.accept_word("nodrop") is not None
        span = span_of(self.text, first.span.start, self._end(stream, first))
        keys = tuple(t.value for t in key_tokens)
        return KeyValue(keys, tuple(names), regex, source, nodrop, span)

    def _kv_auto(self, stream: Stream, first: Token, source: Name | None) -> Stage:
        delim: str | None = None
        keys: list[Token] = []
        names: list[Name] = []
        while not stream.at_end():
            if stream.accept_word("field") is not None:
                stream.expect_op("=", "'field'")
                source = stream.name("the field to parse after 'field='")
            elif stream.accept_word("delim") is not None:
                delim = self._strings(stream, "a quoted delimiter after 'delim'")[0].value
            elif stream.accept_word("keys") is not None:
                keys = self._strings(stream, "the quoted keys after 'keys'")
                names = self._as_names(stream, len(keys), "key")
            else:
                break
        span = span_of(self.text, first.span.start, self._end(stream, first))
        return KvAuto(source, delim, tuple(t.value for t in keys), tuple(names), span)

    def _as_names(self, stream: Stream, wanted: int, noun: str) -> list[Name]:
        if stream.accept_word("as") is None:
            return []
        names = stream.names("a field name")
        if len(names) != wanted:
            span = span_of(self.text, names[0].span.start, names[-1].span.end)
            counts = f"{_count(wanted, noun)} but {_count(len(names), 'name')}"
            raise stream.error_at(span, f"{counts} after 'as'")
        return names

    # --- csv / split (§4.6) -------------------------------------------------------------------

    def parse_csv(self, stream: Stream, first: Token) -> Stage:
        return self._delimited(stream, first, ",", allow_delim=False)

    def parse_split(self, stream: Stream, first: Token) -> Stage:
        return self._delimited(stream, first, ",", allow_delim=True)

    def _delimited(self, stream: Stream, first: Token, delim: str, allow_delim: bool) -> Stage:
        source = stream.name(f"the field to split after '{first.text}' (e.g. _raw)")
        chars = {"delim": delim, "escape": "\\", "quote": '"'}
        allowed = ("delim", "escape", "quote") if allow_delim else ("escape", "quote")
        while (option := stream.accept_word(*allowed)) is not None:
            stream.expect_op("=", f"'{option.text}'")
            value = stream.peek()
            if value is None or value.kind is not Kind.CHAR or len(value.value) != 1:
                raise stream.error(
                    f"expected one character in single quotes after '{option.text}='"
                )
            stream.pos += 1
            chars[option.text.lower()] = value.value
            stream.accept_op(",")
        if len(set(chars.values())) != 3:
            message = "delim, escape and quote must be three different characters"
            raise stream.error_at(
                span_of(self.text, first.span.start, self._end(stream, first)), message
            )
        stream.expect_word("extract", "the options")
        items: list[tuple[int, Name]] = []
        index = 0
        while True:
            token = stream.peek()
            if token is not None and token.kind is Kind.NUMBER and token.text.isdigit():
                stream.pos += 1
                index = int(token.text)
                if index < 1:
                    raise stream.error_at(token.span, "column numbers start at 1")
                stream.expect_word("as", "the column number")
                items.append((index, stream.name("a field name")))
            else:
                index += 1
                name = stream.name("a field name, '_' or 'N as name'")
                if name.text != "_":
                    items.append((index, name))
            if not stream.accept_op(","):
                break
        seen: set[str] = set()
        for _, name in items:
            if name.key in seen:
                raise stream.error_at(name.span, f"duplicate field '{name.text}'")
            seen.add(name.key)
        span = span_of(self.text, first.span.start, self._end(stream, first))
        return Split(source, chars["delim"], chars["escape"], chars["quote"], tuple(items), span)

    # --- dedup (§5.6) -------------------------------------------------------------------------

    def parse_dedup(self, stream: Stream, first: Token) -> Stage:
        if (consecutive := stream.accept_word("consecutive")) is not None:
            raise stream.later(consecutive.span, "'dedup consecutive'")
        count = 1
        token = stream.peek()
        if token is not None and token.kind is Kind.NUMBER and token.text.isdigit():
            count, number_span = stream.integer("the number of rows to keep")
            if count < 1:
                raise stream.error_at(number_span, "dedup keeps at least 1 row per key")
        by: list[Name] = []
        if stream.accept_word("by") is not None or stream.is_name():
            by = stream.names("a field to deduplicate by")
        span = span_of(self.text, first.span.start, self._end(stream, first))
        return Dedup(count, tuple(by), span)

    # --- expression stages (§5.4) -------------------------------------------------------------

    def parse_assignment(self, stream: Stream) -> Stage:
        stream.pos = 0
        expr = expr_parser.parse_value(stream)
        if stream.accept_word("as") is not None:
            target = stream.name("a name after 'as'")
            return Assign(expr, target, span_of(self.text, expr.span.start, target.span.end))
        if isinstance(expr, Call) and expr.args and isinstance(expr.args[0], FieldRef):
            return Assign(expr, expr.args[0].name, expr.span)
        raise stream.error("expected 'as <name>' after the expression")


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}" + ("" if number == 1 else "s")


def is_expression_stage(stream: Stream, first: Token) -> bool:
    """`<expr> as x`, `if(...) as x`, `num(x)`: anything but a bare unknown word."""
    following = stream.peek()
    if first.kind is not Kind.WORD:
        return True
    return following is not None and (following.is_word("as") or following.kind is Kind.OP)
