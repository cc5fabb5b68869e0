"""Server-side SVG charts: plain shapes and text, no script, legible on paper."""

from collections.abc import Sequence
from xml.sax.saxutils import escape

from markupsafe import Markup

from recruit.formatting import bureau_number

BAR_COLOUR = "#1f5fa8"
ALT_COLOUR = "#c2571a"
TEXT_COLOUR = "#212529"
GRID_COLOUR = "#ced4da"


def _text(x, y, content, anchor="start", size=12, weight="normal", fill=TEXT_COLOUR) -> str:
    return (
        f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}" font-size="{size}" '
        f'font-weight="{weight}" fill="{fill}">{escape(str(content))}</text>'
    )


def _linked(parts: list[str], href: str | None, label: str) -> str:
    """Wrap one bar and its labels in a link to the rows it counts (no script needed)."""
    if not href:
        return "".join(parts)
    return f'<a href="{escape(href)}" aria-label="{escape(label)}">' + "".join(parts) + "</a>"


def _svg(width: int, height: int, title: str, body: list[str], testid: str | None) -> Markup:
    test = f' data-testid="{escape(testid)}"' if testid else ""
    # A chart whose bars are links stays a group, so that the links remain reachable.
    role = "group" if any(part.startswith("<a ") for part in body) else "img"
    return Markup(
        f'<svg xmlns="http://www.w3.org/2000/svg" class="report-chart" role="{role}" '
        f'viewBox="0 0 {width} {height}" width="100%" preserveAspectRatio="xMinYMin meet" '
        f'aria-label="{escape(title)}"{test}><title>{escape(title)}</title>'
        f'<rect width="{width}" height="{height}" fill="#fff"/>' + "".join(body) + "</svg>"
    )


def bar_chart(
    items: Sequence[tuple[str, int]],
    title: str,
    unit: str = "",
    notes: Sequence[str] | None = None,
    testid: str | None = None,
    width: int = 560,
    links: Sequence[str | None] | None = None,
) -> Markup:
    """Draw horizontal bars, one per (label, value), the value written at the bar's end."""
    row_height, top, label_width = 26, 30, 120
    height = top + row_height * max(len(items), 1) + 10
    peak = max((value for _label, value in items), default=0) or 1
    span = width - label_width - 110
    body = [_text(0, 18, title, size=14, weight="bold")]
    if not items:
        body.append(_text(label_width, top + 17, "无数据", fill="#6c757d"))
    for n, (label, value) in enumerate(items):
        y = top + n * row_height
        length = max(span * max(value, 0) / peak, 0)
        caption = f"{bureau_number(value)}{unit}"
        if notes and notes[n]:
            caption += f"（{notes[n]}）"
        parts = [
            _text(label_width - 6, y + 17, label, anchor="end"),
            f'<rect x="{label_width}" y="{y + 4}" width="{length:.1f}" height="{row_height - 8}" '
            f'fill="{BAR_COLOUR}"/>',
            _text(label_width + length + 6, y + 17, caption),
        ]
        body.append(_linked(parts, links[n] if links else None, f"{label} {caption}"))
    return _svg(width, height, title, body, testid)


def column_chart(
    items: Sequence[tuple[str, int]],
    title: str,
    unit: str = "",
    testid: str | None = None,
    width: int = 560,
    colour: str = BAR_COLOUR,
    links: Sequence[str | None] | None = None,
) -> Markup:
    """Draw vertical columns over labelled slots (months), with a baseline and values on top."""
    height, top, bottom, left = 220, 40, 30, 10
    plot = height - top - bottom
    slots = max(len(items), 1)
    slot = (width - left * 2) / slots
    peak = max((value for _label, value in items), default=0) or 1
    body = [
        _text(0, 18, title, size=14, weight="bold"),
        f'<line x1="{left}" y1="{top + plot}" x2="{width - left}" y2="{top + plot}" '
        f'stroke="{GRID_COLOUR}"/>',
    ]
    for n, (label, value) in enumerate(items):
        x = left + n * slot
        bar = plot * max(value, 0) / peak
        column = min(slot * 0.6, 48)
        cx = x + slot / 2
        caption = f"{bureau_number(value)}{unit}"
        parts = [
            f'<rect x="{cx - column / 2:.1f}" y="{top + plot - bar:.1f}" width="{column:.1f}" '
            f'height="{bar:.1f}" fill="{colour}"/>',
            _text(cx, top + plot - bar - 4, caption, "middle", 11),
            _text(cx, height - 10, label, "middle"),
        ]
        body.append(_linked(parts, links[n] if links else None, f"{label} {caption}"))
    return _svg(width, height, title, body, testid)
