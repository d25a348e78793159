"""Reads of self-management models and the register's questions: how many models, sites and teams
each unit has, which models are recognised, and which are no longer effective and should end."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Count, IntegerField, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce

from binhan.community.models import (
    Effectiveness,
    ModelSite,
    ModelStatus,
    ModelTeam,
    ModelType,
    SelfManagementModel,
)
from binhan.core import paths, scoping
from binhan.geo.models import AdministrativeUnit


@dataclass(frozen=True)
class ModelFilters:
    query: str = ""
    type_id: int | None = None
    status: str = ""
    unit_path: str = ""
    recognised: bool = False
    not_effective: bool = False  # running, last rated not effective: candidates to end


def _count(model, field: str = "model") -> Subquery:
    rows = model.objects.filter(**{field: OuterRef("pk")}).order_by().values(field).annotate(n=Count("pk"))
    return Coalesce(Subquery(rows.values("n")[:1], output_field=IntegerField()), Value(0))


def visible_models(*, viewer) -> QuerySet[SelfManagementModel]:
    return scoping.visible(SelfManagementModel.objects.all(), viewer)


def model_list(*, viewer, filters: ModelFilters = ModelFilters()) -> QuerySet[SelfManagementModel]:
    models = visible_models(viewer=viewer)
    if filters.unit_path:
        models = models.filter(paths.under("unit_path", filters.unit_path))
    if filters.type_id:
        models = models.filter(type_id=filters.type_id)
    if filters.status:
        models = models.filter(status=filters.status)
    if filters.recognised:
        models = models.exclude(recognition_level="")
    if filters.not_effective:
        models = models.filter(status=ModelStatus.RUNNING, last_rating=Effectiveness.NOT_EFFECTIVE)
    if filters.query:
        models = models.filter(Q(name__icontains=filters.query) | Q(description__icontains=filters.query))
    return (models.select_related("type", "unit")
            .annotate(site_count=_count(ModelSite), team_count=_count(ModelTeam))
            .order_by("unit_path", "name", "id"))


def model_get(*, viewer, pk: int) -> SelfManagementModel:
    return scoping.get_visible_or_404(
        SelfManagementModel.objects.select_related("type", "unit", "replicated_from", "created_by"), viewer, pk=pk)


def model_types(*, unit: AdministrativeUnit | None = None) -> QuerySet[ModelType]:
    """Active types used where `unit` is: the national ones and those of its province."""
    types = ModelType.objects.filter(is_active=True)
    if unit is not None and len(unit.ancestor_codes) > 1:
        types = types.filter(Q(province__isnull=True) | Q(province__code=unit.ancestor_codes[1]))
    else:
        types = types.filter(province__isnull=True)
    return types.order_by("order", "code")


@dataclass
class ModelParts:
    sites: list
    teams: list
    members: list
    funding: list
    ratings: list
    recognitions: list
    documents: list
    replicas: list
    commendations: list
    funding_total: int


def model_parts(*, model: SelfManagementModel) -> ModelParts:
    """Everything that hangs below a model, for its page (one query each)."""
    funding = list(model.funding.all())
    return ModelParts(
        sites=list(model.sites.select_related("unit").order_by("unit_path")),
        teams=list(model.teams.select_related("security_team")),
        members=list(model.members.only("id", "model_id", "full_name", "role")),
        funding=funding,
        ratings=list(model.ratings.select_related("rated_by")),
        recognitions=list(model.recognitions.all()),
        documents=list(model.documents.all()),
        replicas=list(model.replicas.select_related("unit").order_by("unit_path")),
        commendations=list(model.commendations.all()),
        funding_total=sum(item.amount for item in funding),
    )


@dataclass
class RegisterRow:
    unit: AdministrativeUnit
    models: int = 0
    running: int = 0
    sites: int = 0
    teams: int = 0
    recognised: int = 0
    effective: int = 0
    not_effective: int = 0


@dataclass
class Register:
    rows: list[RegisterRow]
    total: RegisterRow


def register(*, viewer, unit: AdministrativeUnit) -> Register:
    """Per unit directly below `unit`: models, sites and teams, recognised, effective and not effective.

    Models owned by `unit` itself count in the total only. Three queries, whatever the size.
    """
    children = list(AdministrativeUnit.objects.filter(parent=unit).order_by("name", "code"))
    rows = {child.path: RegisterRow(unit=child) for child in children}
    total = RegisterRow(unit=unit)
    depth = len(paths.codes(unit.path)) + 1

    def row_of(path: str) -> RegisterRow | None:
        return rows.get(paths.truncate(path, depth)) if len(paths.codes(path)) >= depth else None

    models = visible_models(viewer=viewer).filter(paths.under("unit_path", unit.path))
    for path, status, rating, level in models.values_list("unit_path", "status", "last_rating", "recognition_level"):
        for row in filter(None, (total, row_of(path))):
            row.models += 1
            row.running += status == ModelStatus.RUNNING
            row.recognised += bool(level)
            row.effective += status == ModelStatus.RUNNING and rating == Effectiveness.EFFECTIVE
            row.not_effective += status == ModelStatus.RUNNING and rating == Effectiveness.NOT_EFFECTIVE
    live = ~Q(model__status=ModelStatus.ENDED)
    sites = scoping.visible(ModelSite.objects.filter(live), viewer).filter(paths.under("unit_path", unit.path))
    for path in sites.values_list("unit_path", flat=True):
        for row in filter(None, (total, row_of(path))):
            row.sites += 1
    teams = defaultdict(int)
    for path in (models.exclude(status=ModelStatus.ENDED).filter(teams__isnull=False)
                 .values_list("unit_path", flat=True)):
        teams[path] += 1
    for path, number in teams.items():
        for row in filter(None, (total, row_of(path))):
            row.teams += number
    return Register(rows=list(rows.values()), total=total)
