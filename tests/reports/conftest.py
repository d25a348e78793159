import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from binhan.reports.models import Category


@pytest.fixture
def placed(world):
    """The world's two groups with centre points 20 km apart, so a point decides the group."""
    world.group_a.centre_lat, world.group_a.centre_lon = 20.95, 107.05
    world.group_a.save()
    world.group_b.centre_lat, world.group_b.centre_lon = 21.05, 106.85
    world.group_b.save()
    return world


@pytest.fixture
def theft(db):
    return Category.objects.get(code="theft", province=None)


@pytest.fixture
def crime_tip(db):
    return Category.objects.get(code="crime-tip", province=None)


def jpeg_with_gps(name="photo.jpg", size=(64, 48)) -> SimpleUploadedFile:
    image = Image.new("RGB", size, (200, 30, 30))
    exif = Image.Exif()
    exif[0x8825] = {1: "N", 2: (21.0, 0.0, 0.0), 3: "E", 4: (107.0, 0.0, 0.0)}  # GPS IFD
    exif[0x010F] = "CameraMaker"
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif)
    return SimpleUploadedFile(name, out.getvalue(), content_type="image/jpeg")


@pytest.fixture
def photo():
    return jpeg_with_gps()
