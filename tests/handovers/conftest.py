"""Helpers of the handover tests."""

from datetime import date

from binhan.handovers.services import handovers as services

DAY = date(2026, 3, 10)


def record(world, *, actor=None, commune=None, items=None, **fields):
    values = {"received_on": DAY, "place": "Công an phường", "donor_name": "Nguyễn Văn Giao",
              "donor_id_number": "001203004567"}
    values.update(fields)
    return services.handover_record(
        actor=actor or world.police_a, commune=commune or world.commune_a,
        items=items if items is not None else [{"category": "gun_homemade", "quantity": 2},
                                               {"category": "ammunition", "quantity": 30},
                                               {"category": "explosive", "quantity": "1.5"}], **values)
