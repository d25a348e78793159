"""Self-management models: the lifecycle, its rules, audit and events, and who may write."""

import io
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from binhan.community.models import (
    ModelDocument,
    ModelSite,
    ModelStatus,
    ModelType,
    SelfManagementModel,
)
from binhan.community.services import selfmanagement as services
from binhan.core.exceptions import PermissionDeniedError, ServiceError
from binhan.core.models import AuditEvent, OutboxEvent

TODAY = timezone.localdate


def running(world, camera_type, unit=None, **kwargs):
    model = services.model_create(actor=world.police_a, unit=unit or world.group_a, model_type=camera_type,
                                  name=kwargs.pop("name", "Camera an ninh tổ 1"), **kwargs)
    return services.model_start(actor=world.police_a, model=model, started_on=TODAY() - timedelta(days=800))


def test_create_audits_and_emits(world, camera_type, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        model = services.model_create(actor=world.police_a, unit=world.group_a, model_type=camera_type,
                                      name="  Camera an ninh tổ 1 ", description="Tám camera ở đầu ngõ.")
    assert (model.name, model.status, model.unit_path) == ("Camera an ninh tổ 1", ModelStatus.PROPOSED,
                                                           world.group_a.path)
    event = AuditEvent.objects.get(action="community.model.create")
    assert (event.unit_path, event.changes) == (world.group_a.path, {
        "name": [None, "Camera an ninh tổ 1"], "type": [None, "security-cameras"], "unit": [None, "7090-001"]})
    outbox = OutboxEvent.objects.get(name="community.model.created")
    assert (outbox.unit_path, outbox.payload) == (world.group_a.path, {"model_id": model.pk})


@pytest.mark.parametrize(("actor", "error"), [
    ("police_b", PermissionDeniedError), ("group_leader_a", PermissionDeniedError),
    ("resident_a", PermissionDeniedError), ("auditor_a", PermissionDeniedError),
])
def test_create_elsewhere_or_without_the_role_changes_nothing(world, camera_type, actor, error):
    with pytest.raises(error):
        services.model_create(actor=getattr(world, actor), unit=world.group_a, model_type=camera_type, name="X")
    assert (SelfManagementModel.objects.count(), AuditEvent.objects.filter(action__startswith="community").count(),
            OutboxEvent.objects.count()) == (0, 0, 0)


def test_create_bad_input(world, camera_type):
    inactive = ModelType.objects.create(code="old", name="Cũ", is_active=False)
    cases = [
        ({"unit": world.nation}, "unit"),
        ({"name": "   "}, "name"),
        ({"name": "x" * 201}, "name"),
        ({"model_type": inactive}, "type"),
        ({"started_on": TODAY() + timedelta(days=1)}, "started_on"),
    ]
    for overrides, field in cases:
        arguments = {"actor": world.police_a, "unit": world.group_a, "model_type": camera_type, "name": "Mô hình"}
        arguments.update(overrides)
        with pytest.raises(ServiceError) as caught:
            services.model_create(**arguments)
        assert caught.value.field == field, overrides
    assert SelfManagementModel.objects.count() == 0


def test_type_of_another_province_is_refused(world, camera_type):
    other = ModelType.objects.create(code="other-province", name="Khác", province=world.commune_b)
    other.province = world.province.__class__.objects.create(code="01", name="Hà Nội", level="province",
                                                             parent=world.nation, path="/VN/01/", depth=1)
    other.save()
    with pytest.raises(ServiceError) as caught:
        services.model_create(actor=world.police_a, unit=world.group_a, model_type=other, name="X")
    assert caught.value.message == "This model type is not used in this province."


def test_whole_lifecycle(world, camera_type):
    model = services.model_create(actor=world.leader_a, unit=world.commune_a, model_type=camera_type,
                                  name="Camera an ninh phường")
    services.model_start(actor=world.leader_a, model=model, started_on=TODAY() - timedelta(days=800))
    year = TODAY().year
    services.model_rate(actor=world.police_a, model=model, year=year - 1, result="effective",
                        evidence="Giúp điều tra 3 vụ trộm.")
    services.model_recognise(actor=world.province_leader, model=model, level="province", decision_number="12/QĐ-UBND",
                             decision_date=TODAY() - timedelta(days=10), issued_by="UBND tỉnh")
    services.model_recognise(actor=world.leader_a, model=model, level="commune", decision_number="3/QĐ-UBND",
                             decision_date=TODAY() - timedelta(days=5))
    replica = services.model_replicate(actor=world.police_a, original=model, unit=world.group_a,
                                       name="Camera an ninh tổ 1")
    model.refresh_from_db()
    assert (model.status, model.last_rating, model.last_rated_year, model.recognition_level) == (
        "running", "effective", year - 1, "province")  # the highest level stays
    assert (replica.replicated_from_id, replica.status, replica.unit_id) == (model.pk, "running", world.group_a.pk)
    assert list(ModelSite.objects.filter(model=replica).values_list("unit__code", flat=True)) == ["7090-001"]
    services.model_rate(actor=world.police_a, model=model, year=year, result="not_effective",
                        evidence="Camera hỏng nửa năm, không sửa.")
    services.model_end(actor=world.police_a, model=model, reason="Không còn hiệu quả.")
    model.refresh_from_db()
    assert (model.status, model.last_rating, model.ended_on, model.end_reason) == (
        "ended", "not_effective", TODAY(), "Không còn hiệu quả.")
    actions = list(AuditEvent.objects.filter(action__startswith="community.model").order_by("id")
                   .values_list("action", flat=True))
    assert actions == [
        "community.model.create", "community.model.start", "community.model.rate", "community.model.recognise",
        "community.model.recognise", "community.model.create", "community.model.start",
        "community.model.site_add", "community.model.rate", "community.model.end"]
    with pytest.raises(ServiceError, match="This model has ended"):
        services.model_end(actor=world.police_a, model=model, reason="again")


def test_lifecycle_rules(world, camera_type):
    proposed = services.model_create(actor=world.police_a, unit=world.group_a, model_type=camera_type, name="A")
    year = TODAY().year
    refusals = [
        (lambda: services.model_rate(actor=world.police_a, model=proposed, year=year, result="effective",
                                     evidence="x"), "Only a running model is rated."),
        (lambda: services.model_replicate(actor=world.police_a, original=proposed, unit=world.commune_a),
         "Only a running model can be replicated."),
        (lambda: services.model_recognise(actor=world.police_a, model=proposed, level="commune",
                                          decision_number="1", decision_date=TODAY()),
         "Only a running model whose last rating is “effective” can be recognised."),
        (lambda: services.model_end(actor=world.police_a, model=proposed, reason=" "), "Say why the model ends."),
    ]
    for call, message in refusals:
        with pytest.raises(ServiceError) as caught:
            call()
        assert caught.value.message == message
    model = running(world, camera_type)
    start_year = model.started_on.year
    for year_, result, evidence, message in [
        (start_year - 1, "effective", "x", "Rate a year from the model's start up to this year."),
        (year + 1, "effective", "x", "Rate a year from the model's start up to this year."),
        (year, "great", "x", "Choose effective or not effective."),
        (year, "effective", "  ", "Say what the rating rests on."),
    ]:
        with pytest.raises(ServiceError) as caught:
            services.model_rate(actor=world.police_a, model=model, year=year_, result=result, evidence=evidence)
        assert caught.value.message == message
    services.model_rate(actor=world.police_a, model=model, year=year, result="not_effective", evidence="x")
    with pytest.raises(ServiceError, match="already rated"):
        services.model_rate(actor=world.police_a, model=model, year=year, result="effective", evidence="x")
    with pytest.raises(ServiceError, match="last rating"):
        services.model_recognise(actor=world.police_a, model=model, level="commune", decision_number="1",
                                 decision_date=TODAY())
    with pytest.raises(ServiceError, match="before it started"):
        services.model_end(actor=world.police_a, model=model, reason="x", ended_on=model.started_on - timedelta(1))
    with pytest.raises(ServiceError, match="already runs here"):
        services.model_replicate(actor=world.police_a, original=model, unit=world.group_a)
    with pytest.raises(PermissionDeniedError):
        services.model_replicate(actor=world.police_a, original=model, unit=world.group_b)


def test_an_older_rating_does_not_replace_the_last_one(world, camera_type):
    model = running(world, camera_type)
    year = TODAY().year
    services.model_rate(actor=world.police_a, model=model, year=year, result="effective", evidence="x")
    services.model_rate(actor=world.police_a, model=model, year=year - 1, result="not_effective", evidence="y")
    model.refresh_from_db()
    assert (model.last_rating, model.last_rated_year) == ("effective", year)


def test_sites_teams_members_funding(world, camera_type, teams):
    model = running(world, camera_type, unit=world.commune_a)
    services.site_add(actor=world.police_a, model=model, unit=world.group_a, note="Đầu ngõ")
    with pytest.raises(ServiceError, match="already runs at this place"):
        services.site_add(actor=world.police_a, model=model, unit=world.group_a)
    with pytest.raises(PermissionDeniedError):
        services.site_add(actor=world.police_a, model=model, unit=world.group_b)
    linked = services.team_link(actor=world.police_a, model=model, security_team=teams.team_a)
    assert (linked.name, linked.member_count) == (teams.team_a.name, 2)
    with pytest.raises(ServiceError, match="Give the team a name"):
        services.team_link(actor=world.police_a, model=model, name=" ")
    member = services.member_add(actor=world.police_a, model=model, full_name="Hoàng Thị Mai", role="Thủ quỹ",
                                 phone="0988777666")
    event = AuditEvent.objects.get(action="community.model.member_add")
    assert event.changes == {"member": [None, member.pk], "phone": [None, "[personal data]"]}
    services.funding_add(actor=world.police_a, model=model, source="households", amount=25_000_000, year=2025)
    for kwargs, field in [({"source": "bank"}, "source"), ({"amount": 0}, "amount"), ({"amount": -5}, "amount"),
                          ({"amount": "5"}, "amount"), ({"year": 1900}, "year")]:
        arguments = {"source": "donors", "amount": 1000, "year": 2025, **kwargs}
        with pytest.raises(ServiceError) as caught:
            services.funding_add(actor=world.police_a, model=model, **arguments)
        assert caught.value.field == field
    assert (model.sites.count(), model.teams.count(), model.members.count(), model.funding.count()) == (1, 1, 1, 1)


def _jpeg() -> SimpleUploadedFile:
    out = io.BytesIO()
    Image.new("RGB", (40, 30), (10, 120, 30)).save(out, format="JPEG")
    return SimpleUploadedFile("p.jpg", out.getvalue(), content_type="image/jpeg")


def test_documents_are_checked_by_content(world, camera_type, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path
    model = running(world, camera_type)
    pdf = services.document_add(actor=world.police_a, model=model, kind="document", title="Quyết định thành lập",
                                upload=SimpleUploadedFile("q.pdf", b"%PDF-1.4\n%%EOF\n", content_type="application/pdf"))
    photo = services.document_add(actor=world.police_a, model=model, kind="photo", title="Camera", upload=_jpeg())
    assert (pdf.content_type, photo.content_type) == ("application/pdf", "image/jpeg")
    for kind, upload, message in [
        ("document", SimpleUploadedFile("x.pdf", b"MZ\x90", content_type="application/pdf"),
         "A document must be a PDF file."),
        ("photo", SimpleUploadedFile("x.jpg", b"not an image", content_type="image/jpeg"),
         "This file is not a photo we can read. Use a JPEG, PNG or WebP image."),
        ("video", _jpeg(), "Choose a document or a photo."),
    ]:
        with pytest.raises(ServiceError) as caught:
            services.document_add(actor=world.police_a, model=model, kind=kind, title="x", upload=upload)
        assert caught.value.message == message
    assert ModelDocument.objects.count() == 2
