"""Charts drawn on the server as SVG numbers for the templates: no chart library, nothing for the CSP to allow.

Every chart is shown next to a table with the same numbers, and each mark carries a <title>.
"""

from __future__ import annotations

import math

# ColorBrewer "Blues", 5 classes: sequential, safe for colour blindness; the class number is also written.
PALETTE = ("#eff3ff", "#bdd7e7", "#6baed6", "#3182bd", "#08519c")
INK = ("#111111", "#111111", "#111111", "#ffffff", "#ffffff")


def n(value: float) -> str:
    """A coordinate for SVG: always a dot, never the reader's decimal comma."""
    return f"{value:.1f}"


def nice_max(value: float) -> float:
    if value <= 0:
        return 1
    exponent = 10 ** math.floor(math.log10(value))
    for step in (1, 2, 2.5, 5, 10):
        if value <= step * exponent:
            return step * exponent
    return 10 * exponent


def line_chart(labels: list[str], series: list[tuple[str, list[float | None]]], *, width: int = 640,
               height: int = 220) -> dict:
    pad_x, pad_top, pad_bottom = 48, 12, 28
    values = [v for _, vs in series for v in vs if v is not None]
    top = nice_max(max(values, default=0))
    count = max(len(labels), 1)
    step = (width - 2 * pad_x) / max(count - 1, 1)

    def y(v: float) -> float:
        return round(height - pad_bottom - (v / top) * (height - pad_top - pad_bottom), 1)

    lines = []
    for index, (name, vs) in enumerate(series):
        points = [(n(pad_x + i * step), n(y(v)), v, labels[i]) for i, v in enumerate(vs) if v is not None]
        lines.append({"name": name, "index": index, "points": points,
                      "polyline": " ".join(f"{px},{py}" for px, py, _, _ in points)})
    every = max(1, math.ceil(count / 8))
    x_labels = [(n(pad_x + i * step), label) for i, label in enumerate(labels) if i % every == 0]
    ticks = [(n(y(top * f)), _fmt(top * f)) for f in (0, 0.5, 1)]
    return {"width": width, "height": height, "lines": lines, "x_labels": x_labels, "ticks": ticks,
            "axis_y": height - pad_bottom, "left": pad_x, "tick_x": pad_x - 6, "right": width - pad_x,
            "label_y": height - 8}


def _fmt(value: float) -> str:
    return f"{value:,.0f}" if value >= 10 or value == int(value) else f"{value:.1f}"


def bars(items: list[tuple[str, float]]) -> list[dict]:
    """Horizontal bars as a share of the largest (0–100), for a table column."""
    top = max((v for _, v in items if v), default=0) or 1
    return [{"label": label, "value": value, "width": n(100 * (value or 0) / top)} for label, value in items]


def classes(values: list[float | None]) -> list[tuple[float, float]]:
    """Up to five quantile classes over the known values: [(low, high), …]."""
    known = sorted(v for v in values if v is not None)
    if not known:
        return []
    count = min(5, len(set(known)))
    bounds = [known[min(len(known) - 1, round(i * (len(known) - 1) / count))] for i in range(count + 1)]
    result = []
    for i in range(count):
        low, high = bounds[i], bounds[i + 1]
        if result and low == result[-1][1] and high == low:
            continue
        result.append((low, high))
    return result


def class_of(value: float | None, bins: list[tuple[float, float]]) -> int | None:
    if value is None or not bins:
        return None
    for index, (_low, high) in enumerate(bins):
        if value <= high:
            return index
    return len(bins) - 1


def _rings(geometry: dict) -> list[list[list[float]]]:
    kind = geometry.get("type")
    coordinates = geometry.get("coordinates") or []
    if kind == "Polygon":
        return coordinates[:1]
    if kind == "MultiPolygon":
        return [polygon[0] for polygon in coordinates if polygon]
    if kind == "Feature":
        return _rings(geometry.get("geometry") or {})
    return []


def child_map(rows: list[tuple], values: list[float | None], *, width: int = 480, height: int = 360) -> dict | None:
    """Each child unit as its boundary (or, without one, a circle at its centre), classed by value.

    `rows` are (unit, url, label) tuples; returns None when no child has a place on the map."""
    shapes = []
    for (unit, url, label), value in zip(rows, values, strict=True):
        rings = _rings(unit.boundary) if isinstance(unit.boundary, dict) else []
        lat, lon = getattr(unit, "map_lat", unit.centre_lat), getattr(unit, "map_lon", unit.centre_lon)
        centre = (lon, lat) if lat is not None and lon is not None else None
        if rings or centre:
            shapes.append({"unit": unit, "url": url, "label": label, "value": value, "rings": rings, "centre": centre})
    if not shapes:
        return None
    lons = [p[0] for s in shapes for ring in s["rings"] for p in ring] + [s["centre"][0] for s in shapes if s["centre"]]
    lats = [p[1] for s in shapes for ring in s["rings"] for p in ring] + [s["centre"][1] for s in shapes if s["centre"]]
    west, east, south, north = min(lons), max(lons), min(lats), max(lats)
    squeeze = math.cos(math.radians((north + south) / 2)) or 1
    span_x, span_y = max((east - west) * squeeze, 1e-6), max(north - south, 1e-6)
    margin = 24
    scale = min((width - 2 * margin) / span_x, (height - 2 * margin) / span_y)

    def project(lon: float, lat: float) -> tuple[str, str]:
        return n(margin + (lon - west) * squeeze * scale), n(margin + (north - lat) * scale)

    bins = classes([s["value"] for s in shapes])
    for shape in shapes:
        index = class_of(shape["value"], bins)
        shape["class"] = index
        shape["fill"] = PALETTE[index] if index is not None else "#ffffff"
        shape["ink"] = INK[index] if index is not None else "#111111"
        shape["paths"] = [("M" + " L".join("{},{}".format(*project(p[0], p[1])) for p in ring) + " Z")
                          for ring in shape["rings"]]
        if shape["centre"]:
            shape["x"], shape["y"] = project(*shape["centre"])
        elif shape["paths"]:
            ring = shape["rings"][0]
            shape["x"], shape["y"] = project(sum(p[0] for p in ring) / len(ring), sum(p[1] for p in ring) / len(ring))
    legend = [{"index": i + 1, "low": low, "high": high, "fill": PALETTE[i], "ink": INK[i]}
              for i, (low, high) in enumerate(bins)]
    return {"width": width, "height": height, "shapes": shapes, "legend": legend}
