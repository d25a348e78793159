import pytest
from django.core.management import CommandError, call_command

from binhan.accounts import services
from binhan.core.models import AuditEvent


def test_api_token_create_prints_a_working_token(world, capsys):
    call_command("api-token", "create", "POLICE-A", "--name", "nightly export")
    printed = capsys.readouterr().out.strip()
    assert printed.startswith("bha_")
    assert services.api_token_authenticate(printed) == world.police_a
    event = AuditEvent.objects.get(action="api_token.create")
    assert (event.actor, event.unit_path, event.changes["name"]) == (None, world.commune_a.path,
                                                                     [None, "nightly export"])


def test_api_token_unknown_user(db):
    with pytest.raises(CommandError, match="No user is called"):
        call_command("api-token", "create", "ghost")
