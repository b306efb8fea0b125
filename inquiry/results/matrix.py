"""The agreement and certainty matrix (after Stacey).

Each recommendation gets an agreement score (its support share in the ballot) and a
certainty score (the mean of the certainty ratings: low 0, medium 0.5, high 1). Its
distance from the "agreed and certain" corner, d = ((1 - a) + (1 - c)) / 2, places it
in a zone with a suggested next step. The zones prompt discussion; they do not
classify people.

``matrix_svg`` draws the chart as plain SVG: no script, no external references, no
CSS classes and no style attributes (the pages' security policy forbids inline
styles), only presentation attributes, so the same markup works on the results
pages and in the PDF report. Zones are told apart by their names written in the
chart and by the shape of their points, not by colour alone.
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass, field
from fractions import Fraction

from markupsafe import Markup, escape

Score = Fraction | float


class Zone(enum.StrEnum):
    SIMPLE = "simple"
    COMPLICATED = "complicated"
    COMPLEX = "complex"
    CHAOTIC = "chaotic"

    @property
    def label(self) -> str:
        return ZONE_LABELS[self]

    @property
    def next_step(self) -> str:
        return NEXT_STEPS[self]

    @property
    def shape(self) -> str:
        """The shape of the zone's points in the chart, in words."""
        return SHAPES[self]


ZONE_LABELS = {
    Zone.SIMPLE: "Simple",
    Zone.COMPLICATED: "Complicated",
    Zone.COMPLEX: "Complex",
    Zone.CHAOTIC: "Chaotic",
}
NEXT_STEPS = {
    Zone.SIMPLE: "Implement",
    Zone.COMPLICATED: "Plan with experts",
    Zone.COMPLEX: "Test quickly as a 100-day challenge",
    Zone.CHAOTIC: "Stabilise first",
}
SHAPES = {
    Zone.SIMPLE: "circle",
    Zone.COMPLICATED: "square",
    Zone.COMPLEX: "triangle",
    Zone.CHAOTIC: "diamond",
}
# What each zone means, for the explanation on the page and in the report.
ZONE_MEANINGS = {
    Zone.SIMPLE: "People agree and are sure it would work.",
    Zone.COMPLICATED: "Mostly agreed and fairly sure, but the detail needs expert planning.",
    Zone.COMPLEX: "Less agreement or certainty: try it on a small scale and learn quickly.",
    Zone.CHAOTIC: "Little agreement and little certainty: make things stable before acting.",
}
# Upper limits of the distance d for each zone, exclusive; anything further is chaotic.
ZONE_LIMITS: tuple[tuple[Fraction, Zone], ...] = (
    (Fraction(1, 4), Zone.SIMPLE),
    (Fraction(1, 2), Zone.COMPLICATED),
    (Fraction(3, 4), Zone.COMPLEX),
)


def distance(agreement: Score, certainty: Score) -> Score:
    """How far a recommendation is from the "agreed and certain" corner, 0 to 1."""
    if isinstance(agreement, Fraction) and isinstance(certainty, Fraction):
        # The same value built in one step: the results work it out for every
        # recommendation, and each Fraction operation is slow.
        p, q = agreement.as_integer_ratio()
        r, s = certainty.as_integer_ratio()
        return Fraction(2 * q * s - p * s - r * q, 2 * q * s)
    return ((1 - agreement) + (1 - certainty)) / 2


def zone_for(agreement: Score | None, certainty: Score | None) -> Zone | None:
    """The zone for scores between 0 and 1, or None when either is missing (no votes
    were counted). Pass fractions for exact boundaries: a distance of exactly 0.25 is
    complicated, exactly 0.5 complex, exactly 0.75 chaotic."""
    if agreement is None or certainty is None:
        return None
    d = distance(agreement, certainty)
    for limit, zone in ZONE_LIMITS:
        if d < limit:
            return zone
    return Zone.CHAOTIC


@dataclass(frozen=True)
class MatrixPoint:
    """One recommendation in the chart: its reference (R1) and scores from 0 to 1."""

    reference: str
    agreement: Score
    certainty: Score
    zone: Zone = field(init=False)

    def __post_init__(self) -> None:
        zone = zone_for(self.agreement, self.certainty)
        if zone is None:
            raise ValueError("a point in the matrix needs both scores")
        object.__setattr__(self, "zone", zone)


# Drawing ----------------------------------------------------------------------------

WIDTH = 590
PLOT_LEFT = 90
PLOT_TOP = 20
PLOT_SIZE = 460
LEGEND_TOP = PLOT_TOP + PLOT_SIZE + 70
LEGEND_ROW = 24
HEIGHT = LEGEND_TOP + LEGEND_ROW * 4 + 10
FONT = "Arial, Helvetica, sans-serif"
TEXT = "#0b0c0c"
GRID = "#505a5f"
# Light fills, each with enough contrast for black text.
FILLS = {
    Zone.SIMPLE: "#e3f1e6",
    Zone.COMPLICATED: "#e8f1f8",
    Zone.COMPLEX: "#fcf1e0",
    Zone.CHAOTIC: "#f6e1e4",
}
# Each zone's area in chart scores (agreement, certainty): bands across the square,
# bounded by the lines where a + c is 1.5, 1 and 0.5.
ZONE_AREAS = {
    Zone.SIMPLE: ((0.5, 1), (1, 1), (1, 0.5)),
    Zone.COMPLICATED: ((0, 1), (0.5, 1), (1, 0.5), (1, 0)),
    Zone.COMPLEX: ((0, 0.5), (0, 1), (1, 0), (0.5, 0)),
    Zone.CHAOTIC: ((0, 0), (0, 0.5), (0.5, 0)),
}
# Where each zone's name is written, away from the diagonal where most points fall.
ZONE_NAME_AT = {
    Zone.SIMPLE: (0.81, 0.935),
    Zone.COMPLICATED: (0.31, 0.935),
    Zone.COMPLEX: (0.15, 0.6),
    Zone.CHAOTIC: (0.1, 0.15),
}


def _x(agreement: Score) -> float:
    return round(PLOT_LEFT + float(agreement) * PLOT_SIZE, 1)


def _y(certainty: Score) -> float:
    return round(PLOT_TOP + (1 - float(certainty)) * PLOT_SIZE, 1)


def _marker(zone: Zone, x: float, y: float) -> str:
    """The zone's shape centred on (x, y), black on white so it shows on any fill."""
    paint = f'fill="{TEXT}" stroke="#ffffff" stroke-width="1.5"'
    if zone is Zone.SIMPLE:
        return f'<circle cx="{x}" cy="{y}" r="6" {paint}/>'
    if zone is Zone.COMPLICATED:
        return f'<rect x="{x - 5.5:.1f}" y="{y - 5.5:.1f}" width="11" height="11" {paint}/>'
    if zone is Zone.COMPLEX:
        points = f"{x:.1f},{y - 7:.1f} {x + 7:.1f},{y + 5:.1f} {x - 7:.1f},{y + 5:.1f}"
        return f'<polygon points="{points}" {paint}/>'
    points = f"{x:.1f},{y - 7:.1f} {x + 7:.1f},{y:.1f} {x:.1f},{y + 7:.1f} {x - 7:.1f},{y:.1f}"
    return f'<polygon points="{points}" {paint}/>'


def _text(x: float, y: float, text: str, *, size: int = 14, anchor: str = "start", bold=False):
    """Text in the chart's font; escaped here, whatever it holds."""
    weight = ' font-weight="bold"' if bold else ""
    return (
        f'<text x="{x}" y="{y}" font-family="{FONT}" font-size="{size}" fill="{TEXT}" '
        f'text-anchor="{anchor}"{weight}>{escape(text)}</text>'
    )


def _haloed_text(x: float, y: float, text: str, *, anchor: str) -> str:
    """A point's label with a white outline drawn first, readable over any line."""
    label = escape(text)
    common = f'x="{x}" y="{y}" font-family="{FONT}" font-size="13" font-weight="bold" '
    common += f'text-anchor="{anchor}"'
    return (
        f'<text {common} fill="#ffffff" stroke="#ffffff" stroke-width="4" '
        f'stroke-linejoin="round">{label}</text>'
        f'<text {common} fill="{TEXT}">{label}</text>'
    )


def describe(points: Sequence[MatrixPoint]) -> str:
    """The chart in one paragraph: which recommendations fall in which zone."""
    if not points:
        return "No recommendation has votes to place in the matrix."
    parts = []
    for zone in Zone:
        references = [point.reference for point in points if point.zone is zone]
        if references:
            parts.append(f"{zone.label} ({zone.next_step.lower()}): {', '.join(references)}.")
    return (
        "Recommendations placed by agreement (across, 0 to 100%) and certainty (up, 0 to "
        "100%). " + " ".join(parts)
    )


def matrix_svg(
    points: Sequence[MatrixPoint],
    *,
    id_prefix: str = "matrix",
    title: str = "Agreement and certainty matrix",
) -> Markup:
    """The matrix as an SVG image with a title and a description for screen readers.

    Points at the same place share one marker and one label ("R1, R4"). ``id_prefix``
    keeps the ids of the title and description unique when a page holds more than one
    chart. Show a table of the same figures beside it (the text alternative).
    """
    prefix = escape(id_prefix)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" version="1.1" viewBox="0 0 {WIDTH} {HEIGHT}" '
        f'width="100%" role="img" aria-labelledby="{prefix}-title {prefix}-desc">',
        f'<title id="{prefix}-title">{escape(title)}</title>',
        f'<desc id="{prefix}-desc">{escape(describe(points))}</desc>',
        f'<rect x="0" y="0" width="{WIDTH}" height="{HEIGHT}" fill="#ffffff"/>',
    ]
    for zone, corners in ZONE_AREAS.items():
        path = " ".join(f"{_x(a)},{_y(c)}" for a, c in corners)
        parts.append(f'<polygon points="{path}" fill="{FILLS[zone]}" stroke="none"/>')
    # Zone boundaries, dashed, so the bands show without colour.
    for total in (1.5, 1.0, 0.5):
        start = (max(0.0, total - 1), min(1.0, total))
        end = (min(1.0, total), max(0.0, total - 1))
        parts.append(
            f'<line x1="{_x(start[0])}" y1="{_y(start[1])}" x2="{_x(end[0])}" '
            f'y2="{_y(end[1])}" stroke="{GRID}" stroke-width="1.5" stroke-dasharray="6 4"/>'
        )
    parts.append(
        f'<rect x="{PLOT_LEFT}" y="{PLOT_TOP}" width="{PLOT_SIZE}" height="{PLOT_SIZE}" '
        f'fill="none" stroke="{TEXT}" stroke-width="1.5"/>'
    )
    for zone, (a, c) in ZONE_NAME_AT.items():
        parts.append(_text(_x(a), _y(c), zone.label, size=15, anchor="middle", bold=True))
    # Axes: ticks every 25%, with their values.
    for step in range(5):
        value = step / 4
        x, y = _x(value), _y(value)
        bottom = PLOT_TOP + PLOT_SIZE
        parts.append(
            f'<line x1="{x}" y1="{bottom}" x2="{x}" y2="{bottom + 6}" stroke="{TEXT}"/>'
            f'<line x1="{PLOT_LEFT - 6}" y1="{y}" x2="{PLOT_LEFT}" y2="{y}" stroke="{TEXT}"/>'
        )
        parts.append(_text(x, bottom + 22, f"{step * 25}%", size=13, anchor="middle"))
        parts.append(_text(PLOT_LEFT - 10, y + 5, f"{step * 25}%", size=13, anchor="end"))
    parts.append(
        _text(
            PLOT_LEFT + PLOT_SIZE / 2,
            PLOT_TOP + PLOT_SIZE + 48,
            "Agreement: share of votes that agree",
            anchor="middle",
        )
    )
    axis_y = PLOT_TOP + PLOT_SIZE / 2
    parts.append(
        f'<g transform="rotate(-90 {PLOT_LEFT - 58} {axis_y})">'
        + _text(PLOT_LEFT - 58, axis_y, "Certainty that it would work", anchor="middle")
        + "</g>"
    )
    # Points: one marker per place, labelled with every reference there.
    places: dict[tuple[float, float], list[MatrixPoint]] = {}
    for point in points:
        places.setdefault((_x(point.agreement), _y(point.certainty)), []).append(point)
    for (x, y), here in places.items():
        parts.append(_marker(here[0].zone, x, y))
    for (x, y), here in places.items():
        label = ", ".join(point.reference for point in here)
        near_right = x > PLOT_LEFT + PLOT_SIZE * 0.8
        label_x = x - 10 if near_right else x + 10
        label_y = y + 17 if y < PLOT_TOP + 12 else y - 8
        anchor = "end" if near_right else "start"
        parts.append(_haloed_text(label_x, label_y, label, anchor=anchor))
    # The key: each zone's shape, name and next step.
    for row, zone in enumerate(Zone):
        y = LEGEND_TOP + row * LEGEND_ROW
        parts.append(_marker(zone, PLOT_LEFT + 8, y - 5))
        parts.append(_text(PLOT_LEFT + 24, y, f"{zone.label}: {zone.next_step.lower()}", size=14))
    parts.append("</svg>")
    # Every piece of text above went through escape(); the rest is our own markup.
    return Markup("".join(parts))  # noqa: S704
