"""Shared fixtures: a small world of two communes, and one user per role."""

import contextlib
from dataclasses import dataclass
from functools import partial

import pytest

from binhan.accounts.models import User
from binhan.accounts.roles import Role
from binhan.geo.models import AdministrativeUnit, Household, Level
from tests.factories import HouseholdFactory, UnitFactory, UserFactory, grant


def pytest_collection_modifyitems(items):
    """Every test that uses the database may use all of them: on SQLite the statistics have a file of their
    own (core/db/router.py), and pages, services and the follower reach it as the application does."""
    for item in items:
        marker = item.get_closest_marker("django_db")
        if marker is not None:
            item.add_marker(pytest.mark.django_db(*marker.args, **{**marker.kwargs, "databases": "__all__"}),
                            append=False)
        elif {"db", "transactional_db", "live_server"} & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.django_db(databases="__all__"), append=False)


class _AllQueries:
    """The queries of every database connection of this thread, as one list."""

    def __init__(self, contexts):
        self.contexts = contexts

    @property
    def captured_queries(self) -> list[dict]:
        return [query for context in self.contexts for query in context.captured_queries]

    def __len__(self) -> int:
        return len(self.captured_queries)


@contextlib.contextmanager
def _assert_num_queries(config, num: int, exact: bool = True, info: str | None = None):
    """pytest-django's assertion, counted over all the databases (the statistics' file on SQLite included), so
    that a page costs the same number of queries on SQLite as on PostgreSQL."""
    from django.db import connections
    from django.test.utils import CaptureQueriesContext

    with contextlib.ExitStack() as stack:
        queries = _AllQueries([stack.enter_context(CaptureQueriesContext(connections[alias]))
                               for alias in connections])
        yield queries
        performed = len(queries)
    if (num != performed) if exact else (performed > num):
        message = f"Expected to perform {num} queries {'' if exact else 'or less '}but {performed} were done"
        if info:
            message += f"\n{info}"
        if config.getoption("verbose") > 0:
            message += "\n\nQueries:\n========\n\n" + "\n\n".join(q["sql"] for q in queries.captured_queries)
        pytest.fail(message)


@pytest.fixture
def django_assert_num_queries(pytestconfig):
    return partial(_assert_num_queries, pytestconfig)


@pytest.fixture
def django_assert_max_num_queries(pytestconfig):
    return partial(_assert_num_queries, pytestconfig, exact=False)


@dataclass
class World:
    nation: AdministrativeUnit
    province: AdministrativeUnit
    commune_a: AdministrativeUnit
    commune_b: AdministrativeUnit
    group_a: AdministrativeUnit
    group_b: AdministrativeUnit
    household_a: Household
    household_b: Household
    police_a: User
    police_b: User
    leader_a: User
    province_leader: User
    group_leader_a: User
    resident_a: User
    auditor_a: User
    admin: User
    outsider: User


@pytest.fixture
def world(db) -> World:
    nation = UnitFactory(code="VN", name="Việt Nam", level=Level.NATION)
    province = UnitFactory(code="22", name="Quảng Ninh", level=Level.PROVINCE, parent=nation)
    commune_a = UnitFactory(code="7090", name="Phường An Sinh", level=Level.COMMUNE, parent=province)
    commune_b = UnitFactory(code="7093", name="Phường Đông Triều", level=Level.COMMUNE, parent=province)
    group_a = UnitFactory(code="7090-001", name="Tổ dân phố 1", level=Level.GROUP, parent=commune_a)
    group_b = UnitFactory(code="7093-001", name="Tổ dân phố 1", level=Level.GROUP, parent=commune_b)
    household_a = HouseholdFactory(unit=group_a, address="Số 1 phố An Sinh", member_count=4)
    household_b = HouseholdFactory(unit=group_b, address="Số 2 phố Đông Triều", member_count=3)

    def user(name, unit=None, role=None):
        person = UserFactory(username=name)
        if unit is not None:
            grant(person, unit, role)
        return person

    return World(
        nation=nation, province=province, commune_a=commune_a, commune_b=commune_b,
        group_a=group_a, group_b=group_b, household_a=household_a, household_b=household_b,
        police_a=user("police-a", commune_a, Role.COMMUNE_POLICE),
        police_b=user("police-b", commune_b, Role.COMMUNE_POLICE),
        leader_a=user("leader-a", commune_a, Role.COMMUNE_LEADER),
        province_leader=user("province-leader", province, Role.PROVINCE_LEADER),
        group_leader_a=user("group-leader-a", group_a, Role.GROUP_LEADER),
        resident_a=user("resident-a", group_a, Role.RESIDENT),
        auditor_a=user("auditor-a", commune_a, Role.AUDITOR),
        admin=user("admin", nation, Role.ADMIN),
        outsider=user("outsider"),
    )


@pytest.fixture(scope="session", autouse=True)
def _notify_thread_ends_before_the_test_database(django_db_setup):
    """The NOTIFY thread keeps a connection to the test database; close it before the database is dropped."""
    yield
    from binhan.core import events

    events._waker.stop()


@pytest.fixture(autouse=True)
def _english():
    """Tests read English messages; the default language (Vietnamese) is tested explicitly."""
    from django.utils import translation

    with translation.override("en"):
        yield


@pytest.fixture
def client():
    from django.test import Client

    return Client(HTTP_ACCEPT_LANGUAGE="en")


@pytest.fixture
def token_for():
    """Authorization headers with a fresh API token of `user`."""
    from binhan.accounts import services as account_services

    def make(user):
        _token, full = account_services.api_token_create(actor=user, user=user, name="test")
        return {"HTTP_AUTHORIZATION": f"Bearer {full}"}

    return make


@pytest.fixture
def login(client):
    """Sign a user in on the test client and return the client."""

    def do(user):
        client.force_login(user, backend="binhan.accounts.backends.UsernamePhoneOrEmailBackend")
        return client

    return do


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Rate-limit counters live in the cache; each test starts with none."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()
