"""Bar charts as SVG images, drawn with matplotlib's non-interactive backend.

Charts are served as separate images (an inline SVG would need styles the page's Content-Security-
Policy forbids). Text stays text in the SVG, large and dark on white; bars are the Trellis green,
which has a contrast ratio above 7:1 against white. Each figure is labelled with its number, so
the chart can be read without the axis, and the page puts the data table beside it.
"""

from __future__ import annotations

import io
import textwrap
import threading
from collections.abc import Sequence

import matplotlib

matplotlib.use("Agg")

from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator, StrMethodFormatter

BAR_COLOUR = "#1d5c4d"
#: For the second part of a split bar: 3.1:1 against white, and set apart from the first by a white edge.
SECOND_COLOUR = "#5f9e8c"
TEXT_COLOUR = "#0b0c0c"
GRID_COLOUR = "#b1b4b6"
# Sized to be shown about 450 pixels wide (half the page) with text close to 16 pixels high.
FONT_SIZE = 16
ROW_HEIGHT_IN = 0.5
WRAPPED_ROW_HEIGHT_IN = 0.72
WIDTH_IN = 6.0
LINE_LENGTH = 24

_STYLE = {
    "svg.fonttype": "none",  # keep text as text: smaller, sharper and selectable
    "svg.hashsalt": "trellis",  # the same chart gives the same bytes (good for caching)
    "font.family": "DejaVu Sans",
    "font.size": FONT_SIZE,
}
# rc_context changes matplotlib's global settings: one chart at a time per process.
_LOCK = threading.Lock()


def _wrap(label: str) -> str:
    """At most two lines of LINE_LENGTH characters; anything longer is cut short with an ellipsis."""
    lines = textwrap.wrap(label, LINE_LENGTH) or [""]
    if len(lines) > 2:
        lines = [lines[0], textwrap.shorten(" ".join(lines[1:]), LINE_LENGTH, placeholder="…")]
    return "\n".join(lines)


def bar_chart_svg(
    labels: Sequence[str],
    values: Sequence[int],
    *,
    parts: Sequence[tuple[str, Sequence[int]]] = (),
    axis_label: str = "Organisations",
) -> bytes:
    """A horizontal bar chart, first label at the top, each bar labelled with its value.
    With ``parts`` (two at most), each bar is split into named segments that add up to its value."""
    if len(labels) != len(values):
        raise ValueError("Each bar needs one label and one value.")
    if len(parts) > 2:
        raise ValueError("A bar can be split into two parts at most.")
    for _, segment in parts:
        if len(segment) != len(values):
            raise ValueError("Each part needs one value for each bar.")
    if parts and [sum(column) for column in zip(*(seg for _, seg in parts), strict=True)] != list(values):
        raise ValueError("The parts of each bar must add up to its value.")
    wrapped = [_wrap(label) for label in labels]
    row_height = WRAPPED_ROW_HEIGHT_IN if any("\n" in w for w in wrapped) else ROW_HEIGHT_IN
    height = max(2.2, 1.1 + row_height * max(len(labels), 1))
    with _LOCK, matplotlib.rc_context(_STYLE):
        fig = Figure(figsize=(WIDTH_IN, height), layout="constrained")
        ax = fig.add_subplot()
        positions = list(range(len(labels)))
        if parts:
            left = [0] * len(values)
            for (name, segment), colour in zip(parts, (BAR_COLOUR, SECOND_COLOUR), strict=False):
                ax.barh(positions, list(segment), left=left, color=colour, height=0.7, label=name, edgecolor="white")
                left = [a + b for a, b in zip(left, segment, strict=True)]
            fig.legend(loc="outside upper left", ncols=1, frameon=False, fontsize=FONT_SIZE)
        # An invisible bar of the whole value carries the value label.
        bars = ax.barh(positions, list(values), height=0.7, color=BAR_COLOUR, alpha=0 if parts else 1)
        ax.set_yticks(positions, wrapped, color=TEXT_COLOUR)
        ax.invert_yaxis()
        ax.bar_label(bars, labels=[f"{v:,}" for v in values], padding=4, color=TEXT_COLOUR, fontsize=FONT_SIZE)
        top = max(values, default=0)
        ax.set_xlim(0, max(1, top) * 1.15)
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        ax.xaxis.set_major_formatter(StrMethodFormatter("{x:,.0f}"))
        ax.set_xlabel(axis_label, color=TEXT_COLOUR)
        ax.tick_params(colors=TEXT_COLOUR, labelsize=FONT_SIZE)
        ax.grid(axis="x", color=GRID_COLOUR, linewidth=0.8)
        ax.set_axisbelow(True)
        for side in ("top", "right"):
            ax.spines[side].set_visible(False)
        if not labels:
            ax.set_yticks([])
            ax.text(0.5, 0.5, "Nothing to show yet", transform=ax.transAxes, ha="center", color=TEXT_COLOUR)
        buffer = io.BytesIO()
        fig.savefig(buffer, format="svg", metadata={"Date": None}, facecolor="white")
    return buffer.getvalue()
