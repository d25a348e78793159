"""Reads of the camera registry. Staff reads pass through the scoping door; owners read their own."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from binhan.cameras import geometry
from binhan.cameras.models import Camera, Footage, FootageRequest, RequestStatus
from binhan.cameras.roles import POLICE_ROLES
from binhan.core import scoping

NEAR_M = 50
MAX_RANGE_M = 300


@dataclass(frozen=True)
class CameraFilters:
    status: str = ""
    sharing: str = ""
    owner_kind: str = ""
    covers: str = ""
    q: str = ""


def camera_list(*, viewer, filters: CameraFilters | None = None) -> QuerySet[Camera]:
    cameras = scoping.visible(Camera.objects.all(), viewer)
    filters = filters or CameraFilters()
    if filters.status:
        cameras = cameras.filter(status=filters.status)
    if filters.sharing:
        cameras = cameras.filter(sharing=filters.sharing)
    if filters.owner_kind:
        cameras = cameras.filter(owner_kind=filters.owner_kind)
    if filters.covers:
        cameras = cameras.filter(covers__icontains=f'"{filters.covers}"')
    if filters.q:
        cameras = cameras.filter(Q(name__icontains=filters.q) | Q(owner_name__icontains=filters.q))
    return cameras.select_related("unit").order_by("unit_path", "name", "id")


def camera_get(*, viewer, pk: int) -> Camera:
    return scoping.get_visible_or_404(Camera.objects.select_related("unit"), viewer, pk=pk)


def camera_requests(*, viewer, camera: Camera) -> QuerySet[FootageRequest]:
    return scoping.visible(FootageRequest.objects.filter(camera=camera), viewer, roles=POLICE_ROLES).select_related(
        "report").annotate(clips=Count("footage"))


def owner_cameras(*, owner) -> QuerySet[Camera]:
    return Camera.objects.filter(owner_user=owner).select_related("unit").order_by("left_at", "name", "id")


def owner_camera_get(*, owner, pk: int) -> Camera:
    from django.shortcuts import get_object_or_404

    return get_object_or_404(Camera.objects.select_related("unit"), pk=pk, owner_user=owner)


def owner_requests(*, owner) -> QuerySet[FootageRequest]:
    return (FootageRequest.objects.filter(camera__owner_user=owner).select_related("camera")
            .annotate(clips=Count("footage")).order_by("-created_at", "-id"))


def owner_request_get(*, owner, pk: int) -> FootageRequest:
    from django.shortcuts import get_object_or_404

    return get_object_or_404(FootageRequest.objects.select_related("camera"), pk=pk, camera__owner_user=owner)


def owner_pending_count(*, owner) -> int:
    return FootageRequest.objects.filter(camera__owner_user=owner, status=RequestStatus.PENDING,
                                         deadline__gte=timezone.now()).count()


def request_list(*, viewer, status: str = "") -> QuerySet[FootageRequest]:
    requests = scoping.visible(FootageRequest.objects.all(), viewer, roles=POLICE_ROLES)
    if status:
        requests = requests.filter(status=status)
    return requests.select_related("camera", "report").annotate(clips=Count("footage")).order_by("-created_at", "-id")


def request_get(*, viewer, pk: int) -> FootageRequest:
    return scoping.get_visible_or_404(FootageRequest.objects.select_related("camera", "report", "requested_by"),
                                      viewer, roles=POLICE_ROLES, pk=pk)


def footage_get(*, viewer, pk: int) -> Footage:
    return scoping.get_visible_or_404(Footage.objects.select_related("request", "camera"), viewer,
                                      roles=POLICE_ROLES, pk=pk)


@dataclass(frozen=True)
class NearbyCamera:
    camera: Camera
    coverage: str  # geometry.INSIDE or geometry.NEAR
    distance_m: int
    retention_short: bool  # the owner keeps footage for fewer days than the incident's age


def cameras_near(*, viewer, lat: float, lon: float, when=None, roles=POLICE_ROLES) -> list[NearbyCamera]:
    """Cameras in the viewer's scope whose cone covers or comes near the point, nearest first."""
    min_lat, max_lat, min_lon, max_lon = geometry.bounding_box(lat, lon, MAX_RANGE_M + NEAR_M)
    candidates = (scoping.visible(Camera.objects.filter(left_at__isnull=True), viewer, roles=roles)
                  .exclude(status="removed")
                  .filter(lat__range=(min_lat, max_lat), lon__range=(min_lon, max_lon)).select_related("unit"))
    age_days = (timezone.now() - when).total_seconds() / 86400 if when else 0
    found = []
    for camera in candidates:
        cone = geometry.Cone(camera.lat, camera.lon, camera.direction, camera.angle, camera.range_m)
        kind = geometry.coverage(cone, lat, lon, near_m=NEAR_M)
        if kind is not None:
            found.append(NearbyCamera(camera, kind, round(geometry.distance_m(camera.lat, camera.lon, lat, lon)),
                                      camera.retention_days < age_days))
    found.sort(key=lambda item: (item.coverage != geometry.INSIDE, item.distance_m, item.camera.pk))
    return found


def map_features(*, viewer, filters: CameraFilters | None = None, limit: int = 5000) -> list[dict]:
    """Cameras as GeoJSON points with their cone polygon, status and sharing (no owner data)."""
    rows = (camera_list(viewer=viewer, filters=filters)
            .values_list("pk", "name", "lat", "lon", "direction", "angle", "range_m", "status", "sharing",
                         "owner_kind", "reachable")[:limit])
    from django.urls import reverse

    url = reverse("cameras:detail", args=[0]).replace("/0/", "/{}/")
    features = []
    for pk, name, lat, lon, direction, angle, range_m, status, sharing, owner_kind, reachable in rows:
        cone = geometry.polygon(geometry.Cone(lat, lon, direction, angle, range_m), steps=8)
        features.append({"type": "Feature", "geometry": {"type": "Point", "coordinates": [lon, lat]},
                         "properties": {"id": pk, "name": name, "status": status, "sharing": sharing,
                                        "owner_kind": owner_kind, "reachable": reachable, "url": url.format(pk),
                                        "cone": [[round(a, 6), round(b, 6)] for a, b in cone]}})
    return features
