"""CAP 1.2 documents validated against the official schema, and the Atom feed."""

from pathlib import Path

import pytest
from django.urls import reverse

from binhan.alerts import services

lxml_etree = pytest.importorskip("lxml.etree")
# Our own server's answers, parsed without network access or entity expansion.
PARSER = lxml_etree.XMLParser(resolve_entities=False, no_network=True)


def parse(content: bytes):
    return lxml_etree.fromstring(content, PARSER)
XSD = Path("/work/shared/standards/CAP-v1.2.xsd")
if not XSD.exists():
    XSD = Path(__file__).resolve().parents[3] / "shared" / "standards" / "CAP-v1.2.xsd"
CAP = "{urn:oasis:names:tc:emergency:cap:1.2}"
ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture(scope="module")
def schema():
    return lxml_etree.XMLSchema(lxml_etree.parse(str(XSD)))


def validate(schema, content: bytes):
    document = parse(content)
    assert schema.validate(document), schema.error_log
    return document


def test_cap_document_is_valid_with_languages_polygon_circle_and_geocodes(world, send_alert, client, schema):
    world.group_a.centre_lat, world.group_a.centre_lon = 20.95, 107.05
    world.group_a.save()
    alert = send_alert(world.police_a, [world.group_a], circle={"lat": 20.95, "lon": 107.05, "radius_km": 1.5},
                       polygon=[[20.9, 107.0], [20.9, 107.1], [21.0, 107.1], [21.0, 107.0]])
    response = client.get(reverse("alerts:cap", args=[alert.pk]))
    assert response["Content-Type"].startswith("application/cap+xml")
    root = validate(schema, response.content)
    infos = root.findall(f"{CAP}info")
    assert [i.findtext(f"{CAP}language") for i in infos] == ["vi-VN", "en-US"]
    assert [i.findtext(f"{CAP}headline") for i in infos] == ["Cảnh báo trộm cắp", "Theft warning"]
    area = infos[0].find(f"{CAP}area")
    assert (area.findtext(f"{CAP}circle"), area.findtext(f"{CAP}geocode/{CAP}value")) == (
        "20.950000,107.050000 1.5", "7090-001")
    assert area.findtext(f"{CAP}polygon").split(" ")[0] == area.findtext(f"{CAP}polygon").split(" ")[-1]
    assert (root.findtext(f"{CAP}msgType"), infos[0].findtext(f"{CAP}severity"),
            infos[0].findtext(f"{CAP}category")) == ("Alert", "Severe", "Security")


def test_cancelled_alert_becomes_a_valid_cancel(world, send_alert, client, schema):
    alert = send_alert(world.police_a, [world.group_a])
    services.alert_cancel(actor=world.police_a, alert=alert)
    root = validate(schema, client.get(reverse("alerts:cap", args=[alert.pk])).content)
    assert (root.findtext(f"{CAP}msgType"), root.findtext(f"{CAP}references").split(",")[1]) == (
        "Cancel", f"binhan-alert-{alert.pk}")


def test_drafts_and_non_public_alerts_have_no_cap_document(world, send_alert, client):
    draft = services.alert_create(actor=world.police_a,
                                  data=__import__("tests.alerts.conftest", fromlist=["x"]).make_input([world.group_a]))
    private = send_alert(world.police_a, [world.group_a], is_public=False)
    assert [client.get(reverse("alerts:cap", args=[a.pk])).status_code for a in (draft, private)] == [404, 404]


def test_atom_feed_links_each_entry_to_its_cap_document(world, send_alert, client):
    alert_a = send_alert(world.police_a, [world.group_a])
    alert_b = send_alert(world.police_b, [world.group_b])
    send_alert(world.police_a, [world.group_a], is_public=False)
    feed = parse(client.get(reverse("alerts:feed")).content)
    entries = feed.findall(f"{ATOM}entry")
    assert len(entries) == 2
    links = [link.get("href") for e in entries for link in e.findall(f"{ATOM}link")
             if link.get("type") == "application/cap+xml"]
    assert sorted(links) == sorted(f"http://testserver/alerts/cap/{a.pk}.xml" for a in (alert_a, alert_b))
    one_unit = parse(client.get(reverse("alerts:feed") + "?unit=7090").content)
    assert [e.findtext(f"{ATOM}id") for e in one_unit.findall(f"{ATOM}entry")] == [f"urn:binhan:alert:{alert_a.pk}"]
    assert client.get(reverse("alerts:feed") + "?unit=NOPE").status_code == 404


def test_every_cap_document_of_the_demo_is_valid(world, send_alert, client, schema):
    for severity, category, urgency in [("extreme", "fire", "immediate"), ("minor", "legal", "future"),
                                        ("moderate", "weather", "unknown"), ("severe", "health", "past")]:
        alert = send_alert(world.police_a, [world.commune_a], severity=severity, category=category, urgency=urgency)
        validate(schema, client.get(reverse("alerts:cap", args=[alert.pk])).content)
