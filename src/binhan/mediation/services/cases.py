"""Mediation cases from request to outcome: intake (the law's exclusions), assignment, sessions, outcome.

State changes emit `mediation_case.<name>` events with the unit path and ids only (plus the
outcome code when a case closes), so the statistics can count them as they happen:
received → opened | referred → assigned → started → closed (successful or unsuccessful) → reopened.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date, datetime

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from binhan.accounts.roles import Role
from binhan.core import audit, events, scoping
from binhan.core.exceptions import PermissionDeniedError, ServiceError
from binhan.mediation.models import (
    Assignment,
    CaseDocument,
    CaseStatus,
    DisputeType,
    Exclusion,
    Guidance,
    Interest,
    MediationCase,
    MediationTeam,
    Mediator,
    Party,
    Session,
    Source,
)
from binhan.mediation.services._common import (
    can_lead_case,
    can_open_case,
    can_work_case,
    check,
    clean_text,
    own_mediator,
)

REPORT_CATEGORY = "dispute-noise"  # the incident reports a case may start from
MIN_PARTIES = 2
MAX_PARTIES = 20


@dataclass(frozen=True)
class PartyIn:
    role: str
    full_name: str
    age: int | None = None
    address: str = ""
    contact: str = ""


def _publish(case: MediationCase, name: str, **payload) -> None:
    events.publish(f"mediation_case.{name}", unit_path=case.unit_path, case_id=case.pk, team_id=case.team_id,
                   **payload)


def _locked(case: MediationCase) -> MediationCase:
    return MediationCase.objects.select_for_update().select_related("team").get(pk=case.pk)


def _clean_parties(parties: list[PartyIn], *, minimum: int) -> list[PartyIn]:
    if len(parties) < minimum:
        raise ServiceError(_("A dispute needs at least two parties: name each of them."), field="parties")
    if len(parties) > MAX_PARTIES:
        raise ServiceError(_("Please list at most %(limit)s parties.") % {"limit": MAX_PARTIES}, field="parties")
    cleaned = []
    for party in parties:
        if party.role not in Party.Role.values:
            raise ServiceError(_("Choose each party's role."), field="parties")
        if party.age is not None and not 0 <= party.age <= 130:
            raise ServiceError(_("Enter an age between 0 and 130."), field="parties")
        cleaned.append(PartyIn(
            role=party.role, age=party.age,
            full_name=clean_text(party.full_name, field="parties", limit=150, required=_("Name each party.")),
            address=clean_text(party.address, field="parties", limit=255),
            contact=clean_text(party.contact, field="parties", limit=100)))
    return cleaned


def _check_common(*, team: MediationTeam, dispute_type: str, received_on: date) -> None:
    if team.status != MediationTeam.Status.ACTIVE:
        raise ServiceError(_("This team is dissolved."), field="team")
    if dispute_type not in DisputeType.values:
        raise ServiceError(_("Choose the type of dispute."), field="dispute_type")
    if received_on > timezone.localdate():
        raise ServiceError(_("The date cannot be in the future."), field="received_on")


def _save_case(case: MediationCase, parties: list[PartyIn]) -> None:
    case.full_clean(exclude=["team", "report", "requested_by", "preferred_mediator"])
    case.save()
    Party.objects.bulk_create(Party(case=case, unit_path=case.unit_path, role=p.role, full_name=p.full_name,
                                    age=p.age, address=p.address, contact=p.contact) for p in parties)


def _preferred(team: MediationTeam, mediator: Mediator | None) -> Mediator | None:
    if mediator is not None and (mediator.team_id != team.pk or mediator.status != Mediator.Status.ACTIVE):
        raise ServiceError(_("Choose a mediator of this team."), field="preferred_mediator")
    return mediator


@transaction.atomic
def case_request(*, actor, team: MediationTeam, dispute_type: str, description: str, other_party: str,
                 other_party_address: str = "", contact: str = "",
                 preferred_mediator: Mediator | None = None) -> MediationCase:
    """A resident asks their group's team to mediate. Named only: mediation needs the parties."""
    check(scoping.can_see_path(actor, team.unit_path, roles={Role.RESIDENT}),
          _("You can ask the mediation team of your own residential group only."))
    today = timezone.localdate()
    _check_common(team=team, dispute_type=dispute_type, received_on=today)
    name = actor.get_full_name().strip() or actor.get_username()
    parties = _clean_parties([
        PartyIn(role=Party.Role.REQUESTER, full_name=name, contact=contact or (actor.phone or "")),
        PartyIn(role=Party.Role.OTHER_SIDE, full_name=other_party, address=other_party_address),
    ], minimum=MIN_PARTIES)
    case = MediationCase(
        team=team, unit_path=team.unit_path, source=Source.RESIDENT, requested_by=actor, dispute_type=dispute_type,
        description=clean_text(description, field="description", required=_("Say what the dispute is about.")),
        received_on=today, preferred_mediator=_preferred(team, preferred_mediator))
    _save_case(case, parties)
    audit.record(actor=actor, action="mediation.case.request", obj=case,
                 changes={"status": [None, case.status], "dispute_type": [None, dispute_type]})
    _publish(case, "received")
    return case


def _check_exclusions(exclusions: list[str]) -> list[str]:
    unknown = set(exclusions) - set(Exclusion.values)
    if unknown:
        raise ServiceError(_("Choose exclusions from the list."), field="exclusions")
    return [code for code in Exclusion.values if code in exclusions]


@transaction.atomic
def case_create(*, actor, team: MediationTeam, source: str, dispute_type: str, description: str,
                parties: list[PartyIn], received_on: date | None = None, exclusions: list[str] | tuple = (),
                referred_to: str = "", referral_reason: str = "", report=None, agency: str = "",
                documents: str = "", preferred_mediator: Mediator | None = None) -> MediationCase:
    """A mediator, the leader or the commune enters a case and runs intake at once.

    A case that meets one of the law's exclusions is not opened but referred, with the reason.
    """
    check(can_open_case(actor, team), _("Only this team's mediators and the commune may open its cases."))
    received_on = received_on or timezone.localdate()
    _check_common(team=team, dispute_type=dispute_type, received_on=received_on)
    if source not in Source.values or source == Source.RESIDENT:
        raise ServiceError(_("Choose how the case came to the team."), field="source")
    if source == Source.REPORT and report is None:
        raise ServiceError(_("Choose the incident report."), field="report")
    if report is not None and report.category.code != REPORT_CATEGORY:
        raise ServiceError(_("Only a report of a dispute or noise can become a mediation case."), field="report")
    if report is not None and report.unit_path != team.unit_path:
        raise ServiceError(_("The report is from another residential group."), field="report")
    agency = clean_text(agency, field="agency", limit=200,
                        required=_("Name the proposing agency.") if source == Source.AGENCY else "")
    case = MediationCase(
        team=team, unit_path=team.unit_path, source=source, report=report if source == Source.REPORT else None,
        agency=agency, dispute_type=dispute_type, received_on=received_on,
        description=clean_text(description, field="description", required=_("Say what the dispute is about.")),
        documents=clean_text(documents, field="documents", limit=2000),
        preferred_mediator=_preferred(team, preferred_mediator))
    parties = _clean_parties(parties, minimum=MIN_PARTIES)
    _apply_intake(case, exclusions=list(exclusions), referred_to=referred_to, referral_reason=referral_reason)
    _save_case(case, parties)
    audit.record(actor=actor, action="mediation.case.create", obj=case,
                 changes={"status": [None, case.status], "source": [None, source],
                          "dispute_type": [None, dispute_type], "exclusions": [None, case.exclusions]})
    _publish(case, "received")
    _publish(case, "referred" if case.status == CaseStatus.REFERRED else "opened")
    return case


def _apply_intake(case: MediationCase, *, exclusions: list[str], referred_to: str, referral_reason: str) -> None:
    case.exclusions = _check_exclusions(exclusions)
    if case.exclusions:
        case.referred_to = clean_text(referred_to, field="referred_to", limit=200,
                                      required=_("Say where the case is referred (e.g. the commune police)."))
        case.referral_reason = clean_text(referral_reason, field="referral_reason", limit=500,
                                          required=_("Record why the case cannot be mediated."))
        case.status = CaseStatus.REFERRED
        case.closed_on = timezone.localdate()
    else:
        case.status = CaseStatus.OPEN


@transaction.atomic
def case_intake(*, actor, case: MediationCase, exclusions: list[str] | tuple = (), referred_to: str = "",
                referral_reason: str = "") -> MediationCase:
    """The leader checks a resident's request against the law's exclusions: open it, or refer it."""
    case = _locked(case)
    check(can_lead_case(actor, case), _("Only the team leader and the commune may decide on intake."))
    if case.status != CaseStatus.RECEIVED:
        raise ServiceError(_("Intake has already been decided for this case."), field="status")
    _apply_intake(case, exclusions=list(exclusions), referred_to=referred_to, referral_reason=referral_reason)
    case.save(update_fields=["status", "exclusions", "referred_to", "referral_reason", "closed_on", "updated_at"])
    audit.record(actor=actor, action="mediation.case.intake", obj=case,
                 changes={"status": [CaseStatus.RECEIVED, case.status], "exclusions": [None, case.exclusions]})
    _publish(case, "referred" if case.status == CaseStatus.REFERRED else "opened")
    return case


@transaction.atomic
def case_assign(*, actor, case: MediationCase, mediators: list[Mediator], chosen_by_parties: bool = False,
                on: date | None = None) -> MediationCase:
    """Assign the mediators: the parties' choice first, else the leader's; never one with an interest.

    Mediation must then start within 3 days.
    """
    case = _locked(case)
    check(can_lead_case(actor, case), _("Only the team leader and the commune may assign mediators."))
    if case.status not in (CaseStatus.OPEN, CaseStatus.ASSIGNED):
        raise ServiceError(_("Only an open case can be assigned."), field="status")
    if not mediators:
        raise ServiceError(_("Choose at least one mediator."), field="mediators")
    interested = set(case.interests.values_list("mediator_id", flat=True))
    for mediator in mediators:
        if mediator.team_id != case.team_id or mediator.status != Mediator.Status.ACTIVE:
            raise ServiceError(_("Choose active mediators of this team."), field="mediators")
        if mediator.pk in interested:
            raise ServiceError(_("%(name)s declared an interest in this case and cannot mediate it.")
                               % {"name": mediator.full_name}, field="mediators")
    on = on or timezone.localdate()
    before = sorted(case.assignments.values_list("mediator_id", flat=True))
    case.assignments.all().delete()
    Assignment.objects.bulk_create(Assignment(case=case, mediator=m, assigned_on=on) for m in mediators)
    previous = case.status
    case.status, case.assigned_on, case.chosen_by_parties = CaseStatus.ASSIGNED, on, chosen_by_parties
    case.start_deadline = MediationCase.deadline_for(on)
    case.save(update_fields=["status", "assigned_on", "chosen_by_parties", "start_deadline", "updated_at"])
    audit.record(actor=actor, action="mediation.case.assign", obj=case,
                 changes={"status": [previous, case.status],
                          "mediators": [before, sorted(m.pk for m in mediators)],
                          "chosen_by_parties": [None, chosen_by_parties]})
    _publish(case, "assigned")
    return case


@transaction.atomic
def interest_declare(*, actor, case: MediationCase, mediator: Mediator, reason: str) -> Interest:
    """A mediator declares an interest in the case (a relative, a neighbour in the dispute): they step aside."""
    case = _locked(case)
    own = own_mediator(actor, case.team)
    check((own is not None and own.pk == mediator.pk) or can_lead_case(actor, case),
          _("A mediator declares their own interest; the team leader or the commune may record it."))
    if mediator.team_id != case.team_id:
        raise ServiceError(_("Choose a mediator of this team."), field="mediator")
    if case.interests.filter(mediator=mediator).exists():
        raise ServiceError(_("This interest is already recorded."), field="mediator")
    interest = Interest.objects.create(
        case=case, mediator=mediator, reason=clean_text(reason, field="reason", limit=500,
                                                        required=_("Say what the interest is.")))
    removed = case.assignments.filter(mediator=mediator).delete()[0]
    audit.record(actor=actor, action="mediation.case.interest", obj=case,
                 changes={"interest": [None, mediator.pk], "unassigned": [None, bool(removed)]})
    _publish(case, "updated")
    return interest


@transaction.atomic
def session_record(*, actor, case: MediationCase, held_at: datetime, place: str, mediators: list[Mediator],
                   invitees: str = "", requests: str = "", agreed: str = "") -> Session:
    """Record a mediation session; the first one starts the mediation."""
    case = _locked(case)
    check(can_work_case(actor, case), _("Only the case's mediators, the team leader and the commune may record "
                                        "its sessions."))
    if case.status not in (CaseStatus.ASSIGNED, CaseStatus.IN_PROGRESS):
        raise ServiceError(_("Assign mediators before recording a session."), field="status")
    if held_at > timezone.now():
        raise ServiceError(_("The date cannot be in the future."), field="held_at")
    if timezone.localdate(held_at) < case.received_on:
        raise ServiceError(_("The session cannot be before the case was received."), field="held_at")
    if not mediators or any(m.team_id != case.team_id for m in mediators):
        raise ServiceError(_("Choose the mediators of this team who were present."), field="mediators")
    session = Session(case=case, unit_path=case.unit_path, held_at=held_at,
                      place=clean_text(place, field="place", limit=200, required=_("Say where it took place.")),
                      invitees=clean_text(invitees, field="invitees", limit=500),
                      requests=clean_text(requests, field="requests"), agreed=clean_text(agreed, field="agreed"))
    session.full_clean(exclude=["case"])
    session.save()
    session.mediators.set(mediators)
    started = case.status == CaseStatus.ASSIGNED
    if started:
        case.status, case.started_on = CaseStatus.IN_PROGRESS, case.started_on or timezone.localdate(held_at)
        case.save(update_fields=["status", "started_on", "updated_at"])
    audit.record(actor=actor, action="mediation.session.record", obj=case,
                 changes={"session": [None, session.pk], "held_at": [None, held_at]})
    _publish(case, "started" if started else "updated", session_id=session.pk)
    return session


@transaction.atomic
def case_close(*, actor, case: MediationCase, outcome: str, agreement: str = "", follow_up_on: date | None = None,
               positions: str = "", guidance: str = "", minutes_requested: bool = False,
               notes: str = "") -> MediationCase:
    """Record the outcome: an agreement (with a follow-up date), or each side's position and where to go next."""
    case = _locked(case)
    check(can_work_case(actor, case), _("Only the case's mediators, the team leader and the commune may record "
                                        "the outcome."))
    if case.status != CaseStatus.IN_PROGRESS:
        raise ServiceError(_("Record at least one session before the outcome."), field="status")
    today = timezone.localdate()
    if outcome == CaseStatus.SUCCESSFUL:
        case.agreement = clean_text(agreement, field="agreement", required=_("Write down the agreement and its terms."))
        if follow_up_on is not None and follow_up_on < today:
            raise ServiceError(_("The follow-up date cannot be in the past."), field="follow_up_on")
        case.follow_up_on, case.positions, case.guidance = follow_up_on, "", ""
    elif outcome == CaseStatus.UNSUCCESSFUL:
        case.positions = clean_text(positions, field="positions", required=_("Write down each side's position."))
        if guidance not in Guidance.values:
            raise ServiceError(_("Say where the parties may go next."), field="guidance")
        case.guidance, case.agreement, case.follow_up_on = guidance, "", None
    else:
        raise ServiceError(_("Choose the outcome."), field="outcome")
    case.status, case.closed_on, case.minutes_requested = outcome, today, minutes_requested
    case.notes = clean_text(notes, field="notes", limit=1000)
    case.save(update_fields=["status", "closed_on", "minutes_requested", "agreement", "follow_up_on", "positions",
                             "guidance", "notes", "updated_at"])
    audit.record(actor=actor, action="mediation.case.close", obj=case,
                 changes={"status": [CaseStatus.IN_PROGRESS, outcome]})
    _publish(case, "closed", outcome=outcome)
    return case


@transaction.atomic
def case_reopen(*, actor, case: MediationCase, reason: str) -> MediationCase:
    """The agreement was broken: the case goes back to mediation."""
    case = _locked(case)
    check(can_work_case(actor, case), _("Only the case's mediators, the team leader and the commune may reopen it."))
    if case.status != CaseStatus.SUCCESSFUL:
        raise ServiceError(_("Only a successful case is reopened when its agreement is broken."), field="status")
    reason = clean_text(reason, field="reason", limit=500, required=_("Say how the agreement was broken."))
    case.status, case.closed_on, case.reopened_count = CaseStatus.IN_PROGRESS, None, case.reopened_count + 1
    case.save(update_fields=["status", "closed_on", "reopened_count", "updated_at"])
    audit.record(actor=actor, action="mediation.case.reopen", obj=case,
                 changes={"status": [CaseStatus.SUCCESSFUL, case.status]}, purpose=reason)
    _publish(case, "reopened")
    return case


MAX_DOCUMENT_BYTES = 10 * 1024 * 1024


def _clean_upload(upload) -> tuple[ContentFile, str, int, str]:
    """A PDF (checked by its first bytes) or a photo (decoded, bounded, stripped of metadata as report photos are)."""
    head = upload.read(5)
    upload.seek(0)
    if head != b"%PDF-":
        from binhan.reports.media import clean_photo

        photo = clean_photo(upload)
        return photo.content, photo.content_type, photo.size, photo.sha256
    data = upload.read(MAX_DOCUMENT_BYTES + 1)
    if len(data) > MAX_DOCUMENT_BYTES:
        raise ServiceError(_("A document may be at most 10 MB."), field="file")
    digest = hashlib.sha256(data).hexdigest()
    return ContentFile(data, name=f"{digest[:16]}.pdf"), "application/pdf", len(data), digest


def document_add(*, actor, case: MediationCase, title: str, upload) -> CaseDocument:
    """A paper the parties handed in (a land certificate, a loan note), as a PDF or a photo."""
    check(can_work_case(actor, case), _("Only the case's mediators, the team leader and the commune may add "
                                        "documents."))
    title = clean_text(title, field="title", limit=200, required=_("Give the document a title."))
    if upload is None:
        raise ServiceError(_("Choose a file."), field="file")
    try:
        content, content_type, size, digest = _clean_upload(upload)
    except ServiceError as error:
        raise ServiceError(error.message, field="file") from None
    with transaction.atomic():
        document = CaseDocument.objects.create(case=case, unit_path=case.unit_path, title=title, file=content,
                                               content_type=content_type, size=size, sha256=digest,
                                               uploaded_by=actor)
        audit.record(actor=actor, action="mediation.case.document_add", obj=case,
                     changes={"document": [None, document.pk]})
        _publish(case, "updated")
    return document


def case_record_read(*, actor, case: MediationCase, what: str = "case") -> None:
    """Every read of a case's parties and content is audited (the page, the minutes, the API)."""
    if not getattr(actor, "is_authenticated", False):
        raise PermissionDeniedError(_("Please sign in."))
    audit.record(actor=actor, action=f"mediation.{what}.read", obj=case)
