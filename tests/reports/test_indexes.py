"""The report table's indexes as migration 0007 leaves them: links indexed only where set, the tally's triggers kept."""

import pytest
from django.db import connection

from binhan.reports.models import Report

pytestmark = pytest.mark.django_db


def _indexes() -> dict[str, str]:
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, Report._meta.db_table)
    return {name: info["columns"] for name, info in constraints.items() if info["index"] and not info["primary_key"]}


def test_the_links_empty_for_most_reports_have_partial_indexes_and_the_category_none_of_its_own():
    indexes = _indexes()
    assert {"rep_assigned", "rep_duplicate_of", "rep_reporter", "rep_category_time"} <= set(indexes)
    for column in ("assigned_to_id", "duplicate_of_id", "reporter_id", "category_id"):
        whole = [name for name, columns in indexes.items() if columns == [column] and not name.startswith("rep_")]
        assert whole == [], f"{column} still has a full index: {whole}"


def test_the_tally_triggers_survive_the_migration():
    if connection.vendor == "sqlite":
        sql = "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'reports_report'"
    else:
        sql = "SELECT tgname FROM pg_trigger WHERE tgrelid = 'reports_report'::regclass AND NOT tgisinternal"
    with connection.cursor() as cursor:
        cursor.execute(sql)
        triggers = {row[0] for row in cursor.fetchall()}
    assert len(triggers) >= 3


@pytest.mark.parametrize(("lookup", "index"), [
    ({"reporter_id": 7}, "rep_reporter"), ({"assigned_to_id": 7}, "rep_assigned"),
    ({"duplicate_of_id": 7}, "rep_duplicate_of"),
])
def test_sqlite_answers_a_link_lookup_from_its_partial_index(lookup, index):
    if connection.vendor != "sqlite":
        pytest.skip("SQLite's plan; PostgreSQL's depends on its statistics")
    plan = Report.objects.filter(**lookup).explain()
    assert index in plan
