"""Alerts as OASIS Common Alerting Protocol 1.2 documents, and the Atom feed of active public alerts.

One `info` block per language, one `area` per target unit (with the drawn circle or polygon and
the unit's code as a geocode). A cancelled alert's document becomes a Cancel that references the
original, so a feed reader withdraws it.
"""

from __future__ import annotations

from datetime import datetime
from xml.etree import ElementTree as ET

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed

from binhan.alerts.models import CAP_CATEGORY, Alert, Category, Status, Urgency

NS = "urn:oasis:names:tc:emergency:cap:1.2"
CONTENT_TYPE = "application/cap+xml"
CAP_URGENCY = {Urgency.IMMEDIATE: "Immediate", Urgency.EXPECTED: "Expected", Urgency.FUTURE: "Future",
               Urgency.PAST: "Past", Urgency.UNKNOWN: "Unknown"}
CAP_LANGUAGE = {"vi": "vi-VN", "en": "en-US", "fr": "fr-FR", "fa": "fa-IR"}
GEOCODE_NAME = "VN-ADMIN-UNIT"

ET.register_namespace("", NS)


def cap_time(value: datetime) -> str:
    """CAP wants local time with an offset and no fractions: 2026-08-19T07:30:00+07:00."""
    return timezone.localtime(value).replace(microsecond=0).isoformat()


def sender(request=None) -> str:
    host = request.get_host().split(":")[0] if request is not None else "binhan.local"
    return f"alerts@{host}"


def _sub(parent: ET.Element, tag: str, text: str | None = None) -> ET.Element:
    element = ET.SubElement(parent, f"{{{NS}}}{tag}")
    if text is not None:
        element.text = text
    return element


def _areas(info: ET.Element, alert: Alert) -> None:
    for target in alert.targets.all():
        area = _sub(info, "area")
        _sub(area, "areaDesc", target.unit.name)
        if alert.area_polygon:
            _sub(area, "polygon", " ".join(f"{lat:.6f},{lon:.6f}" for lat, lon in alert.area_polygon))
        if alert.area_circle:
            circle = alert.area_circle
            _sub(area, "circle", f"{circle['lat']:.6f},{circle['lon']:.6f} {circle['radius_km']:g}")
        geocode = _sub(area, "geocode")
        _sub(geocode, "valueName", GEOCODE_NAME)
        _sub(geocode, "value", target.unit.code)


def document(alert: Alert, *, request=None) -> bytes:
    """The CAP 1.2 XML of a sent public alert (a Cancel once it is cancelled)."""
    root = ET.Element(f"{{{NS}}}alert")
    cancelled = alert.status == Status.CANCELLED
    who = sender(request)
    sent = alert.sent_at or alert.created_at
    _sub(root, "identifier", alert.cap_identifier + ("-cancel" if cancelled else ""))
    _sub(root, "sender", who)
    _sub(root, "sent", cap_time(alert.cancelled_at if cancelled and alert.cancelled_at else sent))
    _sub(root, "status", "Actual")
    _sub(root, "msgType", "Cancel" if cancelled else "Alert")
    _sub(root, "source", alert.unit.name)
    _sub(root, "scope", "Public")
    if cancelled:
        _sub(root, "references", f"{who},{alert.cap_identifier},{cap_time(sent)}")
    web = request.build_absolute_uri(reverse("alerts:public", args=[alert.pk])) if request is not None else ""
    for text in sorted(alert.texts.all(), key=lambda t: (t.language != "vi", t.language)):
        info = _sub(root, "info")
        _sub(info, "language", CAP_LANGUAGE.get(text.language, text.language))
        _sub(info, "category", CAP_CATEGORY[Category(alert.category)])
        _sub(info, "event", str(Category(alert.category).label))
        _sub(info, "responseType", "None" if cancelled else ("Prepare" if alert.urgency == Urgency.FUTURE
                                                               else "Monitor"))
        _sub(info, "urgency", CAP_URGENCY[Urgency(alert.urgency)])
        _sub(info, "severity", alert.severity.capitalize())
        _sub(info, "certainty", "Observed" if alert.urgency == Urgency.IMMEDIATE else "Likely")
        _sub(info, "effective", cap_time(alert.starts_at))
        _sub(info, "expires", cap_time(alert.expires_at))
        _sub(info, "senderName", alert.unit.name)
        _sub(info, "headline", text.title)
        _sub(info, "description", text.body)
        if text.instruction:
            _sub(info, "instruction", text.instruction)
        if web:
            _sub(info, "web", web)
        _areas(info, alert)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)


class CapAtomFeed(Atom1Feed):
    """Atom, where each entry links to its CAP document with type="application/cap+xml"."""

    def add_item_elements(self, handler, item):
        super().add_item_elements(handler, item)
        handler.addQuickElement("link", "", {"rel": "alternate", "type": CONTENT_TYPE, "href": item["cap_url"]})


def feed(alerts, *, request, title: str, feed_url: str) -> CapAtomFeed:
    site = request.build_absolute_uri("/")
    atom = CapAtomFeed(title=title, link=site, description=title, language=settings.LANGUAGE_CODE,
                       feed_url=feed_url, feed_guid=feed_url)
    for alert in alerts:
        text = alert.text()
        atom.add_item(
            title=text.title, link=request.build_absolute_uri(reverse("alerts:public", args=[alert.pk])),
            description=text.body, unique_id=f"urn:binhan:alert:{alert.pk}", pubdate=alert.sent_at,
            updateddate=alert.updated_at, categories=[str(alert.get_category_display())],
            cap_url=request.build_absolute_uri(reverse("alerts:cap", args=[alert.pk])),
        )
    return atom
