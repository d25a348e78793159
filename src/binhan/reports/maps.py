"""The map of reports: clusters counted in the database on a grid laid over the viewport.

The browser never receives every point. For a viewport and a zoom level, the reports the
viewer may see (the queue's filters, through the scoping door) are grouped by grid cell
in one `GROUP BY`; a cell holding a single report comes back as that report. The grid is
anchored at latitude and longitude 0, so a cell keeps its place and its count while the
map is panned. From zoom `POINTS_ZOOM` on, the reports come back one by one when there
are no more than `MAX_FEATURES` of them.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from django.db.models import Count, F, IntegerField, Max, Min, Q, QuerySet, Sum
from django.db.models.functions import Cast, Floor
from django.utils import timezone

from binhan.core import paths, scoping
from binhan.geo.models import AdministrativeUnit, Level
from binhan.reports import tally
from binhan.reports.models import OPEN_STATUSES, Category, Report, ReportTally, Status, format_reference
from binhan.reports.roles import HANDLER_ROLES
from binhan.reports.selectors import QueueFilters, report_list

TILE_PIXELS = 256
CELL_PIXELS = 64  # a cluster stands for about this many screen pixels squared
MAX_ZOOM = 22
POINTS_ZOOM = 16  # from here on, single reports rather than clusters
TALLY_ZOOM = 14  # up to here, clusters come from the tally (reports.tally) when the filters and the viewer allow
MAX_FEATURES = 2000  # clusters plus single reports in one response


@dataclass(frozen=True)
class BBox:
    west: float
    south: float
    east: float
    north: float

    def as_list(self) -> list[float]:
        return [self.west, self.south, self.east, self.north]


@dataclass
class Cluster:
    lat: float
    lon: float
    count: int
    categories: dict[int, int]  # category id -> reports of it in the cell
    bounds: BBox  # the grid cell

    @property
    def dominant(self) -> int:
        """The category with the most reports; the lower id wins a tie, so the colour is stable."""
        return min(self.categories.items(), key=lambda item: (-item[1], item[0]))[0]


@dataclass
class Point:
    id: int
    reference: str
    lat: float
    lon: float
    category_id: int
    status: str
    priority: str


@dataclass
class MapData:
    zoom: int
    cell: float  # degrees; 0 when the reports come one by one
    bbox: BBox  # the viewport widened to whole cells
    clusters: list[Cluster] = field(default_factory=list)
    points: list[Point] = field(default_factory=list)
    categories: dict[int, Category] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(cluster.count for cluster in self.clusters) + len(self.points)


def cell_size(zoom: int) -> float:
    """Degrees of longitude covered by CELL_PIXELS at `zoom` (Web Mercator: 360° over 256 × 2^zoom pixels).

    The same size is used for latitude; near the tropics a cell is then a little taller
    than wide on the screen, which is fine for counting.
    """
    return 360.0 / (TILE_PIXELS * 2**zoom) * CELL_PIXELS


def cells_across(bbox: BBox, cell: float) -> tuple[int, int]:
    columns = math.ceil(bbox.east / cell) - math.floor(bbox.west / cell)
    rows = math.ceil(bbox.north / cell) - math.floor(bbox.south / cell)
    return max(columns, 1), max(rows, 1)


def grid_for(bbox: BBox, zoom: int, *, limit: int = MAX_FEATURES) -> tuple[float, BBox]:
    """The cell size for `zoom`, doubled until the viewport holds at most `limit` cells, and the
    viewport widened outwards to whole cells (so a cell at the edge is counted whole)."""
    cell = cell_size(zoom)
    while math.prod(cells_across(bbox, cell)) > limit:
        cell *= 2
    snapped = BBox(
        west=math.floor(bbox.west / cell) * cell, south=math.floor(bbox.south / cell) * cell,
        east=math.ceil(bbox.east / cell) * cell, north=math.ceil(bbox.north / cell) * cell,
    )
    return cell, snapped


def reports_in(reports: QuerySet[Report], bbox: BBox) -> QuerySet[Report]:
    # Half-open on the north and east sides, as the cells are.
    return reports.filter(lat__gte=bbox.south, lat__lt=bbox.north, lon__gte=bbox.west, lon__lt=bbox.east)


def report_clusters(*, viewer, filters: QueueFilters, bbox: BBox, zoom: int,
                    limit: int = MAX_FEATURES) -> MapData:
    """The viewer's reports inside `bbox` (with the queue's filters), clustered for `zoom`.

    Two queries at most: the grouped one, then the categories it names. At zoom
    POINTS_ZOOM and above a first query fetches up to `limit` single reports instead and
    the grouped one runs only when there are more.
    """
    cell, snapped = grid_for(bbox, zoom, limit=limit)
    level = tally.level_for(cell)
    if zoom <= TALLY_ZOOM and level is not None and tally_answers(viewer, filters):
        return _tally_clusters(viewer=viewer, filters=filters, zoom=zoom, cell=cell, snapped=snapped, level=level)
    reports = report_list(viewer=viewer, filters=filters).order_by()  # no ORDER BY inside the GROUP BY
    if zoom >= POINTS_ZOOM:
        exact = BBox(*bbox.as_list())
        rows = list(
            reports_in(reports, exact)
            .order_by("id")
            .values_list("id", "lat", "lon", "category_id", "status", "priority", "created_at")[: limit + 1]
        )
        if len(rows) <= limit:
            points = [Point(pk, _reference(pk, created), lat, lon, category, status, priority)
                      for pk, lat, lon, category, status, priority, created in rows]
            return MapData(zoom=zoom, cell=0.0, bbox=exact, points=points,
                           categories=_categories({p.category_id for p in points}))
    data = MapData(zoom=zoom, cell=cell, bbox=snapped)
    grouped = (
        reports_in(reports, snapped)
        .annotate(cell_y=Cast(Floor(F("lat") / cell), IntegerField()),
                  cell_x=Cast(Floor(F("lon") / cell), IntegerField()))
        .values("cell_y", "cell_x", "category_id")
        # For a cell of one report, the minimum (or maximum) of a column is that report's value.
        .annotate(n=Count("id"), lat_sum=Sum("lat"), lon_sum=Sum("lon"), first_id=Min("id"),
                  status=Min("status"), priority=Min("priority"), created=Max("created_at"))
        .order_by()
    )
    return _gathered(data, grouped, cell)


def _gathered(data: MapData, grouped, cell: float) -> MapData:
    """Rows of (cell_y, cell_x, category_id, n, lat_sum, lon_sum[, first_id, status, priority, created]) as
    clusters, and a cell of one report as that report when the rows say which."""
    cells: dict[tuple[int, int], list[dict]] = {}
    for row in grouped:
        cells.setdefault((row["cell_y"], row["cell_x"]), []).append(row)
    for (cell_y, cell_x), rows in sorted(cells.items()):
        count = sum(row["n"] for row in rows)
        if count == 1 and "first_id" in rows[0]:
            row = rows[0]
            data.points.append(Point(row["first_id"], _reference(row["first_id"], row["created"]),
                                     row["lat_sum"], row["lon_sum"], row["category_id"], row["status"],
                                     row["priority"]))
            continue
        data.clusters.append(Cluster(
            lat=sum(row["lat_sum"] for row in rows) / count,
            lon=sum(row["lon_sum"] for row in rows) / count,
            count=count,
            categories={row["category_id"]: row["n"] for row in rows},
            bounds=BBox(west=cell_x * cell, south=cell_y * cell, east=(cell_x + 1) * cell,
                        north=(cell_y + 1) * cell),
        ))
    data.clusters.sort(key=lambda cluster: (-cluster.count, cluster.bounds.south, cluster.bounds.west))
    data.points.sort(key=lambda point: point.id)
    ids = {point.category_id for point in data.points}
    ids.update(category for cluster in data.clusters for category in cluster.categories)
    data.categories = _categories(ids)
    return data


def tally_answers(viewer, filters: QueueFilters) -> bool:
    """Whether the tally can count: filters on statuses, categories and a unit no smaller than a
    commune, for a viewer whose areas are communes or wider (the tally's rows are per commune)."""
    if (filters.priorities or filters.assigned or filters.overdue or filters.since or filters.until
            or filters.query or filters.extra):
        return False
    if filters.unit_path and paths.truncate(filters.unit_path, 3) != filters.unit_path:
        return False
    scopes = scoping.scope_paths(viewer, HANDLER_ROLES)
    return scopes is scoping.EVERYTHING or all(paths.truncate(path, 3) == path for path in scopes)


def _tally_clusters(*, viewer, filters: QueueFilters, zoom: int, cell: float, snapped: BBox, level: int) -> MapData:
    """The same clusters as from the reports, counted from the tally's cells of `level`.

    A map cell here is an exact block of 2^k × 2^k cells of the level (both grids are anchored at 0°
    and their sizes are 90° over powers of two), so the counts are exact. A cluster's position is the
    mean of its cells' reports of every status, weighted by the chosen ones: the same place the
    reports would give when every status is chosen, a few metres off otherwise.
    """
    fine = tally.cell_of(level)
    ratio = round(cell / fine)  # a power of two (tally.level_for)
    rows = scoping.visible(ReportTally.objects.all(), viewer, roles=HANDLER_ROLES).filter(
        level=level, total__gt=0,
        cell_y__gte=math.floor(snapped.south / fine), cell_y__lt=math.floor(snapped.north / fine),
        cell_x__gte=math.floor(snapped.west / fine), cell_x__lt=math.floor(snapped.east / fine))
    if filters.categories:
        rows = rows.filter(category_id__in=filters.categories)
    if filters.unit_path:
        rows = rows.filter(paths.under("unit_path", filters.unit_path))
    statuses = filters.statuses or tuple(Status.values)
    chosen = sum((F(tally.status_column(status)) for status in statuses[1:]), F(tally.status_column(statuses[0])))
    mean_weight = F("n_chosen") * 1.0 / F("total")
    grouped = (
        rows.annotate(n_chosen=chosen)
        .filter(n_chosen__gt=0)
        .annotate(map_y=Cast(Floor(F("cell_y") / float(ratio)), IntegerField()),
                  map_x=Cast(Floor(F("cell_x") / float(ratio)), IntegerField()))
        .values("map_y", "map_x", "category_id")
        .annotate(n=Sum("n_chosen"), lat_sum=Sum(F("lat_sum") * mean_weight), lon_sum=Sum(F("lon_sum") * mean_weight))
        .order_by()
    )
    grouped = [{**row, "cell_y": row.pop("map_y"), "cell_x": row.pop("map_x")} for row in grouped]
    _name_single_reports(viewer, filters, grouped, cell)
    return _gathered(MapData(zoom=zoom, cell=cell, bbox=snapped), grouped, cell)


MAX_SINGLES = 200  # single reports named in one query; beyond, they stay clusters of one


def _name_single_reports(viewer, filters: QueueFilters, grouped: list[dict], cell: float) -> None:
    """A cell of one report comes back as that report, as from the reports themselves: one query for
    the chosen reports inside those cells. It is cheap for open reports (their place index,
    rep_map_status) and for a viewer of one commune or less; for every status over a province,
    SQLite would read a million rows (2.5 s measured), so there a cell of one stays a cluster of
    one, and zooming in shows the report.
    """
    scopes = scoping.scope_paths(viewer, HANDLER_ROLES)
    narrow = scopes is not scoping.EVERYTHING and all(path.count(paths.SEPARATOR) >= 4 for path in scopes)
    if not (narrow or (filters.unit_path and filters.unit_path.count(paths.SEPARATOR) >= 4)
            or (filters.statuses and set(filters.statuses) <= set(OPEN_STATUSES))):
        return
    per_cell: dict[tuple[int, int], list[dict]] = {}
    for row in grouped:
        per_cell.setdefault((row["cell_y"], row["cell_x"]), []).append(row)
    singles = {key: rows[0] for key, rows in per_cell.items() if len(rows) == 1 and rows[0]["n"] == 1}
    if not singles or len(singles) > MAX_SINGLES:
        return
    where = Q()
    for cell_y, cell_x in singles:
        where |= Q(lat__gte=cell_y * cell, lat__lt=(cell_y + 1) * cell, lon__gte=cell_x * cell, lon__lt=(cell_x + 1) * cell)
    found = (report_list(viewer=viewer, filters=filters).order_by().filter(where)
             .values_list("id", "lat", "lon", "category_id", "status", "priority", "created_at"))
    for pk, lat, lon, category_id, status, priority, created in found:
        row = singles.get((math.floor(lat / cell), math.floor(lon / cell)))
        if row is not None and row["category_id"] == category_id:
            row.update(first_id=pk, lat_sum=lat, lon_sum=lon, status=status, priority=priority, created=created)


def _reference(pk: int, created) -> str:
    return format_reference(pk, timezone.localtime(created).year)  # as Report.reference: the local year


def _categories(ids: set[int]) -> dict[int, Category]:
    if not ids:
        return {}
    return Category.objects.in_bulk(sorted(ids))


def initial_bounds(*, viewer) -> BBox | None:
    """Where the map opens: around the centre points of the residential groups the viewer covers."""
    groups = scoping.visible(
        AdministrativeUnit.objects.filter(level=Level.GROUP, centre_lat__isnull=False, centre_lon__isnull=False),
        viewer, roles=HANDLER_ROLES,
    )
    box = groups.aggregate(west=Min("centre_lon"), south=Min("centre_lat"), east=Max("centre_lon"),
                           north=Max("centre_lat"))
    if box["west"] is None:
        return None
    return BBox(west=box["west"], south=box["south"], east=box["east"], north=box["north"])
