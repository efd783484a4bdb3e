"""The cost of competing as a chart: one bar per route, split into the authority's and the bidders' cost.

Drawn like the places app's charts (matplotlib's non-interactive backend, SVG with text kept as text, the
same colours, type size and lock), with pounds on the axis and a ``<title>`` and ``<desc>`` added so the
image names itself and states its figures to assistive technology. Pages show the same numbers in a table.
"""

from __future__ import annotations

import io
import re
from collections.abc import Sequence
from xml.sax.saxutils import escape

import matplotlib

matplotlib.use("Agg")

from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator, StrMethodFormatter

from trellis.places import charts as place_charts

TITLE = "Cost of competing, by route"
WIDTH_IN = 7.5
STYLE = {
    "svg.fonttype": "none",  # keep text as text: smaller, sharper and selectable
    "svg.hashsalt": "trellis",  # the same chart gives the same bytes
    "font.family": "DejaVu Sans",
    "font.size": place_charts.FONT_SIZE,
}


def _svg_with_text(svg: bytes, title: str, desc: str) -> bytes:
    """Add role="img", a <title> and a <desc> right after the opening <svg> tag."""
    text = svg.decode("utf-8")
    match = re.search(r"<svg\b[^>]*>", text)
    if match is None:
        raise ValueError("Not an SVG document")
    opened = match.group(0)[:-1].rstrip() + ' role="img" aria-labelledby="chart-title chart-desc">'
    inserted = f'<title id="chart-title">{escape(title)}</title><desc id="chart-desc">{escape(desc)}</desc>'
    return (text[: match.start()] + opened + inserted + text[match.end() :]).encode("utf-8")


def describe(rows: Sequence[tuple[str, int, int]]) -> str:
    """The chart's figures in one sentence per route."""
    if not rows:
        return "No routes to compare."
    return " ".join(
        f"{title}: £{authority + market:,} in all (the authority £{authority:,}, bidders £{market:,})."
        for title, authority, market in rows
    )


def cost_of_competing_svg(rows: Sequence[tuple[str, int, int]]) -> bytes:
    """``rows``: (route title, authority's cost in whole pounds, bidders' cost in whole pounds), in table order."""
    labels = [place_charts._wrap(title) for title, _, _ in rows]
    authority = [int(a) for _, a, _ in rows]
    market = [int(m) for _, _, m in rows]
    totals = [a + m for a, m in zip(authority, market, strict=True)]
    row_height = place_charts.WRAPPED_ROW_HEIGHT_IN if any("\n" in w for w in labels) else place_charts.ROW_HEIGHT_IN
    height = max(2.6, 1.6 + row_height * max(len(rows), 1))
    positions = list(range(len(rows)))
    # rc_context changes matplotlib's global settings: one chart at a time per process, shared with the places app.
    with place_charts._LOCK, matplotlib.rc_context(STYLE):
        fig = Figure(figsize=(WIDTH_IN, height), layout="constrained")
        ax = fig.add_subplot()
        ax.barh(positions, authority, height=0.7, color=place_charts.BAR_COLOUR, label="The authority's cost")
        ax.barh(
            positions,
            market,
            left=authority,
            height=0.7,
            color=place_charts.SECOND_COLOUR,
            edgecolor="white",
            label="Bidders' cost",
        )
        fig.legend(loc="outside upper left", ncols=2, frameon=False)
        ax.set_yticks(positions, labels, color=place_charts.TEXT_COLOUR)
        ax.invert_yaxis()
        top = max(totals, default=0)
        for y, total in zip(positions, totals, strict=True):
            ax.text(total + top * 0.02, y, f"£{total:,}", va="center", color=place_charts.TEXT_COLOUR)
        ax.set_xlim(0, max(1, top) * 1.3)
        ax.xaxis.set_major_locator(MaxNLocator(nbins=4, integer=True))
        ax.xaxis.set_major_formatter(StrMethodFormatter("£{x:,.0f}"))
        ax.set_xlabel("Cost of competing", color=place_charts.TEXT_COLOUR)
        ax.tick_params(colors=place_charts.TEXT_COLOUR)
        ax.grid(axis="x", color=place_charts.GRID_COLOUR, linewidth=0.8)
        ax.set_axisbelow(True)
        for side in ("top", "right"):
            ax.spines[side].set_visible(False)
        if not rows:
            ax.set_yticks([])
            ax.text(0.5, 0.5, "No routes to compare", transform=ax.transAxes, ha="center")
        buffer = io.BytesIO()
        fig.savefig(buffer, format="svg", metadata={"Date": None}, facecolor="white")
    return _svg_with_text(buffer.getvalue(), TITLE, describe(rows))


def rows_from(costs) -> list[tuple[str, int, int]]:
    """Chart rows from the presenter's cost rows (whole pounds)."""
    return [(c.title, round(c.authority_gbp), round(c.market_gbp)) for c in costs]
