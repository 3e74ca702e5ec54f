"""Bar charts drawn on the server as SVG (no JavaScript, nothing fetched), each described in words for screen readers
and always shown beside the table of the same figures: the geometry here, the drawing in templates/hnap/_bar_chart.html.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

from django.utils.safestring import SafeString, mark_safe

LABEL_WIDTH = 230
PLOT_WIDTH = 360
BAR_HEIGHT = 18
GAP = 8

# One bar: its label (right-aligned before the plot), the bar, and its value after it. Written here rather than as
# template tags: a five-year dashboard draws hundreds of bars, and each tag of a template costs more than a whole row
# formatted at once.
_BAR_SVG = (
    '<g><text x="{}" y="{}" text-anchor="end" font-family="Arial, sans-serif" font-size="14" fill="#0b0c0c">{}</text>'
    '<rect x="{}" y="{}" width="{}" height="{}" fill="#1d70b8"></rect>'
    '<text x="{}" y="{}" font-family="Arial, sans-serif" font-size="14" fill="#0b0c0c">{}</text></g>'
)


@dataclass(frozen=True)
class Bar:
    label: str
    value: float
    text: str  # the value as printed at the end of the bar (and in the description)
    y: int
    width: int
    text_x: int


@dataclass(frozen=True)
class BarChart:
    """A horizontal bar chart's geometry: one bar per row, scaled to the largest value (or a fixed maximum)."""

    ident: str  # the element id of the chart: its title, description and table hang off it
    title: str
    description: str
    bars: list[Bar]
    width: int
    height: int
    label_width: int
    bar_height: int
    empty_text: str
    table: str  # the id of the table holding the same figures

    @property
    def bars_svg(self) -> SafeString:
        """Every bar as SVG: the label and the value's text escaped (as a template would), the rest integers."""
        rows = [
            _BAR_SVG.format(
                self.label_width - 8,
                bar.y + 13,
                escape(bar.label),
                self.label_width,
                bar.y,
                int(bar.width),
                self.bar_height,
                int(bar.text_x),
                bar.y + 13,
                escape(bar.text),
            )
            for bar in self.bars
        ]
        return mark_safe("\n".join(rows))  # noqa: S308 - the two texts are escaped above, the rest are integers


def bar_chart(
    *,
    ident: str,
    title: str,
    rows: Sequence[tuple[str, float | None]],
    unit: str = "",
    maximum: float | None = None,
    empty_text: str = "No figures for this period.",
    table: str = "",
) -> BarChart:
    """Bars for (label, value) rows; a row whose value is None (nothing to measure) gets no bar and says so. The
    description says every value in words, so a screen reader hears the chart's data."""
    top = maximum if maximum is not None else max((v for _, v in rows if v is not None), default=0)
    bars = []
    for index, (label, value) in enumerate(rows):
        shown = 0 if value is None else value
        width = round(PLOT_WIDTH * shown / top) if top else 0
        text = "none" if value is None else f"{value:g}{unit}"
        bars.append(
            Bar(
                label=label,
                value=shown,
                text=text,
                y=index * (BAR_HEIGHT + GAP),
                width=width,
                text_x=LABEL_WIDTH + width + 6,
            )
        )
    description = "; ".join(f"{bar.label}: {bar.text}" for bar in bars) or empty_text
    return BarChart(
        ident=ident,
        title=title,
        description=description,
        bars=bars,
        width=LABEL_WIDTH + PLOT_WIDTH + 70,
        height=max(len(rows), 1) * (BAR_HEIGHT + GAP),
        label_width=LABEL_WIDTH,
        bar_height=BAR_HEIGHT,
        empty_text=empty_text,
        table=table or f"{ident}-table",
    )
