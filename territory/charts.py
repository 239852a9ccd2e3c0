"""Charts drawn as inline SVG on the server (hospital machines have no internet: no JavaScript
library, no CDN; WeasyPrint draws the same SVG in the annual report). Every text is escaped and
nothing outside the SVG is referenced. Each chart has its table next to it for screen readers."""

from dataclasses import dataclass

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

PALETTE = ["#0d6efd", "#198754", "#fd7e14", "#6f42c1", "#dc3545", "#20c997", "#6c757d"]
LABEL_CHARACTERS = 46


@dataclass(frozen=True)
class Series:
    name: str
    values: list[int]


def _short(text: str, limit: int = LABEL_CHARACTERS) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def stacked_bars_svg(*, chart_id: str, title: str, labels: list[str], series: list[Series]):
    """Vertical bars, one per label, stacked by series (legend below)."""
    width, height, left, right, top, bottom = 720, 280, 44, 10, 30, 70
    totals = [sum(item.values[index] for item in series) for index in range(len(labels))]
    peak = max([1, *totals])
    plot_width, plot_height = width - left - right, height - top - bottom
    slot = plot_width / max(len(labels), 1)
    bar = slot * 0.6
    every = max(1, round(len(labels) / 16))  # at most about 16 labels under the axis
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'class="w-100 h-auto" role="img" aria-labelledby="{chart_id}-title">',
        f'<title id="{chart_id}-title">{escape(title)}</title>',
        f'<line x1="{left}" y1="{top + plot_height}" x2="{width - right}" '
        f'y2="{top + plot_height}" stroke="#6c757d"/>',
        f'<text x="{left - 6}" y="{top + 4}" text-anchor="end" font-size="11">{peak}</text>',
        f'<text x="{left - 6}" y="{top + plot_height}" text-anchor="end" font-size="11">0</text>',
    ]
    for index, label in enumerate(labels):
        x = left + index * slot + (slot - bar) / 2
        base = top + plot_height
        for number, item in enumerate(series):
            value = item.values[index]
            if not value:
                continue
            size = plot_height * value / peak
            base -= size
            parts.append(
                f'<rect x="{x:.1f}" y="{base:.1f}" width="{bar:.1f}" height="{size:.1f}" '
                f'fill="{PALETTE[number % len(PALETTE)]}"><title>{escape(label)} : {value} '
                f"{escape(item.name)}</title></rect>"
            )
        if index % every == 0:
            parts.append(
                f'<text x="{x + bar / 2:.1f}" y="{top + plot_height + 14}" '
                f'text-anchor="middle" font-size="10">{escape(_short(label, 12))}</text>'
            )
    legend_y, position = height - 30, left
    for number, item in enumerate(series):
        if position > width - 150:
            legend_y, position = legend_y + 16, left
        parts.append(
            f'<rect x="{position}" y="{legend_y - 9}" width="10" height="10" '
            f'fill="{PALETTE[number % len(PALETTE)]}"/><text x="{position + 14}" y="{legend_y}" '
            f'font-size="10">{escape(_short(item.name, 34))}</text>'
        )
        position += 230
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every interpolated text is escaped above


def horizontal_bars_svg(*, chart_id: str, title: str, rows: list[tuple[str, int]]) -> SafeString:
    """One horizontal bar per row, its value at its end (distributions, Pareto tables)."""
    width, left, right, top, line = 720, 300, 50, 28, 20
    height = top + line * max(len(rows), 1) + 8
    peak = max([1, *(value for _label, value in rows)])
    plot_width = width - left - right
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'class="w-100 h-auto" role="img" aria-labelledby="{chart_id}-title">',
        f'<title id="{chart_id}-title">{escape(title)}</title>',
    ]
    for index, (label, value) in enumerate(rows):
        y = top + index * line
        size = plot_width * value / peak
        parts.append(
            f'<text x="{left - 6}" y="{y + 13}" text-anchor="end" font-size="11">'
            f"{escape(_short(label))}</text>"
            f'<rect x="{left}" y="{y + 3}" width="{size:.1f}" height="{line - 6}" '
            f'fill="{PALETTE[0]}"><title>{escape(label)} : {value}</title></rect>'
            f'<text x="{left + size + 4:.1f}" y="{y + 13}" font-size="11">{value}</text>'
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every interpolated text is escaped above
