from binhan.geo import selectors
from tests.factories import HouseholdFactory


def test_area_figures_for_commune_police(world, django_assert_num_queries):
    HouseholdFactory(unit=world.group_a, member_count=2)
    with django_assert_num_queries(3):
        figures = selectors.area_figures(viewer=world.police_a)
    assert figures == selectors.AreaFigures(units=2, groups=1, households=2, people=6)


def test_area_figures_for_province(world):
    assert selectors.area_figures(viewer=world.province_leader) == selectors.AreaFigures(
        units=5, groups=2, households=2, people=7)


def test_group_figures(world):
    assert selectors.group_figures(unit=world.group_a) == selectors.AreaFigures(
        units=1, groups=1, households=1, people=4)


def test_unit_roots_are_membership_units(world):
    assert list(selectors.unit_roots(viewer=world.police_a)) == [world.commune_a]
    assert list(selectors.unit_roots(viewer=world.admin)) == [world.nation]


def test_breadcrumb(world):
    assert selectors.unit_breadcrumb(world.group_a) == [world.nation, world.province, world.commune_a, world.group_a]


def test_unit_search_scoped(world):
    found = selectors.unit_list(viewer=world.police_a, query="Tổ dân phố")
    assert list(found) == [world.group_a]


def test_household_list_by_unit(world):
    assert list(selectors.household_list(viewer=world.province_leader, unit=world.commune_b)) == [world.household_b]
