"""Reading PDFs in tests: text per page (pypdf), the outline, word boxes (pdftotext -bbox) and a
raster check that a chart is drawn under a panel title (pdftoppm -png -r 50)."""

from __future__ import annotations

import html
import io
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pypdf
import pytest
from PIL import Image

RASTER_DPI = 50
needs_poppler = pytest.mark.skipif(
    shutil.which("pdftoppm") is None or shutil.which("pdftotext") is None,
    reason="poppler-utils (pdftoppm, pdftotext) is not installed; .ci/run installs it",
)


def reader(pdf: bytes) -> pypdf.PdfReader:
    return pypdf.PdfReader(io.BytesIO(pdf))


def pages_text(pdf: bytes) -> list[str]:
    return [page.extract_text() for page in reader(pdf).pages]


def outline(pdf: bytes) -> list[tuple[int, str, int]]:
    """(level, title, 1-based page) of every bookmark, in order."""
    doc = reader(pdf)
    found: list[tuple[int, str, int]] = []

    def walk(items: list[object], level: int) -> None:
        for item in items:
            if isinstance(item, list):
                walk(item, level + 1)
            else:
                page = doc.get_destination_page_number(item)  # type: ignore[arg-type]
                found.append((level, item.title, page + 1))  # type: ignore[attr-defined]

    walk(doc.outline, 1)
    return found


def page_sizes(pdf: bytes) -> set[tuple[float, float]]:
    return {
        (round(float(page.mediabox.width), 1), round(float(page.mediabox.height), 1))
        for page in reader(pdf).pages
    }


@dataclass(frozen=True)
class Word:
    text: str
    x0: float
    y0: float
    x1: float
    y1: float


_WORD = re.compile(
    r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">(.*?)</word>'
)


def words(pdf_path: Path) -> list[list[Word]]:
    """The words of every page with their boxes in points (origin top left)."""
    out = subprocess.run(
        ["pdftotext", "-bbox", str(pdf_path), "-"], check=True, capture_output=True, text=True
    ).stdout
    pages = []
    for page in out.split("<page ")[1:]:
        pages.append(
            [
                Word(html.unescape(m[5]), float(m[1]), float(m[2]), float(m[3]), float(m[4]))
                for m in _WORD.finditer(page)
            ]
        )
    return pages


def find_title(pages: list[list[Word]], title: str) -> tuple[int, Word] | None:
    """The page index and box of the first place where the words of `title` follow each other
    (the box spans the title's first line)."""
    wanted = title.split()
    for index, page in enumerate(pages):
        for start in range(len(page) - len(wanted) + 1):
            run = page[start : start + len(wanted)]
            if [w.text for w in run] == wanted:
                first = run[0]
                return index, Word(title, first.x0, first.y0, max(w.x1 for w in run), first.y1)
    return None


def raster(pdf_path: Path, page_index: int, tmp: Path) -> Image.Image:
    root = tmp / f"page{page_index}"
    number = str(page_index + 1)
    options = ["-png", "-r", str(RASTER_DPI), "-f", number, "-l", number, "-singlefile"]
    subprocess.run(["pdftoppm", *options, str(pdf_path), str(root)], check=True)
    return Image.open(f"{root}.png").convert("RGB")


def coloured_pixels(image: Image.Image, box: tuple[float, float, float, float]) -> int:
    """Pixels inside `box` (points) whose channels differ by more than 60: chart marks in the
    palette colours, not text, rules or the grey and white of the page."""
    scale = RASTER_DPI / 72
    left, top, right, bottom = (round(v * scale) for v in box)
    region = image.crop((left, top, right, bottom))
    pixels = region.tobytes()
    return sum(
        1 for i in range(0, len(pixels), 3) if max(pixels[i : i + 3]) - min(pixels[i : i + 3]) > 60
    )


def chart_under_title(
    pdf_path: Path, title: str, tmp: Path, width: float = 150, height: float = 200
) -> tuple[int, int]:
    """(page index, coloured pixels) of the area below the panel title `title`."""
    located = find_title(words(pdf_path), title)
    assert located is not None, f"panel title {title!r} not found in {pdf_path}"
    index, box = located
    image = raster(pdf_path, index, tmp)
    area = (box.x0, box.y1, box.x0 + width, box.y1 + height)
    return index, coloured_pixels(image, area)
