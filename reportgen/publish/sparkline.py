"""A small inline SVG trend of one single value across runs: no script, no external file.

Only numbers and fixed markup go into the SVG text; the label is escaped.
"""

from __future__ import annotations

from collections.abc import Sequence

from markupsafe import Markup, escape

WIDTH = 120
HEIGHT = 28
PAD = 3


def sparkline(values: Sequence[float | None], label: str) -> Markup:
    """An SVG polyline of `values` (oldest first); None leaves a gap. The last value gets a dot."""
    numbers = [v for v in values if v is not None]
    if not numbers:
        return Markup("")
    low, high = min(numbers), max(numbers)
    span = (high - low) or 1.0
    step = (WIDTH - 2 * PAD) / max(len(values) - 1, 1)

    def point(index: int, value: float) -> tuple[float, float]:
        x = PAD + index * step if len(values) > 1 else WIDTH / 2
        y = HEIGHT - PAD - (value - low) / span * (HEIGHT - 2 * PAD)
        return round(x, 1), round(y, 1)

    segments: list[list[tuple[float, float]]] = [[]]
    for index, value in enumerate(values):
        if value is None:
            if segments[-1]:
                segments.append([])
            continue
        segments[-1].append(point(index, value))
    lines = [
        '<polyline fill="none" stroke="currentColor" stroke-width="1.5" points="'
        + " ".join(f"{x},{y}" for x, y in segment)
        + '"/>'
        for segment in segments
        if len(segment) > 1
    ]
    last_index = max(i for i, v in enumerate(values) if v is not None)
    last_value = values[last_index]
    assert last_value is not None
    cx, cy = point(last_index, last_value)
    dot = f'<circle cx="{cx}" cy="{cy}" r="2.5" fill="currentColor"/>'
    return Markup(
        f'<svg class="sparkline" role="img" aria-label="{escape(label)}" '
        f'width="{WIDTH}" height="{HEIGHT}" viewBox="0 0 {WIDTH} {HEIGHT}">'
        f"{''.join(lines)}{dot}</svg>"
    )
