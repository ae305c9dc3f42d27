"""Parsing `json` (paths and `auto`) and `kv`/`keyvalue` (inference, regex mode, `auto`),
spec §4.4-4.5, plus the option helpers every Tier 2 operator parser shares."""

from __future__ import annotations

import re

from reportgen.query.nodes import Json, JsonAuto, KeyValue, KvAuto, Name, RegexLiteral, Stage
from reportgen.query.problems import span_of
from reportgen.query.regex import scan_groups
from reportgen.query.stream import Stream
from reportgen.query.tokens import Kind, Token

_PATH_PART = re.compile(r"\.?([A-Za-z0-9_\-$@]+)|\[\s*(\d+|\*)\s*\]|\[\s*'((?:[^'\\]|\\.)*)'\s*\]")


def count_of(number: int, noun: str) -> str:
    return f"{number} {noun}" + ("" if number == 1 else "s")


class OperatorParsers:
    """Shared option parsing (`field=`, string lists, `as` lists) and the json/kv parsers."""

    def __init__(self, text: str) -> None:
        self.text = text

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

    # --- json (§4.4) --------------------------------------------------------------------------

    def parse_json(self, stream: Stream, first: Token) -> Stage:
        source = self._source(stream)
        if stream.accept_word("auto") is not None:
            return self._json_auto(stream, first, source)
        paths = self._strings(stream, "a quoted JSON path after 'json'")
        source = source or self._source(stream)
        names = self._as_names(stream, len(paths), "JSON path")
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
        _refuse_empty_keys(stream, key_tokens)
        source = source or self._source(stream)
        names = self._as_names(stream, len(key_tokens), "key") or [
            Name(re.sub(r"[^A-Za-z0-9_]", "_", t.value), t.span) for t in key_tokens
        ]
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
                _refuse_empty_keys(stream, keys)
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
            counts = f"{count_of(wanted, noun)} but {count_of(len(names), 'name')}"
            raise stream.error_at(span, f"{counts} after 'as'")
        return names


def _refuse_empty_keys(stream: Stream, keys: list[Token]) -> None:
    """An empty key names no field (and would be an empty column name in SQL)."""
    for token in keys:
        if not token.value:
            raise stream.error_at(token.span, "a key cannot be empty", 'e.g. kv "user"')
