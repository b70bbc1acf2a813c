"""Charts as PNG images, drawn with the Noto CJK font so Chinese labels are text, not boxes."""

import io
import math
from collections.abc import Mapping, Sequence

import matplotlib
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, MaxNLocator

from hubei_data.catalog.export import display_width
from hubei_data.reports import fonts

DPI = 150
WIDTH_INCHES = 9.0
# On a page, a chart is shown at its size in inches (CSS: 96 pixels an inch), so its text matches the page's.
PAGE_WIDTH_PIXELS = round(WIDTH_INCHES * 96)
# Category labels wider than this (in Latin characters) read better down the side than under the bars.
SIDEWAYS_LABEL = 10
COLOURS = ("#2f6db5", "#d9822b", "#3a9a5b", "#c23b3b", "#7a5cb0", "#8c6d46", "#4aa3b5", "#b5487a")


def style() -> dict:
    """matplotlib settings for every chart: the CJK font first, DejaVu for anything it lacks."""
    fonts.register()
    return {
        "font.family": [fonts.FAMILY, "DejaVu Sans"],
        "axes.unicode_minus": False,
        "axes.spines.top": False,
        "axes.spines.right": False,
        "axes.titlesize": 13,
        "axes.titleweight": "bold",
        "font.size": 10,
    }


def bars(categories: Sequence[str], series: Mapping[str, Sequence[float]], title: str, unit: str,
         stacked: bool = False, form: str = "png") -> bytes:
    """Bars per category, one colour per series, grouped or stacked (labelled with the total); long labels
    lie down the side. The unit goes into the title, since a sideways Chinese axis label reads badly.
    `form` is png or svg (text drawn as outlines, so a page shows it without the font)."""
    sideways = len(categories) > 14 or max((display_width(c) for c in categories), default=0) > SIDEWAYS_LABEL
    per_category = 1 if stacked else len(series)
    with matplotlib.rc_context(style()):
        height = max(2.6, 0.3 * len(categories) * (per_category + 0.5) + 1.2) if sideways else 4.2
        figure = Figure(figsize=(WIDTH_INCHES, height), layout="constrained")
        axes = figure.add_subplot()
        draw = axes.barh if sideways else axes.bar
        thickness = 0.8 / per_category
        base = [0.0] * len(categories)
        for number, (name, values) in enumerate(series.items()):
            values = [_number(v) for v in values]
            offset = 0 if stacked else (number - (len(series) - 1) / 2) * thickness
            where = [position + offset for position in range(len(categories))]
            under = {("left" if sideways else "bottom"): base} if stacked else {}
            drawn = draw(where, values, thickness, label=name, color=COLOURS[number % len(COLOURS)], **under)
            if stacked:
                base = [b + (0 if math.isnan(v) else v) for b, v in zip(base, values)]
            else:
                # A department that received nothing is the finding; a row of empty months is noise.
                zeros = sideways and len(series) == 1
                axes.bar_label(drawn, [_label(v) if v or zeros else "" for v in values], padding=2, fontsize=8)
        if stacked:
            axes.bar_label(drawn, [_label(v) if v else "" for v in base], padding=2, fontsize=8)
        ticks, values_axis = (axes.set_yticks, axes.xaxis) if sideways else (axes.set_xticks, axes.yaxis)
        ticks(range(len(categories)), categories)
        values_axis.set_major_formatter(FuncFormatter(lambda v, _: _label(v)))
        if all(float(v).is_integer() for values in series.values() for v in values if v is not None):
            values_axis.set_major_locator(MaxNLocator(integer=True))
        if sideways:
            axes.invert_yaxis()
        axes.margins(**{"x" if sideways else "y": 0.12})
        axes.grid(axis="x" if sideways else "y", color="#dddddd", linewidth=0.6)
        axes.set_axisbelow(True)
        _finish(axes, title, unit, len(series))
        return _image(figure, form)


def lines(categories: Sequence[str], series: Mapping[str, Sequence[float | None]], title: str, unit: str,
          floor: float | None = None, ceiling: float | None = None, form: str = "png") -> bytes:
    """One line per series over the categories (months); gaps where a value is missing; `form` as for bars."""
    with matplotlib.rc_context(style()):
        figure = Figure(figsize=(WIDTH_INCHES, 4.2), layout="constrained")
        axes = figure.add_subplot()
        positions = range(len(categories))
        for number, (name, values) in enumerate(series.items()):
            axes.plot(positions, [_number(v) for v in values], marker="o", linewidth=1.8, markersize=4,
                      label=name, color=COLOURS[number % len(COLOURS)])
        # Every category keeps its place on the axis, with or without a value.
        axes.set_xticks(positions, categories)
        axes.set_xlim(-0.5, len(categories) - 0.5)
        axes.set_ylim(floor, ceiling)
        axes.grid(axis="y", color="#dddddd", linewidth=0.6)
        _finish(axes, title, unit, len(series))
        return _image(figure, form)


def _finish(axes, title: str, unit: str, series: int) -> None:
    axes.set_title(f"{title}（{unit}）" if unit else title, loc="left", pad=12)
    if series > 1:
        axes.legend(frameon=False, loc="upper left", bbox_to_anchor=(1.0, 1.0))


def _number(value) -> float:
    return math.nan if value is None else float(value)


def _label(value: float) -> str:
    """Thousands apart, decimals only where the value has them; nothing for a missing value."""
    if math.isnan(value):
        return ""
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.2f}"


def _image(figure: Figure, form: str) -> bytes:
    buffer = io.BytesIO()
    figure.savefig(buffer, format=form, dpi=DPI, facecolor="white")
    return buffer.getvalue()
