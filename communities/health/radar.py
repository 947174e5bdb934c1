"""The geometry of the vibrancy radar: one axis per dimension, one polygon per period.

Pure Python (no database, no templates): `radar()` returns plain numbers and strings that
`templates/communities/health/_radar.html` draws as SVG. The first axis points up and the
others follow clockwise; a value of `max_value` reaches the outer ring, 0 the centre. A
missing value (a dimension nobody rated) is drawn at the centre and reported as missing.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

MARKER = 8  # the side of a square marker, the diameter of a round one

# How each series is told apart without colour: line style and marker shape.
STYLES = [
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
    """The chart: `labels` name the axes; each series is (name, one value per axis)."""
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
        style = STYLES[n % len(STYLES)]
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
