"""Writes to reports. Each one validates, saves, audits and emits an event in one transaction."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from binhan.core import audit, events, paths, rows, scoping
from binhan.core.exceptions import PermissionDeniedError, ServiceError
from binhan.geo.models import AdministrativeUnit, Level
from binhan.reports import locate, media
from binhan.reports.models import (
    CLOSED_STATUSES,
    OPEN_STATUSES,
    Category,
    Media,
    Priority,
    QuestionType,
    Report,
    Source,
    Status,
    TeamType,
    Update,
    question_label,
)
from binhan.reports.roles import HANDLER_ROLES

MAX_DESCRIPTION = 4000

# Which status may follow which. Closed reports only go back through `report_reopen`.
TRANSITIONS = {
    Status.NEW: {Status.ACKNOWLEDGED, Status.IN_PROGRESS, Status.RESOLVED, Status.REFERRED, Status.REJECTED},
    Status.ACKNOWLEDGED: {Status.IN_PROGRESS, Status.RESOLVED, Status.REFERRED, Status.REJECTED},
    Status.IN_PROGRESS: {Status.RESOLVED, Status.REFERRED, Status.REJECTED},
}


@dataclass(frozen=True)
class NewReport:
    report: Report
    followup_code: str | None  # shown once to a reporter without an account; only its hash is kept


@dataclass(frozen=True)
class PreparedReport:
    """A checked report not yet stored: `report_store` writes it."""

    report: Report
    media_files: list
    followup_code: str | None
    anonymous: bool


def _clean_text(value: str, *, field: str, required: bool = False, limit: int = MAX_DESCRIPTION) -> str:
    value = (value or "").replace("\x00", "").strip()
    if required and not value:
        raise ServiceError(_("Please describe what happened."), field=field)
    if len(value) > limit:
        raise ServiceError(_("Please keep it under %(limit)s characters.") % {"limit": limit}, field=field)
    return value


def clean_answers(category: Category, answers: dict) -> dict:
    """Check the answers to the category's extra questions; return them normalised."""
    cleaned: dict = {}
    for question in category.questions:
        code, kind = question["code"], question.get("type", QuestionType.TEXT)
        label = question_label(question)
        value = answers.get(code)
        empty = value in (None, "", [])
        if empty:
            if question.get("required"):
                raise ServiceError(_("Please answer: %(question)s") % {"question": label}, field=f"q_{code}")
            continue
        choices = {choice["code"] for choice in question.get("choices", [])}
        if kind == QuestionType.NUMBER:
            try:
                number = float(value)
            except (TypeError, ValueError):
                number = math.nan
            if not math.isfinite(number):
                raise ServiceError(_("%(question)s must be a number.") % {"question": label}, field=f"q_{code}")
            cleaned[code] = number
        elif kind == QuestionType.DATE:
            try:
                cleaned[code] = date.fromisoformat(str(value)).isoformat()
            except ValueError:
                raise ServiceError(_("%(question)s must be a date (YYYY-MM-DD).") % {"question": label},
                                   field=f"q_{code}") from None
        elif kind == QuestionType.SINGLE:
            if str(value) not in choices:
                raise ServiceError(_("Choose one of the offered answers for: %(question)s") % {"question": label},
                                   field=f"q_{code}")
            cleaned[code] = str(value)
        elif kind == QuestionType.MULTIPLE:
            values = [str(v) for v in (value if isinstance(value, list | tuple) else [value])]
            if not set(values) <= choices:
                raise ServiceError(_("Choose among the offered answers for: %(question)s") % {"question": label},
                                   field=f"q_{code}")
            cleaned[code] = values
        else:
            cleaned[code] = _clean_text(str(value), field=f"q_{code}", limit=1000)
    return cleaned


def _resolve_group(*, group: AdministrativeUnit | None, lat: float | None, lon: float | None) -> AdministrativeUnit:
    if (lat is None) != (lon is None):
        raise ServiceError(_("Give both latitude and longitude, or neither."), field="location")
    if lat is not None and not (-90 <= lat <= 90 and -180 <= lon <= 180):
        raise ServiceError(_("The location is outside the valid range of latitude and longitude."),
                           field="location")
    if group is not None and group.level != Level.GROUP:
        raise ServiceError(_("Choose a residential group or village."), field="group")
    if lat is not None:
        # A boundary that holds the point wins over the reporter's choice.
        by_point = locate.group_for_point(lat, lon)
        if by_point is not None and (group is None or locate.boundary_contains(by_point.boundary, lat, lon)):
            return by_point
    if group is not None:
        return group
    raise ServiceError(_("We could not tell where this happened. Place the pin nearer to a residential area or "
                         "choose your residential group."), field="location")


def report_create(**fields) -> NewReport:
    """A resident tells the police what happened. The report is stored before the reply confirms it.

    Everything that only reads (checks, the group lookup, decoding photos) happens before the
    transaction, so the database is held only for the writes. Takes the arguments of `report_prepare`.
    """
    return report_store(report_prepare(**fields))


def report_prepare(
    *, category: Category, description: str, group: AdministrativeUnit | None = None,
    lat: float | None = None, lon: float | None = None, address: str = "", answers: dict | None = None,
    photos: list | tuple = (), video=None, reporter=None, reporter_name: str = "", reporter_phone: str = "",
    reporter_email: str = "", anonymous: bool = False, source: str = Source.WEB, open311_client=None,
    origin: str = "",
) -> PreparedReport:
    """Check a new report and everything it needs, without writing: raises ServiceError."""
    if not category.is_active:
        raise ServiceError(_("This category is not in use."), field="category")
    description = _clean_text(description, field="description", required=True)
    address = _clean_text(address, field="address", limit=255)
    cleaned_answers = clean_answers(category, answers or {})
    unit = _resolve_group(group=group, lat=lat, lon=lon)
    if category.province_id and not unit.path.startswith(f"{category.province.path}"):
        raise ServiceError(_("This category is not used where the report is."), field="category")
    if len(photos) > media.MAX_PHOTOS:
        raise ServiceError(_("Attach at most %(count)s photos.") % {"count": media.MAX_PHOTOS}, field="photos")
    cleaned_photos = [media.clean_photo(photo) for photo in photos]
    cleaned_video = media.clean_video(video) if video else None

    if anonymous:
        reporter, reporter_name, reporter_phone, reporter_email = None, "", "", ""
    elif reporter is not None and getattr(reporter, "is_authenticated", False):
        reporter_name = reporter_name or reporter.get_full_name()
        reporter_phone = reporter_phone or (reporter.phone or "")
        reporter_email = reporter_email or reporter.email
    else:
        reporter = None
        reporter_name = _clean_text(reporter_name, field="reporter_name", limit=150)
        reporter_phone = _clean_text(reporter_phone, field="reporter_phone", limit=20)
        if not reporter_name or not reporter_phone:
            raise ServiceError(_("Give your name and phone number, or choose to report anonymously."),
                               field="reporter_name")
    now = timezone.now()
    priority = category.default_priority
    code, code_hash = (None, "") if reporter is not None else Report.new_followup_code()
    report = Report(
        category=category, unit=unit, unit_path=unit.path, description=description, answers=cleaned_answers,
        lat=lat, lon=lon, address=address, priority=priority, source=source, created_at=now,
        due_at=now + timedelta(minutes=category.target_for(priority)), is_anonymous=anonymous,
        reporter=reporter, reporter_name=reporter_name, reporter_phone=reporter_phone,
        reporter_email=reporter_email, followup_hash=code_hash, open311_client=open311_client,
        origin=origin[:40],
    )
    # The foreign keys were loaded above; full_clean would fetch each of them again.
    report.full_clean(exclude=["unit_path", "followup_hash", "category", "unit", "open311_client", "reporter",
                               "assigned_to", "duplicate_of"], validate_unique=False)
    media_files = [*((p, Media.Kind.PHOTO) for p in cleaned_photos),
                   *([(cleaned_video, Media.Kind.VIDEO)] if cleaned_video else [])]
    return PreparedReport(report=report, media_files=media_files, followup_code=code, anonymous=anonymous)


def report_store(prepared: PreparedReport) -> NewReport:
    """Write a prepared report, its media, its audit row and its event in one transaction."""
    if prepared.media_files or not rows.one_statement():
        _store_report(prepared.report, prepared.media_files, anonymous=prepared.anonymous)
    else:
        _store_report_at_once(prepared.report, anonymous=prepared.anonymous)
    return NewReport(report=prepared.report, followup_code=prepared.followup_code)


@transaction.atomic(savepoint=False)  # all or nothing with the caller's transaction, if any
def _store_report(report: Report, media_files: list, *, anonymous: bool) -> None:
    rows.insert(report)  # the intake's hot path: the compiled INSERT saves about 0.4 ms
    for cleaned, kind in media_files:
        Media.objects.create(report=report, kind=kind, file=cleaned.content, content_type=cleaned.content_type,
                             size=cleaned.size, sha256=cleaned.sha256)
    audit.record(**_creation_audit(report, anonymous))
    name, payload = _creation_event(report)
    events.publish(name, **payload)


def _store_report_at_once(report: Report, *, anonymous: bool) -> None:
    """PostgreSQL, no media: the report, its audit row and its event in one statement, which commits
    them together (one round trip where a transaction takes five: docs/performance.md)."""
    report.pk = rows.next_id(Report)
    name, payload = _creation_event(report)
    _report, _audit, event = rows.insert_all([report, audit.event(**_creation_audit(report, anonymous)),
                                              events.outbox_event(name, **payload)])
    events.published(event)


def _creation_audit(report: Report, anonymous: bool) -> dict:
    return {"actor": report.reporter, "action": "report.create", "obj": report, "record_ip": not anonymous,
            "changes": {"category": [None, report.category.code], "source": [None, report.source],
                        "anonymous": [None, anonymous]}}


def _creation_event(report: Report) -> tuple[str, dict]:
    return "report.created", {"unit_path": report.unit_path, "report_id": report.pk,
                              "category": report.category.code, "priority": report.priority}


def _check_handler(actor, report: Report) -> None:
    if not scoping.can_see_path(actor, report.unit_path, roles=HANDLER_ROLES):
        raise PermissionDeniedError(_("Only the police and leaders of this area may handle this report."))


def _publish_change(report: Report, name: str, **payload) -> None:
    events.publish(name, unit_path=report.unit_path, report_id=report.pk, status=report.status, **payload)


@transaction.atomic
def report_transition(
    *, report: Report, actor, to_status: str, note: str = "", reason: str = "", referred_to: str = "",
) -> Report:
    """Move a report along its workflow; the reporter sees the new status and the note."""
    _check_handler(actor, report)
    report = Report.objects.select_for_update().get(pk=report.pk)
    if to_status not in TRANSITIONS.get(report.status, set()):
        raise ServiceError(
            _("A report that is “%(current)s” cannot become “%(next)s”.")
            % {"current": Status(report.status).label, "next": Status(to_status).label}, field="status")
    note = _clean_text(note, field="note")
    reason = _clean_text(reason, field="reason", limit=500)
    if to_status == Status.REJECTED and not reason:
        raise ServiceError(_("Say why the report is rejected; the reporter will read it."), field="reason")
    if to_status == Status.REFERRED and not referred_to.strip():
        raise ServiceError(_("Say to which unit or agency the report is referred."), field="referred_to")
    before = report.status
    now = timezone.now()
    report.status = to_status
    fields = ["status", "updated_at"]
    if report.acknowledged_at is None and to_status != Status.NEW:
        report.acknowledged_at = now
        fields.append("acknowledged_at")
    if to_status in CLOSED_STATUSES:
        report.closed_at, report.close_reason = now, reason
        report.referred_to = referred_to.strip()[:200]
        fields += ["closed_at", "close_reason", "referred_to"]
    report.save(update_fields=fields)
    update = Update.objects.create(report=report, kind=Update.Kind.STATUS, author=actor, status_from=before,
                                   status_to=to_status, text=note or reason)
    audit.record(actor=actor, action=f"report.{to_status}", obj=report, changes={"status": [before, to_status]})
    _publish_change(report, "report.status_changed", previous=before, update_id=update.pk)
    return report


def report_acknowledge(*, report: Report, actor, note: str = "") -> Report:
    """The police have seen the report and take it on; the reporter is told."""
    return report_transition(report=report, actor=actor, to_status=Status.ACKNOWLEDGED, note=note)


@transaction.atomic
def report_reopen(*, report: Report, actor, note: str = "") -> Report:
    """A closed report needs more work."""
    _check_handler(actor, report)
    report = Report.objects.select_for_update().get(pk=report.pk)
    if report.status in OPEN_STATUSES:
        raise ServiceError(_("This report is still open."), field="status")
    before = report.status
    report.status, report.closed_at, report.duplicate_of = Status.ACKNOWLEDGED, None, None
    report.save(update_fields=["status", "closed_at", "duplicate_of", "updated_at"])
    Update.objects.create(report=report, kind=Update.Kind.STATUS, author=actor, status_from=before,
                          status_to=report.status, text=_clean_text(note, field="note"))
    audit.record(actor=actor, action="report.reopen", obj=report, changes={"status": [before, report.status]})
    _publish_change(report, "report.status_changed", previous=before)
    return report


@transaction.atomic
def report_merge(*, duplicate: Report, original: Report, actor) -> Report:
    """Close `duplicate` in favour of `original`; its reporter now follows the original."""
    _check_handler(actor, duplicate)
    _check_handler(actor, original)
    if duplicate.pk == original.pk:
        raise ServiceError(_("A report cannot be a duplicate of itself."), field="original")
    if original.duplicate_of_id:
        original = original.duplicate_of
    if duplicate.status not in OPEN_STATUSES:
        raise ServiceError(_("Only an open report can be closed as a duplicate."), field="status")
    before = duplicate.status
    duplicate.status, duplicate.duplicate_of, duplicate.closed_at = Status.DUPLICATE, original, timezone.now()
    duplicate.save(update_fields=["status", "duplicate_of", "closed_at", "updated_at"])
    Update.objects.create(report=duplicate, kind=Update.Kind.STATUS, author=actor, status_from=before,
                          status_to=Status.DUPLICATE,
                          text=_("The same incident was already reported as %(reference)s; follow it there.")
                          % {"reference": original.reference})
    audit.record(actor=actor, action="report.merge", obj=duplicate,
                 changes={"status": [before, Status.DUPLICATE], "duplicate_of": [None, original.pk]})
    _publish_change(duplicate, "report.status_changed", previous=before, original_id=original.pk)
    return duplicate


@transaction.atomic
def report_assign(*, report: Report, actor, officer=None, team: str = "") -> Report:
    """Give the report to an officer of the unit, or to one of the unit's teams."""
    _check_handler(actor, report)
    if team and team not in TeamType.values:
        raise ServiceError(_("Unknown team."), field="team")
    if officer is not None and not scoping.can_see_path(officer, report.unit_path, roles=HANDLER_ROLES):
        raise ServiceError(_("This person does not handle reports in this area."), field="officer")
    before = {"assigned_to": report.assigned_to_id, "assigned_team": report.assigned_team}
    report.assigned_to, report.assigned_team = officer, team
    report.save(update_fields=["assigned_to", "assigned_team", "updated_at"])
    changes = audit.diff(before, {"assigned_to": officer.pk if officer else None, "assigned_team": team})
    if changes:
        audit.record(actor=actor, action="report.assign", obj=report, changes=changes)
        _publish_change(report, "report.assigned")
    return report


@transaction.atomic
def report_set_priority(*, report: Report, actor, priority: str) -> Report:
    """A new priority also moves the response-time target."""
    _check_handler(actor, report)
    if priority not in Priority.values:
        raise ServiceError(_("Unknown priority."), field="priority")
    if priority != report.priority:
        before = report.priority
        report.priority = priority
        report.due_at = report.created_at + timedelta(minutes=report.category.target_for(priority))
        report.save(update_fields=["priority", "due_at", "updated_at"])
        audit.record(actor=actor, action="report.priority", obj=report, changes={"priority": [before, priority]})
        _publish_change(report, "report.updated")
    return report


@transaction.atomic
def report_move(*, report: Report, actor, unit: AdministrativeUnit) -> Report:
    """Put the report in another residential group (both must be within the actor's area)."""
    _check_handler(actor, report)
    if unit.level != Level.GROUP:
        raise ServiceError(_("Choose a residential group or village."), field="unit")
    if not scoping.can_see_path(actor, unit.path, roles=HANDLER_ROLES):
        raise PermissionDeniedError(_("You may only move reports to groups under your own units."))
    if unit.pk != report.unit_id:
        before_path = report.unit_path
        report.unit, report.unit_path = unit, unit.path
        report.save(update_fields=["unit", "unit_path", "updated_at"])
        audit.record(actor=actor, action="report.move", obj=report,
                     changes={"unit_path": [before_path, unit.path]})
        # Tell the old area too: the report leaves its queue.
        events.publish("report.moved", unit_path=before_path, report_id=report.pk, status=report.status)
        _publish_change(report, "report.updated")
    return report


@transaction.atomic
def report_add_update(*, report: Report, actor, text: str, public: bool) -> Update:
    """A note: public ones reach the reporter, internal ones stay with staff."""
    _check_handler(actor, report)
    text = _clean_text(text, field="text", required=False)
    if not text:
        raise ServiceError(_("Write the note first."), field="text")
    kind = Update.Kind.PUBLIC if public else Update.Kind.INTERNAL
    update = Update.objects.create(report=report, kind=kind, author=actor, text=text)
    Report.objects.filter(pk=report.pk).update(updated_at=timezone.now())
    audit.record(actor=actor, action=f"report.{kind}_update", obj=report, changes={"update_id": [None, update.pk]})
    _publish_change(report, "report.public_update" if public else "report.internal_note", update_id=update.pk)
    return update


@transaction.atomic
def reporter_message(*, report: Report, text: str, author=None) -> Update:
    """The reporter writes to the police (anonymously when they followed a code)."""
    text = _clean_text(text, field="text", required=False)
    if not text:
        raise ServiceError(_("Write your message first."), field="text")
    update = Update.objects.create(report=report, kind=Update.Kind.REPORTER, author=author, text=text)
    Report.objects.filter(pk=report.pk).update(updated_at=timezone.now())
    audit.record(actor=author, action="report.reporter_message", obj=report, record_ip=False,
                 changes={"update_id": [None, update.pk]})
    _publish_change(report, "report.message", update_id=update.pk)
    return update


def report_read_reporter(*, report: Report, actor, purpose: str) -> Report:
    """Reading a named reporter's details is audited with the reason given; anonymous ones have none."""
    _check_handler(actor, report)
    if report.is_anonymous:
        raise ServiceError(_("This report is anonymous: there is nobody to identify."), field="purpose")
    if not (purpose or "").strip():
        raise ServiceError(_("Please say why you need this person's details."), field="purpose")
    audit.record(actor=actor, action="report.read_reporter", obj=report, purpose=purpose.strip())
    return report


def escalate_overdue(*, now=None) -> int:
    """Urgent reports past their target go up to the province; returns how many were escalated."""
    now = now or timezone.now()
    overdue = Report.objects.filter(priority=Priority.URGENT, status__in=OPEN_STATUSES, due_at__lt=now,
                                    escalated_at__isnull=True)
    count = 0
    for report in overdue.select_related("unit").iterator():
        with transaction.atomic():
            updated = Report.objects.filter(pk=report.pk, escalated_at__isnull=True).update(escalated_at=now)
            if not updated:
                continue  # another worker took it
            province_path = paths.truncate(report.unit_path, 2)
            audit.record(actor=None, action="report.escalate", obj=report, changes={"escalated_to": [None,
                                                                                                  province_path]})
            events.publish("report.escalated", unit_path=report.unit_path, report_id=report.pk,
                           province_path=province_path)
            count += 1
    return count
