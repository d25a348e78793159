"""Self-management models (Guidance 22/HD-BCA-V05): proposed → running → rated yearly → recognised →
replicated → ended. Sites, teams, members, funding and documents hang below a model."""

from __future__ import annotations

import hashlib
from datetime import date

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from binhan.community.models import (
    RECOGNITION_RANK,
    Effectiveness,
    FundingSource,
    ModelDocument,
    ModelFunding,
    ModelMember,
    ModelRating,
    ModelRecognition,
    ModelSite,
    ModelStatus,
    ModelTeam,
    ModelType,
    RecognitionLevel,
    SecurityTeam,
    SelfManagementModel,
)
from binhan.community.services._common import check_manager, clean_text
from binhan.core import audit, events
from binhan.core.exceptions import ServiceError
from binhan.core.services import apply_changes
from binhan.geo.models import AdministrativeUnit, Level

MAX_DOCUMENT_BYTES = 10 * 1024 * 1024
MODEL_LEVELS = (Level.PROVINCE, Level.COMMUNE, Level.GROUP)


def _publish(model: SelfManagementModel, name: str, **payload) -> None:
    events.publish(f"community.model.{name}", unit_path=model.unit_path, model_id=model.pk, **payload)


def _check_type(model_type: ModelType, unit: AdministrativeUnit) -> None:
    if not model_type.is_active:
        raise ServiceError(_("This model type is not in use."), field="type")
    if model_type.province_id and not unit.path.startswith(model_type.province.path):
        raise ServiceError(_("This model type is not used in this province."), field="type")


def _check_date(value: date | None, field: str) -> None:
    if value is not None and value > timezone.localdate():
        raise ServiceError(_("The date cannot be in the future."), field=field)


def _locked(model: SelfManagementModel) -> SelfManagementModel:
    return SelfManagementModel.objects.select_for_update().select_related("unit", "type").get(pk=model.pk)


def _check_not_ended(model: SelfManagementModel) -> None:
    if model.status == ModelStatus.ENDED:
        raise ServiceError(_("This model has ended; it cannot change any more."), field="status")


@transaction.atomic
def model_create(
    *, actor, unit: AdministrativeUnit, model_type: ModelType, name: str, description: str = "",
    started_on: date | None = None, replicated_from: SelfManagementModel | None = None,
) -> SelfManagementModel:
    """A unit proposes a self-management model; it runs once the commune starts it."""
    if unit.level not in MODEL_LEVELS:
        raise ServiceError(_("A model belongs to a province, a commune or a residential group."), field="unit")
    check_manager(actor, unit.path)
    _check_type(model_type, unit)
    _check_date(started_on, "started_on")
    model = SelfManagementModel(
        type=model_type, unit=unit, unit_path=unit.path,
        name=clean_text(name, field="name", limit=200, required=_("Give the model a name.")),
        description=clean_text(description, field="description"), started_on=started_on,
        replicated_from=replicated_from, created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    model.full_clean(exclude=["unit_path", "type", "unit", "replicated_from", "created_by"])
    model.save()
    audit.record(actor=actor, action="community.model.create", obj=model,
                 changes={"name": [None, model.name], "type": [None, model_type.code], "unit": [None, unit.code],
                          **({"replicated_from": [None, replicated_from.pk]} if replicated_from else {})})
    _publish(model, "created")
    return model


@transaction.atomic
def model_update(*, actor, model: SelfManagementModel, **fields) -> SelfManagementModel:
    """Correct a model's name, description, type or start date."""
    check_manager(actor, model.unit_path)
    model = _locked(model)
    _check_not_ended(model)
    if "model_type" in fields:
        model_type = fields.pop("model_type")
        _check_type(model_type, model.unit)
        fields["type"] = model_type
    for key in ("name", "description"):
        if key in fields:
            fields[key] = clean_text(fields[key], field=key, limit=200 if key == "name" else 4000,
                                     required=_("Give the model a name.") if key == "name" else "")
    _check_date(fields.get("started_on"), "started_on")
    if apply_changes(actor=actor, obj=model, fields=fields, allowed={"name", "description", "type", "started_on"},
                     action="community.model.update"):
        _publish(model, "updated")
    return model


@transaction.atomic
def model_start(*, actor, model: SelfManagementModel, started_on: date | None = None) -> SelfManagementModel:
    """The commune approves a proposed model and it starts running."""
    check_manager(actor, model.unit_path)
    model = _locked(model)
    if model.status != ModelStatus.PROPOSED:
        raise ServiceError(_("Only a proposed model can be started."), field="status")
    started_on = started_on or model.started_on or timezone.localdate()
    _check_date(started_on, "started_on")
    model.status, model.started_on = ModelStatus.RUNNING, started_on
    model.save(update_fields=["status", "started_on", "updated_at"])
    audit.record(actor=actor, action="community.model.start", obj=model,
                 changes={"status": [ModelStatus.PROPOSED, ModelStatus.RUNNING], "started_on": [None, started_on]})
    _publish(model, "status_changed", status=model.status)
    return model


@transaction.atomic
def model_rate(*, actor, model: SelfManagementModel, year: int, result: str, evidence: str) -> ModelRating:
    """The yearly rating: effective or not, with the evidence it rests on."""
    check_manager(actor, model.unit_path)
    model = _locked(model)
    if model.status != ModelStatus.RUNNING:
        raise ServiceError(_("Only a running model is rated."), field="status")
    if result not in Effectiveness.values:
        raise ServiceError(_("Choose effective or not effective."), field="result")
    this_year = timezone.localdate().year
    if not (model.started_on and model.started_on.year <= year <= this_year):
        raise ServiceError(_("Rate a year from the model's start up to this year."), field="year")
    evidence = clean_text(evidence, field="evidence", required=_("Say what the rating rests on."))
    if ModelRating.objects.filter(model=model, year=year).exists():
        raise ServiceError(_("This model is already rated for %(year)s.") % {"year": year}, field="year")
    rating = ModelRating.objects.create(model=model, year=year, result=result, evidence=evidence, rated_by=actor)
    if model.last_rated_year is None or year >= model.last_rated_year:
        model.last_rating, model.last_rated_year = result, year
        model.save(update_fields=["last_rating", "last_rated_year", "updated_at"])
    audit.record(actor=actor, action="community.model.rate", obj=model,
                 changes={"year": [None, year], "result": [None, result]})
    _publish(model, "rated", year=year, result=result)
    return rating


@transaction.atomic
def model_recognise(
    *, actor, model: SelfManagementModel, level: str, decision_number: str, decision_date: date, issued_by: str = "",
) -> ModelRecognition:
    """A decision recognises an effective model at commune, province or national level."""
    check_manager(actor, model.unit_path)
    model = _locked(model)
    if model.status != ModelStatus.RUNNING or model.last_rating != Effectiveness.EFFECTIVE:
        raise ServiceError(_("Only a running model whose last rating is “effective” can be recognised."),
                           field="level")
    if level not in RecognitionLevel.values:
        raise ServiceError(_("Choose the commune, province or national level."), field="level")
    number = clean_text(decision_number, field="decision_number", limit=60,
                        required=_("Give the number of the decision."))
    _check_date(decision_date, "decision_date")
    recognition = ModelRecognition.objects.create(
        model=model, level=level, decision_number=number, decision_date=decision_date,
        issued_by=clean_text(issued_by, field="issued_by", limit=200))
    before = model.recognition_level
    if RECOGNITION_RANK[level] > RECOGNITION_RANK[before]:
        model.recognition_level = level
        model.save(update_fields=["recognition_level", "updated_at"])
    audit.record(actor=actor, action="community.model.recognise", obj=model,
                 changes={"level": [None, level], "decision_number": [None, number],
                          "decision_date": [None, decision_date]})
    _publish(model, "recognised", level=level)
    return recognition


@transaction.atomic
def model_replicate(
    *, actor, original: SelfManagementModel, unit: AdministrativeUnit, name: str = "", started_on: date | None = None,
) -> SelfManagementModel:
    """Another unit copies a running model: a new model, linked to the original, that runs at once."""
    check_manager(actor, unit.path)
    original = SelfManagementModel.objects.select_related("type").get(pk=original.pk)
    if original.status != ModelStatus.RUNNING:
        raise ServiceError(_("Only a running model can be replicated."), field="original")
    if unit.pk == original.unit_id:
        raise ServiceError(_("Choose another unit: the model already runs here."), field="unit")
    replica = model_create(actor=actor, unit=unit, model_type=original.type, name=name or original.name,
                           description=original.description, started_on=started_on, replicated_from=original)
    model_start(actor=actor, model=replica, started_on=started_on)
    if unit.level == Level.GROUP:
        site_add(actor=actor, model=replica, unit=unit, since=replica.started_on)
    events.publish("community.model.replicated", unit_path=original.unit_path, model_id=original.pk,
                   replica_id=replica.pk)
    replica.refresh_from_db()
    return replica


@transaction.atomic
def model_end(*, actor, model: SelfManagementModel, reason: str, ended_on: date | None = None) -> SelfManagementModel:
    """The model stops (usually because it is no longer effective); the reason is kept."""
    check_manager(actor, model.unit_path)
    model = _locked(model)
    _check_not_ended(model)
    reason = clean_text(reason, field="reason", limit=500, required=_("Say why the model ends."))
    ended_on = ended_on or timezone.localdate()
    _check_date(ended_on, "ended_on")
    if model.started_on and ended_on < model.started_on:
        raise ServiceError(_("A model cannot end before it started."), field="ended_on")
    before = model.status
    model.status, model.ended_on, model.end_reason = ModelStatus.ENDED, ended_on, reason
    model.save(update_fields=["status", "ended_on", "end_reason", "updated_at"])
    audit.record(actor=actor, action="community.model.end", obj=model,
                 changes={"status": [before, ModelStatus.ENDED], "end_reason": [None, reason]})
    _publish(model, "status_changed", status=model.status)
    return model


@transaction.atomic
def site_add(*, actor, model: SelfManagementModel, unit: AdministrativeUnit, since: date | None = None,
             note: str = "") -> ModelSite:
    """The model now also runs at `unit` (a commune or residential group under the actor's units)."""
    check_manager(actor, model.unit_path)
    check_manager(actor, unit.path)
    _check_not_ended(model)
    if unit.level not in (Level.COMMUNE, Level.GROUP):
        raise ServiceError(_("A site is a commune or a residential group."), field="unit")
    if ModelSite.objects.filter(model=model, unit=unit).exists():
        raise ServiceError(_("The model already runs at this place."), field="unit")
    _check_date(since, "since")
    site = ModelSite.objects.create(model=model, unit=unit, unit_path=unit.path, since=since,
                                    note=clean_text(note, field="note", limit=300))
    audit.record(actor=actor, action="community.model.site_add", obj=model, changes={"site": [None, unit.code]})
    _publish(model, "updated")
    return site


@transaction.atomic
def site_remove(*, actor, site: ModelSite) -> None:
    check_manager(actor, site.model.unit_path)
    model, code = site.model, site.unit.code
    site.delete()
    audit.record(actor=actor, action="community.model.site_remove", obj=model, changes={"site": [code, None]})
    _publish(model, "updated")


@transaction.atomic
def team_link(*, actor, model: SelfManagementModel, name: str = "", security_team: SecurityTeam | None = None,
              member_count: int = 0) -> ModelTeam:
    """A team that runs the model: a security team of the area, or another group of people by name."""
    check_manager(actor, model.unit_path)
    _check_not_ended(model)
    if security_team is not None:
        check_manager(actor, security_team.unit_path)
        name = name or security_team.name
        member_count = member_count or security_team.members.filter(status="active").count()
    name = clean_text(name, field="name", limit=200, required=_("Give the team a name or choose a security team."))
    if member_count < 0 or member_count > 1000:
        raise ServiceError(_("Give a number of members from 0 to 1,000."), field="member_count")
    team = ModelTeam.objects.create(model=model, name=name, security_team=security_team, member_count=member_count)
    audit.record(actor=actor, action="community.model.team_add", obj=model, changes={"team": [None, name]})
    _publish(model, "updated")
    return team


@transaction.atomic
def member_add(*, actor, model: SelfManagementModel, full_name: str, role: str = "", phone: str = "") -> ModelMember:
    check_manager(actor, model.unit_path)
    _check_not_ended(model)
    member = ModelMember(model=model, full_name=clean_text(full_name, field="full_name", limit=150,
                                                           required=_("Give the person's name.")),
                         role=clean_text(role, field="role", limit=100), phone=clean_text(phone, field="phone",
                                                                                         limit=20))
    member.full_clean(exclude=["model", "user"])
    member.save()
    audit.record(actor=actor, action="community.model.member_add", obj=model,
                 changes={"member": [None, member.pk], "phone": [None, "[personal data]" if member.phone else ""]})
    _publish(model, "updated")
    return member


@transaction.atomic
def funding_add(*, actor, model: SelfManagementModel, source: str, amount: int, year: int,
                note: str = "") -> ModelFunding:
    """Money the model received: who gave it, how much, for which year."""
    check_manager(actor, model.unit_path)
    if source not in FundingSource.values:
        raise ServiceError(_("Choose where the money comes from."), field="source")
    if not isinstance(amount, int) or amount <= 0 or amount > 10**13:
        raise ServiceError(_("Give an amount in đồng greater than zero."), field="amount")
    if not (1990 <= year <= timezone.localdate().year + 1):
        raise ServiceError(_("Give a year from 1990 to next year."), field="year")
    funding = ModelFunding.objects.create(model=model, source=source, amount=amount, year=year,
                                          note=clean_text(note, field="note", limit=300))
    audit.record(actor=actor, action="community.model.funding_add", obj=model,
                 changes={"source": [None, source], "amount": [None, amount], "year": [None, year]})
    _publish(model, "updated")
    return funding


def _clean_document(upload, kind: str) -> tuple[ContentFile, str, int, str]:
    if kind == ModelDocument.Kind.PHOTO:
        # Decoded, bounded and stripped of GPS positions, as report photos are.
        from binhan.reports.media import clean_photo

        photo = clean_photo(upload)
        return photo.content, photo.content_type, photo.size, photo.sha256
    data = upload.read(MAX_DOCUMENT_BYTES + 1)
    if len(data) > MAX_DOCUMENT_BYTES:
        raise ServiceError(_("A document may be at most 10 MB."), field="file")
    if not data.startswith(b"%PDF-"):
        raise ServiceError(_("A document must be a PDF file."), field="file")
    digest = hashlib.sha256(data).hexdigest()
    return ContentFile(data, name=f"{digest[:16]}.pdf"), "application/pdf", len(data), digest


def document_add(*, actor, model: SelfManagementModel, kind: str, title: str, upload) -> ModelDocument:
    """A decision, minutes or a photo of the model. Checked by content before the transaction."""
    check_manager(actor, model.unit_path)
    if kind not in ModelDocument.Kind.values:
        raise ServiceError(_("Choose a document or a photo."), field="kind")
    title = clean_text(title, field="title", limit=200, required=_("Give the document a title."))
    if upload is None:
        raise ServiceError(_("Choose a file."), field="file")
    try:
        content, content_type, size, digest = _clean_document(upload, kind)
    except ServiceError as error:
        raise ServiceError(error.message, field="file") from None
    with transaction.atomic():
        document = ModelDocument.objects.create(model=model, kind=kind, title=title, file=content,
                                                content_type=content_type, size=size, sha256=digest,
                                                uploaded_by=actor)
        audit.record(actor=actor, action="community.model.document_add", obj=model,
                     changes={"document": [None, document.pk], "kind": [None, kind]})
        _publish(model, "updated")
    return document


def document_read(*, actor, document: ModelDocument) -> ModelDocument:
    """Opening a document is recorded: it may show people."""
    audit.record(actor=actor, action="community.model.document_read", obj=document.model,
                 changes={"document": [None, document.pk]})
    return document
