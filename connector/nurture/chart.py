"""Server-rendered SVG line chart (no JavaScript): conversion rate per week, one line per tier (or per A/B arm)."""
from __future__ import annotations

from datetime import date

from markupsafe import Markup, escape

COLOURS = {"A": "#1b7f3b", "B": "#3867d6", "C": "#d68a00", "D": "#b33939", "model": "#3867d6", "control": "#d68a00"}
WIDTH, HEIGHT, PAD = 640, 260, 40


def conversion_chart(series: dict[str, list[tuple[date, float, int]]], title: str = "Conversion rate by tier, per week",
                     line: str = "Tier", empty: str = "No outcomes recorded yet") -> Markup:
    weeks = sorted({week for points in series.values() for week, _, _ in points})
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" width="{WIDTH}" '
             f'height="{HEIGHT}" role="img" aria-labelledby="conv-title" class="chart">',
             f'<title id="conv-title">{escape(title)}</title>',
             f'<rect x="0" y="0" width="{WIDTH}" height="{HEIGHT}" fill="white"/>']
    for share in (0, 0.25, 0.5, 0.75, 1):
        y = _y(share)
        parts.append(f'<line x1="{PAD}" y1="{y:.1f}" x2="{WIDTH - PAD}" y2="{y:.1f}" stroke="#ddd"/>'
                     f'<text x="{PAD - 6}" y="{y + 4:.1f}" font-size="11" text-anchor="end">{share:.0%}</text>')
    if not weeks:
        lines = empty.split("\n")  # the chart is narrow: a longer note comes in lines
        for index, text in enumerate(lines):
            y = HEIGHT / 2 + 18 * (index - (len(lines) - 1) / 2)
            parts.append(f'<text x="{WIDTH / 2}" y="{y:.0f}" text-anchor="middle" font-size="13">{escape(text)}</text>')
        parts.append("</svg>")
        return Markup("".join(parts))
    x_of = {week: _x(index, len(weeks)) for index, week in enumerate(weeks)}
    for week in weeks[:: max(1, len(weeks) // 8)]:
        parts.append(f'<text x="{x_of[week]:.1f}" y="{HEIGHT - PAD + 16}" font-size="11" '
                     f'text-anchor="middle">{escape(week.strftime("%d %b"))}</text>')
    for legend, (tier, points) in enumerate(series.items()):
        colour = COLOURS.get(tier, "#555")
        if points:
            path = " ".join(f"{x_of[week]:.1f},{_y(rate):.1f}" for week, rate, _ in points)
            parts.append(f'<polyline class="tier-{escape(tier)}" points="{path}" fill="none" stroke="{colour}" '
                         'stroke-width="2"/>')
            for week, rate, total in points:
                parts.append(f'<circle cx="{x_of[week]:.1f}" cy="{_y(rate):.1f}" r="3" fill="{colour}">'
                             f'<title>{escape(line)} {escape(tier)}, week of {week}: {rate:.0%} of {total}</title></circle>')
        # Legend right of the plot for tiers (one letter), along the top for longer names (arms) that would clip.
        x, y = (WIDTH - PAD + 6, PAD + 16 * legend) if len(tier) == 1 else (PAD + 80 * legend, PAD - 12)
        parts.append(f'<text x="{x}" y="{y}" font-size="12" fill="{colour}">{escape(tier)}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))


def _x(index: int, count: int) -> float:
    return PAD + (WIDTH - 2 * PAD) * (index / (count - 1) if count > 1 else 0.5)


def _y(share: float) -> float:
    return HEIGHT - PAD - (HEIGHT - 2 * PAD) * share
