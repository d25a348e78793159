"""The cameras demo step: public and private cameras near their groups, a history of requests."""

import io

import pytest
from django.core.management import call_command

from binhan.cameras import crypto, geometry, selectors
from binhan.cameras.models import Camera, Footage, FootageRequest, Funding, OwnerKind
from binhan.geo.models import AdministrativeUnit, Level
from tests.demo_data import remove_cameras_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo():
    call_command("demo", "--size", "tiny", "--seed", "5", stdout=io.StringIO())


def test_public_and_private_cameras_with_funding(demo):
    groups = AdministrativeUnit.objects.filter(level=Level.GROUP, centre_lat__isnull=False).count()
    kinds = set(Camera.objects.values_list("owner_kind", flat=True))
    public = Camera.objects.filter(owner_kind=OwnerKind.PUBLIC)
    assert (kinds, public.count() >= groups) == ({"public", "household", "business"}, True)
    assert Funding.objects.filter(camera__in=public, source="households").count() == public.count()


def test_cameras_sit_near_their_groups_and_streams_decrypt(demo):
    for camera in Camera.objects.select_related("unit").filter(owner_kind=OwnerKind.PUBLIC):
        assert geometry.distance_m(camera.lat, camera.lon, camera.unit.centre_lat, camera.unit.centre_lon) <= 351
    shared = Camera.objects.exclude(stream_url_encrypted="").first()
    assert crypto.decrypt(shared.stream_url_encrypted).startswith("rtsp://10.")


def test_requests_point_at_their_reports(demo):
    requests = list(FootageRequest.objects.select_related("camera", "report")[:20])
    assert len(requests) > 0
    for request in requests:
        cone = geometry.Cone(request.camera.lat, request.camera.lon, request.camera.direction, request.camera.angle,
                             request.camera.range_m)
        assert geometry.coverage(cone, request.report.lat, request.report.lon, near_m=0) == "inside"
        assert request.window_start < request.window_end <= request.created_at
    assert Footage.objects.filter(file="").exclude(deleted_at__isnull=False).count() == 0


def test_the_police_find_the_demo_cameras_for_a_report(demo):
    from binhan.accounts.models import User

    request = FootageRequest.objects.select_related("report").first()
    officer = User.objects.get(username="demo-commune-police")
    found = selectors.cameras_near(viewer=officer, lat=request.report.lat, lon=request.report.lon)
    assert request.camera_id in [item.camera.pk for item in found]


def test_demo_data_can_be_removed(demo):
    remove_cameras_data()
    assert (Camera.objects.count(), FootageRequest.objects.count(), Footage.objects.count()) == (0, 0, 0)
