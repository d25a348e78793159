"""API for the camera registry under /api/v1/cameras: scoped, paginated; stream details only for the
police of the area, each reveal audited with its purpose. No owner contact data leaves through here."""

from datetime import date, datetime

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate

from binhan.cameras import selectors, services
from binhan.cameras.models import CameraStatus, Coverage, OwnerKind, RequestStatus, Sharing
from binhan.cameras.roles import POLICE_ROLES
from binhan.core.api_utils import Pagination, throttle

router = Router(tags=["security cameras"])


class CameraOut(Schema):
    id: int
    unit_id: int
    name: str
    owner_kind: str
    lat: float
    lon: float
    direction: int
    angle: int
    range_m: int
    outdoor: bool
    covers: list[str]
    recording: str
    retention_days: int
    notice_posted: bool
    installed_on: date | None
    status: str
    sharing: str
    has_stream: bool
    last_reachable_at: datetime | None


class CameraFilterIn(Schema):
    status: CameraStatus | None = None
    sharing: Sharing | None = None
    owner_kind: OwnerKind | None = None
    covers: Coverage | None = None
    q: str = Field("", max_length=100)


class NearOut(Schema):
    camera: CameraOut
    coverage: str
    distance_m: int


class PurposeIn(Schema):
    purpose: str = Field(..., min_length=1, max_length=500)


class StreamOut(Schema):
    url: str
    credentials: str


class RequestOut(Schema):
    id: int
    camera_id: int
    report_id: int | None
    case_reference: str
    window_start: datetime
    window_end: datetime
    deadline: datetime
    status: str = Field(..., description="pending, accepted, refused, fulfilled, withdrawn, cancelled or no_answer")
    created_at: datetime
    clips: int

    @staticmethod
    def resolve_status(obj) -> str:
        shown = obj.police_status()
        return "no_answer" if obj.status == RequestStatus.PENDING and shown != obj.get_status_display() else obj.status


def _require_police(request) -> None:
    if not (request.user.is_superuser or request.user.roles() & POLICE_ROLES):
        raise PermissionDenied(_("This is for the police."))


@router.get("/cameras", response=list[CameraOut], summary="Cameras under your units")
@paginate(Pagination)
def list_cameras(request, filters: Query[CameraFilterIn]):
    data = filters.dict()
    return selectors.camera_list(viewer=request.user, filters=selectors.CameraFilters(
        **{key: (value.value if hasattr(value, "value") else value) or "" for key, value in data.items()}))


@router.get("/cameras/near", response=list[NearOut], summary="Cameras whose view covers or comes near a point")
def cameras_near(request, lat: float = Query(..., ge=-90, le=90), lon: float = Query(..., ge=-180, le=180)):
    _require_police(request)
    return [{"camera": item.camera, "coverage": item.coverage, "distance_m": item.distance_m}
            for item in selectors.cameras_near(viewer=request.user, lat=lat, lon=lon)]


@router.get("/cameras/footage-requests", response=list[RequestOut], summary="Footage requests under your units")
@paginate(Pagination)
def list_requests(request, status: RequestStatus | None = None):
    _require_police(request)
    return selectors.request_list(viewer=request.user, status=status.value if status else "")


@router.get("/cameras/{camera_id}", response=CameraOut, summary="One camera")
def get_camera(request, camera_id: int):
    return selectors.camera_get(viewer=request.user, pk=camera_id)


@router.post("/cameras/{camera_id}/stream", response=StreamOut,
             summary="A shared camera's stream address and credentials (police; audited with the purpose)")
def reveal_stream(request, camera_id: int, payload: PurposeIn):
    throttle(request, scope="camera-stream", rate="30/m")
    camera = selectors.camera_get(viewer=request.user, pk=camera_id)
    url, credentials = services.camera_reveal_stream(actor=request.user, camera=camera, purpose=payload.purpose)
    return {"url": url, "credentials": credentials}
