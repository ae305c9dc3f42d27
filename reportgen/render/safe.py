"""Putting untrusted text into HTML safely: JSON for <script> blocks, CSP hashes, Markdown.

Log lines and dashboard text are attacker-controlled (design D10). Everything the templates print
goes through Jinja's autoescape; the few things that cannot (JSON inside <script>, rendered
Markdown) are made safe here, and the Content-Security-Policy is the second line of defence.
"""

from __future__ import annotations

import base64
import hashlib
import html
import json
import re
import xml.etree.ElementTree as etree
from collections.abc import Iterable
from typing import Any

import markdown
from markupsafe import Markup

_JSON_ESCAPES: dict[str, str | int | None] = {
    "<": "\\u003c",
    ">": "\\u003e",
    "&": "\\u0026",
    "\u2028": "\\u2028",
    "\u2029": "\\u2029",
}
_SAFE_SCHEMES = ("http", "https", "mailto")
_CONTROLS = re.compile(r"[\x00-\x20\x7f]+")
_SCHEME = re.compile(r"^([a-zA-Z][a-zA-Z0-9+.-]*):")


def script_json(value: Any) -> Markup:
    """`value` as JSON that is inert inside `<script type="application/json">`: sorted keys,
    and `<`, `>`, `&`, U+2028/2029 written as \\u escapes (so no `</script>` can appear)."""
    text = json.dumps(value, sort_keys=True, ensure_ascii=False, allow_nan=False)
    text = text.translate(str.maketrans(_JSON_ESCAPES))
    return Markup(text)


def csp_hash(script: str) -> str:
    """The CSP source expression (`'sha256-...'`) allowing exactly this inline script text."""
    digest = hashlib.sha256(script.encode("utf-8")).digest()
    return f"'sha256-{base64.b64encode(digest).decode('ascii')}'"


def content_security_policy(scripts: Iterable[str]) -> str:
    """Design D6: no network, only the listed inline scripts (plus eval, which Vega needs)."""
    hashes = " ".join(csp_hash(script) for script in scripts)
    script_src = f"{hashes} 'unsafe-eval'" if hashes else "'none'"
    return f"default-src 'none'; script-src {script_src}; style-src 'unsafe-inline'; img-src data:"


class _NoRawHtml(markdown.Extension):  # type: ignore[misc]  # markdown is untyped
    """Raw HTML in the Markdown source stays text; links keep only http(s)/mailto/relative
    targets; images become their alt text (a report loads nothing from the network)."""

    def extendMarkdown(self, md: markdown.Markdown) -> None:
        md.preprocessors.deregister("html_block")
        md.inlinePatterns.deregister("html")
        md.treeprocessors.register(_LinkCleaner(md), "reportgen_links", 0)


class _LinkCleaner(markdown.treeprocessors.Treeprocessor):  # type: ignore[misc]
    def run(self, root: etree.Element) -> None:
        for parent in list(root.iter()):
            for child in list(parent):
                if child.tag == "img":
                    _replace_image(parent, child)
                elif child.tag == "a":
                    _clean_link(child)


def _replace_image(parent: etree.Element, image: etree.Element) -> None:
    span = etree.Element("span", {"class": "image-alt"})
    span.text = image.get("alt") or ""
    span.tail = image.tail
    index = list(parent).index(image)
    parent.remove(image)
    parent.insert(index, span)


def _clean_link(link: etree.Element) -> None:
    # Decode entities until stable: the serializer keeps `&#106;` as is, and the browser would
    # decode it, so the scheme must be judged on the fully decoded text.
    href = (link.get("href") or "").replace(markdown.util.AMP_SUBSTITUTE, "&")
    while (decoded := html.unescape(href)) != href:
        href = decoded
    probe = _CONTROLS.sub("", href)  # browsers ignore these inside a scheme
    match = _SCHEME.match(probe)
    scheme = match.group(1).lower() if match else ""
    if scheme and scheme not in _SAFE_SCHEMES:
        link.attrib.pop("href", None)
        return
    link.set("href", href)
    if scheme in ("http", "https"):
        link.set("rel", "noopener noreferrer nofollow")


def render_markdown(source: str) -> Markup:
    """Markdown -> HTML with raw HTML disabled and links/images defused (see _NoRawHtml)."""
    if not source.strip():
        return Markup("")
    source = source.replace("\x02", "").replace("\x03", "")  # markdown's placeholder marks
    rendered = markdown.markdown(source, extensions=[_NoRawHtml()], output_format="html")
    return Markup(rendered)
