"""Fixed series colours (`series_colors: {critical: red, low: blue}`): a series or category value
keeps its conventional colour in every output, whatever order the data comes in. The others take
the theme's palette in order, skipping the colours already taken."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

from reportgen.render.theme import Theme

_HEX = re.compile(r"^#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6})$")


def resolve_color(value: str, theme: Theme) -> str | None:
    """A theme colour name (`red`) or a hex colour as a hex colour; None for anything else."""
    if value in theme.named_colors:
        return theme.named_colors[value]
    return value if _HEX.match(value) else None


def fixed_colors(names: Sequence[str], wanted: Mapping[str, str], theme: Theme) -> dict[str, str]:
    """The fixed colour of each of `names` that `wanted` lists (exact name first, then
    ignoring case)."""
    lowered = {key.lower(): value for key, value in wanted.items()}
    fixed = {}
    for name in names:
        value = wanted.get(name, lowered.get(name.lower()))
        color = resolve_color(value, theme) if value is not None else None
        if color is not None:
            fixed[name] = color
    return fixed


def color_scale(
    names: Sequence[str], wanted: Mapping[str, str], theme: Theme
) -> tuple[list[str], list[str]] | None:
    """A Vega-Lite scale's (`domain`, `range`): the names `wanted` lists first, in its order (so
    legends read critical, high, medium, low), then the others; None when `wanted` fixes none
    of them (the theme's category range then applies as before)."""
    fixed = fixed_colors(names, wanted, theme)
    if not fixed:
        return None
    rank = {key.lower(): index for index, key in enumerate(wanted)}
    domain = sorted(names, key=lambda name: rank.get(name.lower(), len(rank)))
    return domain, _colors(domain, fixed, theme)


def _colors(names: Sequence[str], fixed: Mapping[str, str], theme: Theme) -> list[str]:
    taken = {color.lower() for color in fixed.values()}
    free = [color for color in theme.palette if color.lower() not in taken] or theme.palette
    colors = []
    index = 0
    for name in names:
        if name in fixed:
            colors.append(fixed[name])
        else:
            colors.append(free[index % len(free)] if free else "#5f6670")
            index += 1
    return colors
