"""Links in tables: what `tourl(url, text)` produced (a "link" column of `[text](url)` values).

Log text and lookup files are untrusted, so a value becomes a link only when it is exactly one
`[text](url)` with an http or https URL whose host is present; anything else is shown as the text
it is. The template escapes both the text and the URL (Jinja2 autoescape), so neither can add
markup or script.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlsplit

_LINK = re.compile(r"\[((?:[^\\\[\]]|\\.)*)\]\(((?:[^\\()]|\\.)*)\)", re.DOTALL)
_ESCAPE = re.compile(r"\\(.)", re.DOTALL)


@dataclass(frozen=True)
class Link:
    text: str
    href: str | None  # None: not a safe link, show the text only


def parse_link(value: str) -> Link:
    """The text and (safe) URL of a `tourl` value; a value of another shape is its own text."""
    match = _LINK.fullmatch(value)
    if match is None:
        return Link(value, None)
    text = _ESCAPE.sub(r"\1", match.group(1))
    url = _ESCAPE.sub(r"\1", match.group(2)).strip()
    return Link(text or url, url if safe_url(url) else None)


def safe_url(url: str) -> bool:
    """An absolute http(s) URL with a host and no whitespace or control characters."""
    if any(char.isspace() or ord(char) < 32 or ord(char) == 127 for char in url):
        return False
    try:
        parts = urlsplit(url)
    except ValueError:
        return False
    return parts.scheme.lower() in ("http", "https") and bool(parts.hostname)
