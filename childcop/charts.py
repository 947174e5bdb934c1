"""Chart geometry: every chart of the product as plain data, drawn by a template.

Nothing here writes markup or reads the database: each function turns numbers into
numbers, points, paths and labels (SVG coordinates: x grows rightwards, y downwards),
and a template under `templates/charts/` draws them, each with a text alternative
(`role="img"` and a label or a title) and its numbers in a table or text beside it.

- `sparkline`: a small line over periods, broken where a period has no data
  (charts/sparkline.html: the health page, the monthly reports);
- `level_bar`: members by participation level as one stacked bar, from the centre
  outwards (charts/level_bar.html: the health page, the sponsor dashboard);
- `session_bars`: twelve months of sessions planned (outline) and held (filled), tiny
  (charts/session_bars.html: the sponsor dashboard's cards);
- `heartbeat`: per month, sessions planned beside activities logged
  (charts/heartbeat.html: the community page, the rhythm page);
- `horizontal_bars`: one labelled bar per row (charts/horizontal_bars.html: the program
  report's flags, the value matrix);
- `radar`: one axis per dimension, one polygon per period (charts/radar.html: the
  health check's result);
- `heatmap`: cohorts × quarters since joining, each cell's share written in it
  (charts/heatmap.html: the retention pages);
- `network`: the landscape of practice, communities placed by the stored layout, sized
  by active members, linked by shared members (charts/network.html).

`value_text` is how a value is written beside its chart, and `LEVEL_COLOURS` the one
colour table of the participation levels.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from communities.choices import Level

# Participation levels from the centre outwards (the coordinator is a role, shown first).
LEVELS = [("coordinator", "Coordinator"), *Level.choices]
# From the centre outwards, each level darker than the next and of another hue (a
# colour-blind-safe sequence), so that adjacent levels differ in lightness as well as hue;
# the bar also separates its parts with a gap, and every chart has its numbers beside it.
LEVEL_COLOURS = {
    "coordinator": "#440154",
    Level.CORE.value: "#414487",
    Level.ACTIVE.value: "#2a788e",
    Level.OCCASIONAL.value: "#22a884",
    Level.PERIPHERAL.value: "#7ad151",
    Level.TRANSACTIONAL.value: "#fde725",
}


def value_text(value, unit: str = "") -> str:
    """A value as shown: "—" when there is no data (never a made-up 0), "yes"/"no", a
    percentage with its sign, a whole number without decimals, others to one decimal."""
    if value is None:
        return "—"
    if unit == "yes/no":
        return "yes" if value else "no"
    if isinstance(value, float) and not value.is_integer():
        text = f"{value:.1f}"
    else:
        text = f"{value:.0f}" if isinstance(value, float) else str(value)
    return f"{text}%" if unit == "%" else text


# --- sparkline -------------------------------------------------------------------------------


def sparkline(values, unit: str = "", *, width=120, height=32, pad=4) -> dict | None:
    """A small line over the periods, broken where a period has no data; None without data.

    The scale starts at 0 (or the lowest value, when negative) and reaches at least 1
    (100 for percentages; yes/no is 0 to 1). `segments` are the polylines' point lists,
    `points` the markers (`last`: the current period's, drawn filled)."""
    numbers = [v for v in values if isinstance(v, int | float)]
    if not numbers:
        return None
    if unit == "yes/no":
        low, top = 0, 1
    else:
        low, top = min(0, *numbers), max(100 if unit == "%" else 1, *numbers)
    span = (top - low) or 1
    count = len(values)
    step = (width - 2 * pad) / max(count - 1, 1)
    points, segments, run = [], [], []
    for index, value in enumerate(values):
        if not isinstance(value, int | float):
            if run:
                segments.append(" ".join(run))
            run = []
            continue
        x = width / 2 if count == 1 else pad + index * step
        y = pad + (height - 2 * pad) * (1 - (value - low) / span)
        points.append({"x": round(x, 1), "y": round(y, 1), "last": index == count - 1})
        run.append(f"{x:.1f},{y:.1f}")
    if run:
        segments.append(" ".join(run))
    return {"width": width, "height": height, "base": height - pad,
            "segments": segments, "points": points}  # fmt: skip


# --- participation levels ----------------------------------------------------------------------


def level_bar(counts, *, width=600, height=28, levels=LEVELS) -> dict:
    """Members by level as one stacked bar, from the centre outwards: a part per level (its
    colour, count and share in %, zero-width when nobody is at that level) and `label`,
    the whole bar as text."""
    total = sum(counts.values())
    x, parts = 0.0, []
    for key, label in levels:
        n = counts.get(key, 0)
        w = width * n / total if total else 0
        parts.append({"key": key, "label": label, "n": n, "x": round(x, 1), "w": round(w, 1),
                      "colour": LEVEL_COLOURS[key],
                      "share": round(100 * n / total) if total else 0})  # fmt: skip
        x += w
    return {
        "width": width,
        "height": height,
        "total": total,
        "parts": parts,
        "label": ", ".join(f"{p['label']}: {p['n']}" for p in parts),
    }


# --- sessions per month --------------------------------------------------------------------------


def session_bars(values, *, width=240, height=40, months=()) -> dict:
    """Months of sessions as tiny bars, `values` being (planned, held) per month: planned
    as an outline, held filled inside it. `months`: the first day of each (each bar then
    says its month and numbers when pointed at)."""
    top = max([1] + [planned for planned, _ in values])
    slot = width / max(len(values), 1)
    bars = []
    for i, (planned, held) in enumerate(values):
        bars.append(
            {
                "x": round(i * slot + 1, 1),
                "w": round(slot - 3, 1),
                "y_planned": round(height - height * planned / top, 1),
                "h_planned": round(height * planned / top, 1),
                "y_held": round(height - height * held / top, 1),
                "h_held": round(height * held / top, 1),
                "planned": planned,
                "held": held,
                "month": months[i] if i < len(months) else None,
            }
        )
    return {"width": width, "height": height, "bars": bars}


def heartbeat(rows, *, width=600, height=150) -> dict:
    """The heartbeat, per month (`rows`: month, planned, held, activities): sessions planned
    (an outline bar) beside activities logged (a filled bar: held rhythm sessions, then the
    other activities on top), the month's name under them."""
    top = max([1] + [max(r["planned"], r["activities"], r["held"]) for r in rows])
    slot = width / max(len(rows), 1)
    bar = slot * 0.32
    plot = height - 22
    scale = plot / top
    bars = []
    for i, r in enumerate(rows):
        x = i * slot + slot * 0.15
        held_h = r["held"] * scale
        extra_h = max(r["activities"] - r["held"], 0) * scale
        bars.append(
            {
                **r,
                "x_planned": round(x, 1),
                "x_held": round(x + bar + 2, 1),
                "w": round(bar, 1),
                "y_planned": round(plot - r["planned"] * scale, 1),
                "h_planned": round(r["planned"] * scale, 1),
                "y_held": round(plot - held_h, 1),
                "h_held": round(held_h, 1),
                "y_extra": round(plot - held_h - extra_h, 1),
                "h_extra": round(extra_h, 1),
                "x_label": round(i * slot + slot / 2, 1),
                "missed": r["planned"] > r["held"],
            }
        )
    return {"width": width, "height": height, "bars": bars, "label_y": height - 6, "base": plot}


# --- horizontal bars -------------------------------------------------------------------------------


def horizontal_bars(
    rows, *, width=600, label_width=230, margin=40, bar=18, gap=8, out_of=None, align="end"
) -> dict:
    """One bar per row ("label" and "n"), its label before it and its number after it.

    Bars are scaled to the largest `n`, or to `out_of` (a share of a whole) when given;
    `margin` is kept right of the longest bar for its number. Labels end at the bars
    (`align="end"`) or start at the left edge (`align="start"`)."""
    plot = width - label_width - margin
    top = out_of if out_of is not None else max([1] + [r["n"] for r in rows])
    bars = []
    for i, r in enumerate(rows):
        y = i * (bar + gap)
        length = round(r["n"] / top * plot, 1) if top else 0
        bars.append(
            {**r, "y": y, "text_y": round(y + bar * 0.72, 2), "w": max(length, 1 if r["n"] else 0),
             "value_x": round(label_width + length + 6, 1)}
        )  # fmt: skip
    return {
        "width": width,
        "height": len(rows) * (bar + gap),
        "bar": bar,
        "label_width": label_width,
        "label_x": label_width - 8 if align == "end" else 0,
        "anchor": align,
        "bars": bars,
    }


# --- retention heatmap ------------------------------------------------------------------------

# From a small share (light) to a large one (dark); the text on the two darkest is white.
HEAT_COLOURS = ["#f1f5fb", "#cfdcef", "#9fbbe0", "#5f8fca", "#2f5f9e", "#173a66"]


def heat_colour(share) -> tuple[str, str]:
    """(fill, text colour) of a share 0–100: six steps, the text always readable (AA)."""
    step = min(int(share // 20) + (share > 0), len(HEAT_COLOURS) - 1)
    return HEAT_COLOURS[step], "#ffffff" if step >= 4 else "#212529"


def heatmap(rows, columns, *, label_width=84, cell=52, height=26, header=22) -> dict:
    """Rows ("label", "cells": [{"share", "n"}]) × columns (quarters since joining). A cell
    with no share (an empty cohort) is left blank; its number says so in the table."""
    cells = []
    for i, row in enumerate(rows):
        y = header + i * height
        for j, c in enumerate(row["cells"]):
            if c["share"] is None:
                continue
            fill, ink = heat_colour(c["share"])
            x = label_width + j * cell
            cells.append({"x": x, "y": y, "fill": fill, "ink": ink, "text": f"{c['share']}%",
                          "text_x": x + cell / 2, "text_y": y + height * 0.66})  # fmt: skip
    return {
        "width": label_width + columns * cell,
        "height": header + len(rows) * height,
        "cell": cell,
        "row_height": height,
        "cells": cells,
        "labels": [
            {"text": r["label"], "y": header + i * height + height * 0.66}
            for i, r in enumerate(rows)
        ],  # fmt: skip
        "columns": [
            {"text": f"+{j}" if j else "joined", "x": label_width + j * cell + cell / 2}
            for j in range(columns)
        ],  # fmt: skip
        "label_x": label_width - 6,
        "header_y": header * 0.7,
    }


# --- the landscape of practice ---------------------------------------------------------------


def network(nodes, links, *, width=760, height=520, pad=40, pad_x=80, min_r=5, max_r=26) -> dict:
    """Nodes ("id", "x", "y" in 0–1, "size", "label", "short") and links ("source", "target",
    "n"): circles with an area proportional to the size, lines as thick as the links'
    share of the thickest. Positions are rescaled to the nodes shown, with room left and
    right for the names under the circles."""
    if not nodes:
        return {"width": width, "height": height, "nodes": [], "links": []}
    xs, ys = [n["x"] for n in nodes], [n["y"] for n in nodes]
    span_x, span_y = (max(xs) - min(xs)) or 1, (max(ys) - min(ys)) or 1
    biggest = max(n["size"] for n in nodes) or 1
    placed = {}
    for n in nodes:
        x = (
            pad_x + (n["x"] - min(xs)) / span_x * (width - 2 * pad_x)
            if len(nodes) > 1
            else width / 2
        )
        y = pad + (n["y"] - min(ys)) / span_y * (height - 2 * pad) if len(nodes) > 1 else height / 2
        r = min_r + (max_r - min_r) * math.sqrt(n["size"] / biggest)
        placed[n["id"]] = {**n, "cx": round(x, 1), "cy": round(y, 1), "r": round(r, 1),
                           "label_y": round(y + r + 12, 1)}  # fmt: skip
    heaviest = max([1] + [link["n"] for link in links])
    lines = [
        {**link, "x1": placed[link["source"]]["cx"], "y1": placed[link["source"]]["cy"],
         "x2": placed[link["target"]]["cx"], "y2": placed[link["target"]]["cy"],
         "w": round(1 + 7 * link["n"] / heaviest, 1)}
        for link in links
        if link["source"] in placed and link["target"] in placed
    ]  # fmt: skip
    return {"width": width, "height": height, "nodes": list(placed.values()), "links": lines}


# --- the vibrancy radar ---------------------------------------------------------------------------

MARKER = 8  # the side of a square marker, the diameter of a round one

# How each series is told apart without colour: line style and marker shape.
RADAR_STYLES = [
    {"dash": "", "marker": "circle", "stroke": "#1f3b63", "fill": "#1f3b63", "fill_opacity": 0.15},
    {"dash": "6 4", "marker": "square", "stroke": "#6c4a00", "fill": "none", "fill_opacity": 0},
]


@dataclass
class Point:
    x: float
    y: float

    # The top-left corner of a square marker centred on the point.
    @property
    def square_x(self) -> float:
        return round(self.x - MARKER / 2, 1)

    @property
    def square_y(self) -> float:
        return round(self.y - MARKER / 2, 1)


@dataclass
class Axis:
    label: str
    lines: list[str]
    end: Point
    label_at: Point
    anchor: str  # "start", "middle" or "end"
    baseline: float  # vertical shift of the first label line, in ems


@dataclass
class Series:
    name: str
    values: list[float | None]
    points: list[Point]
    dash: str
    marker: str
    stroke: str
    fill: str
    fill_opacity: float
    missing: list[int] = field(default_factory=list)

    @property
    def polygon(self) -> str:
        return " ".join(f"{p.x},{p.y}" for p in self.points)


@dataclass
class Radar:
    width: float
    height: float
    centre: Point
    radius: float
    max_value: int
    axes: list[Axis]
    rings: list[tuple[int, str]]  # (value, polygon points)
    ring_labels: list[tuple[int, Point]]
    series: list[Series]

    @property
    def is_empty(self) -> bool:
        return not self.axes


def angle(index: int, count: int) -> float:
    """The axis's angle in radians: the first points up, the others clockwise."""
    return -math.pi / 2 + 2 * math.pi * index / count


def position(index: int, count: int, value: float, *, max_value: float, radius: float, centre):
    """Where `value` lies on axis `index` of `count` (SVG coordinates: y grows downwards)."""
    share = 0.0 if not max_value else max(0.0, min(float(value), max_value)) / max_value
    a = angle(index, count)
    return Point(
        round(centre.x + radius * share * math.cos(a), 1),
        round(centre.y + radius * share * math.sin(a), 1),
    )


def wrap(label: str, width: int = 14) -> list[str]:
    """Split a long dimension name over lines of about `width` characters."""
    lines: list[str] = []
    for word in label.split():
        if lines and len(lines[-1]) + 1 + len(word) <= width:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return lines or [""]


def radar(
    labels: list[str],
    series: list[tuple[str, list[float | None]]],
    *,
    max_value: int = 5,
    radius: float = 120,
    margin_x: float = 110,
    margin_y: float = 50,
) -> Radar:
    """The radar: `labels` name the axes; each series is (name, one value per axis).

    The first axis points up and the others follow clockwise; a value of `max_value`
    reaches the outer ring, 0 the centre. A missing value (a dimension nobody rated) is
    drawn at the centre and reported in the series' `missing`."""
    count = len(labels)
    centre = Point(margin_x + radius, margin_y + radius)
    width, height = 2 * (margin_x + radius), 2 * (margin_y + radius)

    def at(i, value, r=radius):
        return position(i, count, value, max_value=max_value, radius=r, centre=centre)

    axes = []
    for i, label in enumerate(labels):
        outside = at(i, max_value, radius + 12)
        dx = outside.x - centre.x
        anchor = "middle" if abs(dx) < 1 else ("start" if dx > 0 else "end")
        lines = wrap(label)
        dy = outside.y - centre.y
        # Labels above the chart grow upwards, below it downwards, beside it around the axis.
        if dy < -radius * 0.5:
            baseline = -(len(lines) - 1) * 1.1
        elif dy > radius * 0.5:
            baseline = 0.8
        else:
            baseline = 0.35 - (len(lines) - 1) * 0.55
        axes.append(Axis(label, lines, at(i, max_value), outside, anchor, round(baseline, 2)))

    rings = []
    ring_labels = []
    if count:
        for level in range(1, max_value + 1):
            points = " ".join(f"{p.x},{p.y}" for p in (at(i, level) for i in range(count)))
            rings.append((level, points))
            # Between the first two axes, away from the markers (which sit on the axes).
            first, second = at(0, level), at(1 % count, level)
            mid = Point(
                round((first.x + second.x) / 2 + 2, 1), round((first.y + second.y) / 2 + 4, 1)
            )
            ring_labels.append((level, mid if count > 2 else Point(centre.x + 4, first.y + 4)))

    drawn = []
    for n, (name, values) in enumerate(series):
        if len(values) != count:
            raise ValueError(f"{name}: {len(values)} values for {count} axes")
        style = RADAR_STYLES[n % len(RADAR_STYLES)]
        drawn.append(
            Series(
                name=name,
                values=list(values),
                points=[at(i, v or 0) for i, v in enumerate(values)],
                missing=[i for i, v in enumerate(values) if v is None],
                **style,
            )
        )
    return Radar(
        width=width,
        height=height,
        centre=centre,
        radius=radius,
        max_value=max_value,
        axes=axes,
        rings=rings,
        ring_labels=ring_labels,
        series=drawn,
    )
