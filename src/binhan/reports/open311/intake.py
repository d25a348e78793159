"""POST requests: read the form-encoded fields of GeoReport v2 and hand them to the report services.

A request with no name, phone or email is anonymous: nothing that could identify the person
is kept, not the device or account id either. `media_url` is kept as given, never fetched.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from datetime import datetime

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator, validate_email
from django.db import connection
from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import gettext as _

from binhan.core import ratelimit
from binhan.core.db import group_commit
from binhan.core.exceptions import ServiceError
from binhan.geo.models import AdministrativeUnit, Level
from binhan.reports import locate, services
from binhan.reports.models import Category, Open311Client, QuestionType, Source
from binhan.reports.open311 import records

ATTRIBUTE = re.compile(r"^attribute\[([^\[\]]{1,100})\](\[\])?$")
MAX_URL = 1000
MAX_ID = 100
_url = URLValidator(schemes=["http", "https"])


@dataclass
class Intake:
    category: Category
    description: str = ""
    lat: float | None = None
    lon: float | None = None
    group: AdministrativeUnit | None = None
    address: str = ""
    answers: dict = field(default_factory=dict)
    name: str = ""
    phone: str = ""
    email: str = ""
    media_url: str = ""
    device_id: str = ""
    account_id: str = ""

    @property
    def anonymous(self) -> bool:
        return not (self.name or self.phone or self.email)


def _value(data: QueryDict, name: str) -> str:
    return (data.get(name) or "").strip()


def _coordinate(raw: str) -> float | None:
    try:
        value = float(raw)
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def _answers(category: Category, data: QueryDict, problems: list[str]) -> dict:
    given: dict[str, list[str]] = {}
    for key, values in data.lists():
        match = ATTRIBUTE.match(key)
        if match:
            given.setdefault(match.group(1), []).extend(v.strip() for v in values if v.strip())
    answers: dict = {}
    for question in category.questions:
        code, kind = question["code"], question.get("type", QuestionType.TEXT)
        values = given.get(code, [])
        if not values:
            continue
        question_label = records.label(question.get("label", {}), code)
        if kind == QuestionType.MULTIPLE:
            answers[code] = values
        elif kind == QuestionType.NUMBER and _coordinate(values[0]) is None:
            problems.append(_("%(question)s must be a number.") % {"question": question_label})
        elif kind == QuestionType.DATE and "T" in values[0]:
            try:
                moment = datetime.fromisoformat(values[0])
            except ValueError:
                problems.append(_("%(question)s must be a date (YYYY-MM-DD).") % {"question": question_label})
                continue
            answers[code] = (timezone.localtime(moment) if timezone.is_aware(moment) else moment).date().isoformat()
        else:
            answers[code] = values[0]
    return answers


def parse(data: QueryDict) -> tuple[Intake | None, list[str]]:
    """The request's fields, or the list of what is wrong with them (translated)."""
    problems: list[str] = []
    code = _value(data, "service_code")
    category = None
    if not code:
        problems.append(_("service_code was not provided."))
    else:
        category = records.intake_category(code)
        if category is None:
            problems.append(_("service_code %(code)s was not found.") % {"code": code[:100]})

    intake = Intake(category=category, description=data.get("description") or "",
                    address=_value(data, "address_string"))
    raw_lat, raw_lon = _value(data, "lat"), _value(data, "long")
    if raw_lat or raw_lon:
        if not (raw_lat and raw_lon):
            problems.append(_("Give both lat and long, or neither."))
        else:
            intake.lat, intake.lon = _coordinate(raw_lat), _coordinate(raw_lon)
            if intake.lat is None or intake.lon is None:
                problems.append(_("lat and long must be numbers (WGS84 degrees)."))
    address_id = _value(data, "address_id")
    if address_id:
        intake.group = AdministrativeUnit.objects.filter(code=address_id[:40], level=Level.GROUP).first()
        if intake.group is None:
            problems.append(_("address_id %(id)s is not the code of a residential group or village.")
                            % {"id": address_id[:40]})
    if not (raw_lat or raw_lon or address_id):
        if intake.address:
            problems.append(_("We cannot place an address_string on the map: send lat and long, or the code of the "
                              "residential group as address_id."))
        else:
            problems.append(_("A location is required: lat and long, or address_id (the code of the residential "
                              "group)."))

    intake.name = " ".join(part for part in (_value(data, "first_name"), _value(data, "last_name")) if part)
    intake.phone, intake.email = _value(data, "phone"), _value(data, "email")
    if intake.email:
        try:
            validate_email(intake.email)
        except ValidationError:
            problems.append(_("The email address is not valid."))
    intake.media_url = _value(data, "media_url")
    if intake.media_url:
        try:
            if len(intake.media_url) > MAX_URL:
                raise ValidationError("too long")
            _url(intake.media_url)
        except ValidationError:
            problems.append(_("media_url must be an http or https address of at most 1,000 characters."))
    intake.device_id, intake.account_id = _value(data, "device_id")[:MAX_ID], _value(data, "account_id")[:MAX_ID]
    if category is not None:
        intake.answers = _answers(category, data, problems)
    return (None if problems else intake), problems


def service_notice(report) -> str:
    """What the client shows the reporter: who takes it on, and the emergency numbers."""
    commune = locate.commune_of(report.unit)
    if commune is None:
        return _("Thank you. The police will look at your report. In an emergency call 113 (police) or 114 (fire).")
    return _("Thank you. The police of %(commune)s will look at your report. In an emergency call 113 (police) "
             "or 114 (fire).") % {"commune": commune.display_name}


def request_prepare(*, client: Open311Client, intake: Intake) -> services.PreparedReport:
    """Check the request as a report, without writing anything: raises ServiceError or ValidationError."""
    prepared = services.report_prepare(
        category=intake.category, description=intake.description, group=intake.group, lat=intake.lat,
        lon=intake.lon, address=intake.address, answers=intake.answers, reporter_name=intake.name,
        reporter_phone=intake.phone, reporter_email=intake.email, anonymous=intake.anonymous,
        source=Source.OPEN311, open311_client=client,
    )
    report = prepared.report
    if client.province_id:
        province = locate.unit_by_id(client.province_id)
        if province is not None and not report.unit_path.startswith(province.path):
            raise ServiceError(_("This key may only send reports from %(province)s.")
                               % {"province": province.display_name}, field="location")
    # report_prepare keeps only the answers to the category's questions; these ride along in the same row.
    extra = {"media_url": intake.media_url} if intake.media_url else {}
    if not intake.anonymous:
        extra.update({key: value for key, value in (("device_id", intake.device_id),
                                                    ("account_id", intake.account_id)) if value})
    if extra:
        report.answers = {**report.answers, **extra}
    return prepared


def count_and_store(*, client: Open311Client,
                    prepared: services.PreparedReport | None) -> services.NewReport | None:
    """Count the request against the key's rate, then store the report when there is one.

    SQLite writes one transaction at a time, so a count kept in the database rides in the report's
    transaction. PostgreSQL counts first, in a statement of its own on an unlogged table: inside the
    report's transaction the counter's row would stay locked until that commit reached the disk,
    and the key's other requests would queue behind it instead of sharing a flush. A count kept in
    Redis is also made first, so that its round trip is not made under SQLite's writers' lock.
    """
    key, rate = f"open311-key:{client.key_id}", f"{client.rate_per_second}/s"
    count_first = connection.vendor == "postgresql" or not ratelimit.counts_in_database()
    if count_first:
        ratelimit.hit(key, rate)
        if prepared is None:
            return None
    if connection.vendor == "postgresql":
        return services.report_store(prepared)  # one statement, a transaction of its own (rows.insert_all)
    with group_commit.transaction():  # one commit for the reports waiting together (core/db/group_commit.py)
        if not count_first:
            ratelimit.hit(key, rate)
        return services.report_store(prepared) if prepared is not None else None
