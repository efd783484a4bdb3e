"""Bar charts as SVG images: valid, labelled, split into two named parts, and refusing figures that do not fit."""

from __future__ import annotations

from xml.etree import ElementTree

import pytest

from trellis.places import charts


def test_a_bar_chart_is_valid_svg_with_its_labels_as_text():
    svg = charts.bar_chart_svg(["Castlegate", "Mill Hill"], [3, 12])
    root = ElementTree.fromstring(svg)
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    body = svg.decode()
    assert "Castlegate" in body and "Mill Hill" in body and ">12<" in body
    assert "#1d5c4d" in body
    assert charts.bar_chart_svg(["Castlegate", "Mill Hill"], [3, 12]) == svg  # same figures, same bytes


def test_a_bar_can_be_split_into_two_named_parts():
    svg = charts.bar_chart_svg(
        ["Castlegate", "Mill Hill"], [5, 3], parts=[("Named this ward", [2, 0]), ("Borough-wide", [3, 3])]
    )
    ElementTree.fromstring(svg)
    body = svg.decode()
    assert "Named this ward" in body and "Borough-wide" in body and charts.SECOND_COLOUR in body


@pytest.mark.parametrize(
    ("parts", "message"),
    [
        ([("A", [1, 1]), ("B", [1, 1])], "must add up to its value"),
        ([("A", [1])], "one value for each bar"),
        ([("A", [1, 1]), ("B", [1, 1]), ("C", [1, 1])], "two parts at most"),
    ],
)
def test_parts_that_do_not_fit_the_bars_are_refused(parts, message):
    with pytest.raises(ValueError, match=message):
        charts.bar_chart_svg(["One", "Two"], [2, 3], parts=parts)


def test_long_labels_wrap_onto_two_lines_at_most():
    svg = charts.bar_chart_svg(["Company limited by guarantee (not a charity) with a very long name indeed"], [1])
    body = svg.decode()
    assert "Company limited by" in body and "…" in body


def test_a_chart_of_nothing_still_draws():
    assert b"Nothing to show yet" in charts.bar_chart_svg([], [])


def test_a_chart_needs_a_label_for_each_value():
    with pytest.raises(ValueError, match="one label and one value"):
        charts.bar_chart_svg(["One"], [1, 2])
