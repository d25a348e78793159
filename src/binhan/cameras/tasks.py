"""Background work of the cameras app: telling owners about requests, the stream health check and
footage retention. None of it runs in a page request."""

from __future__ import annotations

import logging
from concurrent.futures import ThreadPoolExecutor

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from binhan.cameras import crypto, health, notify, services
from binhan.cameras.models import Camera, CameraStatus, FootageRequest, RequestStatus, Sharing
from binhan.core import tasks as core_tasks
from binhan.core.tasks import background

logger = logging.getLogger(__name__)
HEALTH_BATCH = 500
HEALTH_THREADS = 16  # probes wait on the network, not the CPU


@background(retries=4, backoff_seconds=30)
def notify_owner(*, request_id: int, channel: str = "email") -> bool:
    """Tell the owner about a new footage request on one channel: email (to their address, always), or
    Web Push or SMS through the alerts app's channels where they opted in. One task per channel, so a
    retry never sends twice on another; they also see the request in the app."""
    request = FootageRequest.objects.select_related("camera", "camera__owner_user").filter(pk=request_id).first()
    if request is None or request.status != RequestStatus.PENDING or request.deadline <= timezone.now():
        return False  # answered, cancelled, withdrawn or past its deadline meanwhile: nothing left to ask
    owner = request.camera.owner_user
    if channel in notify.CHANNELS:
        if owner is None:
            return False
        wait = notify.quiet_until(owner)
        if wait is not None and notify_owner.get_backend().supports_defer:
            notify_owner.using(run_after=wait).enqueue(request_id=request_id, channel=channel)
            return False
        try:
            return notify.send(request, owner, channel)
        except notify.RetryLater:
            logger.warning("Footage request %s on %s failed; retrying", request_id, channel)
            raise
    address = (owner.email if owner and owner.is_active else "") or request.camera.contact_email
    if channel != "email" or not address:
        return False
    language = (owner.preferred_language or settings.LANGUAGE_CODE) if owner else settings.LANGUAGE_CODE
    with translation.override(language):
        context = {"request": request, "camera": request.camera,
                   "url": settings.BINHAN_SITE_URL + reverse("cameras:owner_request", args=[request.pk])}
        subject = render_to_string("cameras/email_request_subject.txt", context).strip()
        body = render_to_string("cameras/email_request.txt", context)
    send_mail(subject, body, None, [address])
    return True


@background(retries=1)
def check_streams() -> int:
    """Probe each shared, working camera's stream with a short timeout (several at once); record when it
    was last reachable."""
    timeout = settings.BINHAN_CAMERAS_HEALTH_TIMEOUT
    cameras = list(Camera.objects.filter(sharing=Sharing.SHARED_VIEW, left_at__isnull=True)
                   .exclude(status=CameraStatus.REMOVED).exclude(stream_url_encrypted="")
                   .order_by("last_checked_at", "id").values_list("pk", "stream_url_encrypted")[:HEALTH_BATCH])

    def check(row) -> tuple[int, bool]:
        pk, token = row
        url = crypto.decrypt(token)
        return pk, bool(url) and health.probe(url, timeout=timeout)

    with ThreadPoolExecutor(max_workers=HEALTH_THREADS) as pool:
        results = list(pool.map(check, cameras))
    for pk, reachable in results:
        services.camera_record_health(camera_id=pk, reachable=reachable, now=timezone.now())
    return len(results)


@background(retries=1)
def footage_retention() -> int:
    """Delete footage whose retention has ended (the record that it existed stays)."""
    return services.footage_retention()


core_tasks.run_every(900, check_streams)
core_tasks.run_every(3600, footage_retention)
