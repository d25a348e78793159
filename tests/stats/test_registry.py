"""The registry's lookup of the sources an outbox event may change."""

from binhan.stats import registry


class _Parcels(registry.Source):
    name = "tests.parcel"
    events = ("parcel.",)
    payload_id = "parcel_id"


def test_an_event_finds_the_sources_whose_prefix_it_matches():
    names = [source.name for source in registry.sources_for("report.created")]
    assert names == ["reports.report"]
    assert registry.sources_for("nothing.counts.this") == []


def test_a_source_registered_later_is_found_for_an_event_looked_up_before():
    assert registry.sources_for("parcel.delivered") == []  # looked up (and remembered) before
    parcels = registry.register(_Parcels())
    try:
        assert registry.sources_for("parcel.delivered") == [parcels]
        assert parcels.ids_from_event("parcel.delivered", {"parcel_id": 7}) == [7]
    finally:
        registry._sources.pop(parcels.name)
        registry._sources_by_event.clear()
