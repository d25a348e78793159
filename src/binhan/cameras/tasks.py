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

from binhan.cameras import crypto, health, services
from binhan.cameras.models import Camera, CameraStatus, FootageRequest, Sharing
from binhan.core import tasks as core_tasks
from binhan.core.tasks import background

logger = logging.getLogger(__name__)
HEALTH_BATCH = 500
HEALTH_THREADS = 16  # probes wait on the network, not the CPU


@background(retries=3)
def notify_owner(*, request_id: int, channel: str = "email") -> bool:
    """Tell the owner about a new footage request by email or SMS (the alerts app's gateway); one task per
    channel, so a retry never sends twice on the other. They also see it in the app."""
    request = FootageRequest.objects.select_related("camera", "camera__owner_user").filter(pk=request_id).first()
    if request is None:
        return False
    owner = request.camera.owner_user
    address = ((owner.email if owner else "") or request.camera.contact_email) if channel == "email" else (
        owner.phone if owner else "")
    if not address:
        return False
    language = (owner.preferred_language or settings.LANGUAGE_CODE) if owner else settings.LANGUAGE_CODE
    with translation.override(language):
        context = {"request": request, "camera": request.camera,
                   "url": settings.BINHAN_SITE_URL + reverse("cameras:owner_request", args=[request.pk])}
        subject = render_to_string("cameras/email_request_subject.txt", context).strip()
        if channel == "sms":
            from binhan.alerts import sms

            sms.get_backend().send(address, f"{subject} {context['url']}")
            return True
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
