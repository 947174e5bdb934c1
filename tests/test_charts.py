"""Chart geometry (childcop.charts) and the templates that draw it (templates/charts/)."""

from datetime import date

import pytest
from django.template.loader import render_to_string
from django.utils import translation

from childcop import charts

# --- value_text ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "value,unit,text",
    [
        (None, "", "—"),
        (None, "%", "—"),
        (0, "", "0"),
        (0, "%", "0%"),
        (50, "%", "50%"),
        (12.0, "", "12"),
        (12.25, "%", "12.2%"),
        (1, "yes/no", "yes"),
        (0, "yes/no", "no"),
    ],
)
def test_value_text(value, unit, text):
    assert charts.value_text(value, unit) == text


# --- sparkline -----------------------------------------------------------------------------


def test_a_sparkline_without_data_is_none():
    assert charts.sparkline([]) is None
    assert charts.sparkline([None, None, None]) is None


def test_a_sparkline_scales_between_its_padding():
    chart = charts.sparkline([0, 50, 100], "%", width=100, height=40, pad=5)
    assert (chart["width"], chart["height"], chart["base"]) == (100, 40, 35)
    assert [(p["x"], p["y"]) for p in chart["points"]] == [(5, 35), (50, 20), (95, 5)]
    assert chart["segments"] == ["5.0,35.0 50.0,20.0 95.0,5.0"]
    assert [p["last"] for p in chart["points"]] == [False, False, True]


def test_a_sparkline_scale_reaches_at_least_one_or_a_hundred_percent():
    # counts: the top is the largest value (at least 1); percentages: at least 100
    assert charts.sparkline([2, 4], width=100, height=40, pad=5)["points"][1]["y"] == 5
    assert charts.sparkline([0, 0], width=100, height=40, pad=5)["points"][0]["y"] == 35
    assert charts.sparkline([25, 50], "%", width=100, height=40, pad=5)["points"][1]["y"] == 20
    # yes/no: 0 at the bottom, 1 at the top
    points = charts.sparkline([0, 1], "yes/no", width=100, height=40, pad=5)["points"]
    assert [p["y"] for p in points] == [35, 5]


def test_a_sparkline_starts_below_zero_when_a_value_does():
    points = charts.sparkline([-2, 0, 2], width=100, height=40, pad=5)["points"]
    assert [p["y"] for p in points] == [35, 20, 5]


def test_a_sparkline_breaks_where_a_period_has_no_data():
    chart = charts.sparkline([10, 20, None, 30, None], width=100, height=40, pad=5)
    assert len(chart["points"]) == 3
    assert len(chart["segments"]) == 2 and len(chart["segments"][0].split()) == 2
    assert not any(p["last"] for p in chart["points"])  # the last period has no data


def test_a_sparkline_of_one_period_is_centred():
    point = charts.sparkline([3], width=100, height=40, pad=5)["points"][0]
    assert (point["x"], point["last"]) == (50, True)


# --- level bar -----------------------------------------------------------------------------


def test_the_level_bar_stacks_the_levels_from_the_centre_outwards():
    bar = charts.level_bar({"coordinator": 1, "core": 1, "active": 2}, width=200, height=10)
    parts = bar["parts"]
    assert [p["key"] for p in parts] == [key for key, _ in charts.LEVELS]
    assert [(p["x"], p["w"]) for p in parts[:4]] == [(0, 50), (50, 50), (100, 100), (200, 0)]
    assert [p["share"] for p in parts[:3]] == [25, 25, 50]
    assert all(p["colour"] == charts.LEVEL_COLOURS[p["key"]] for p in parts)
    assert bar["total"] == 4 and bar["height"] == 10
    assert bar["label"].startswith("Coordinator: 1, Core group: 1, Active: 2, Occasional: 0")


def test_an_empty_level_bar_has_no_width():
    bar = charts.level_bar({})
    assert bar["total"] == 0 and all(p["w"] == 0 and p["share"] == 0 for p in bar["parts"])


# --- sessions and the heartbeat ----------------------------------------------------------------


def test_session_bars_scale_to_the_busiest_month():
    chart = charts.session_bars([(2, 1), (4, 4), (0, 0)], width=30, height=40)
    first, busiest, empty = chart["bars"]
    assert (first["h_planned"], first["h_held"], first["y_held"]) == (20, 10, 30)
    assert (busiest["h_planned"], busiest["y_planned"]) == (40, 0)
    assert (empty["h_planned"], empty["h_held"]) == (0, 0)
    assert [b["x"] for b in chart["bars"]] == [1, 11, 21] and first["w"] == 7


def test_the_heartbeat_puts_planned_beside_held_and_other_activities():
    rows = [
        {"month": date(2026, 1, 1), "planned": 2, "held": 1, "activities": 3},
        {"month": date(2026, 2, 1), "planned": 0, "held": 0, "activities": 0},
    ]
    chart = charts.heartbeat(rows, width=200, height=122)
    plot = 100  # the height less the month labels' 22
    assert chart["base"] == plot and chart["label_y"] == 116
    january, february = chart["bars"]
    scale = plot / 3  # the busiest month: 3 activities
    assert january["h_planned"] == round(2 * scale, 1)
    assert january["h_held"] == round(scale, 1)
    assert january["h_extra"] == round(2 * scale, 1)  # two activities without a session
    assert january["y_extra"] == round(plot - 3 * scale, 1) == 0
    assert january["x_held"] > january["x_planned"] and january["missed"]
    assert february["h_planned"] == 0 and not february["missed"]
    assert february["x_label"] == 150 and january["month"] == date(2026, 1, 1)


# --- horizontal bars ---------------------------------------------------------------------------


def test_horizontal_bars_scale_to_the_largest_or_to_a_whole():
    rows = [{"label": "A", "n": 4}, {"label": "B", "n": 1}, {"label": "C", "n": 0}]
    chart = charts.horizontal_bars(rows, width=300, label_width=100, margin=40)
    assert [b["w"] for b in chart["bars"]] == [160, 40, 0]
    assert [b["y"] for b in chart["bars"]] == [0, 26, 52] and chart["height"] == 78
    assert chart["bars"][0]["value_x"] == 266 and chart["anchor"] == "end"
    shares = charts.horizontal_bars(rows, width=300, label_width=100, margin=40, out_of=8)
    assert [b["w"] for b in shares["bars"]] == [80, 20, 0]
    tiny = charts.horizontal_bars([{"label": "A", "n": 1}, {"label": "B", "n": 1000}])
    assert tiny["bars"][0]["w"] == 1  # a bar with a count is never invisible
    assert charts.horizontal_bars(rows, out_of=0)["bars"][0]["w"] == 1
    assert charts.horizontal_bars(rows, align="start")["label_x"] == 0


# --- radar ---------------------------------------------------------------------------------


def test_the_radar_polygon_for_known_values():
    chart = charts.radar(["N", "E", "S", "W"], [("now", [5, 2.5, 0, None])], radius=100)
    assert (chart.centre.x, chart.centre.y) == (210, 150)
    series = chart.series[0]
    assert series.polygon == "210.0,50.0 260.0,150.0 210.0,150.0 210.0,150.0"
    assert series.missing == [3]
    assert chart.rings[-1] == (5, "210.0,50.0 310.0,150.0 210.0,250.0 110.0,150.0")
    assert [axis.anchor for axis in chart.axes] == ["middle", "start", "middle", "end"]


# --- the templates -------------------------------------------------------------------------


def drawn(name, **context):
    with translation.override("en-gb"):
        return render_to_string(f"charts/{name}.html", context)


def test_every_chart_is_drawn_as_an_image_with_a_text_alternative():
    levels = charts.level_bar({"core": 1000, "active": 1})
    sessions = charts.session_bars([(1, 1)] * 12)
    month = {"month": date(2026, 3, 1), "planned": 1, "held": 1, "activities": 1234}
    pictures = {
        "sparkline": drawn(
            "sparkline", chart=charts.sparkline([1, None, 3]), label="Sessions", note="."
        ),
        "level_bar": drawn("level_bar", chart=levels),
        "session_bars": drawn("session_bars", chart=sessions, label="Sessions held"),
        "heartbeat": drawn("heartbeat", chart=charts.heartbeat([month] * 12)),
        "horizontal_bars": drawn(
            "horizontal_bars",
            chart=charts.horizontal_bars([{"label": "Immediate value", "n": 1234}]),
            id="cycles",
            title="Stories per cycle",
        ),
        "radar": drawn("radar", radar=charts.radar(["A", "B", "C"], [("now", [1, 2, 3])])),
    }
    for name, html in pictures.items():
        assert html.count("<svg") >= 1 and 'role="img"' in html, name
        assert "aria-label=" in html or "<title" in html, name
        assert "1,234" not in html and "1,000" not in html, name  # numbers unlocalised
    assert 'aria-label="Trend of Sessions."' in pictures["sparkline"]
    assert 'aria-label="Coordinator: 0, Core group: 1000, Active: 1' in pictures["level_bar"]
    assert "<title>Core group: 1000</title>" in pictures["level_bar"]
    assert pictures["heartbeat"].count(">Mar</text>") == 12
    assert '<title id="cycles-title">Stories per cycle</title>' in pictures["horizontal_bars"]


def test_heatmap_writes_each_share_readably_and_leaves_empty_cohorts_blank():
    from childcop.charts import heat_colour, heatmap

    rows = [
        {"label": "Q1 2026", "cells": [{"n": 3, "share": 100}, {"n": 1, "share": 33}]},
        {"label": "Q2 2026", "cells": [{"n": 0, "share": None}]},
    ]
    chart = heatmap(rows, 2)
    assert [c["text"] for c in chart["cells"]] == ["100%", "33%"]  # nothing for the empty one
    assert heat_colour(100) == ("#173a66", "#ffffff") and heat_colour(0)[1] == "#212529"
    assert [c["text"] for c in chart["columns"]] == ["joined", "+1"]


def test_network_places_every_node_inside_the_picture_sized_by_its_members():
    from childcop.charts import network

    nodes = [{"id": i, "x": x, "y": y, "size": s, "label": f"C{i}", "short": f"C{i}"}
             for i, (x, y, s) in enumerate([(0, 0, 1), (1, 1, 100), (0.5, 0.2, 25)])]  # fmt: skip
    chart = network(nodes, [{"source": 0, "target": 1, "n": 4}, {"source": 1, "target": 9, "n": 1}])
    placed = {n["id"]: n for n in chart["nodes"]}
    assert all(
        0 < n["cx"] < chart["width"] and 0 < n["cy"] < chart["height"] for n in placed.values()
    )
    assert placed[1]["r"] > placed[2]["r"] > placed[0]["r"]
    assert len(chart["links"]) == 1 and chart["links"][0]["w"] == 8.0  # the thickest; 9 not shown
