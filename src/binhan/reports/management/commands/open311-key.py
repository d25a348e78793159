"""`binhan open311-key create NAME [--rate N] [--province CODE]` prints a new Open311 key (shown once);
`binhan open311-key list` and `binhan open311-key revoke KEY_ID`."""

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from binhan.core.exceptions import ServiceError
from binhan.geo.models import AdministrativeUnit, Level
from binhan.reports.models import Open311Client
from binhan.reports.open311 import keys


class Command(BaseCommand):
    help = "Create, list or revoke the keys applications use to send reports through Open311."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        create = sub.add_parser("create", help="Create a key; it is printed once and only its hash is kept")
        create.add_argument("name")
        create.add_argument("--rate", type=int, default=10, help="Requests per second allowed (default 10)")
        create.add_argument("--province", default="", help="Code of the province the key may send reports from")
        sub.add_parser("list", help="List the keys")
        revoke = sub.add_parser("revoke", help="Revoke a key by its key id")
        revoke.add_argument("key_id")

    def handle(self, *args, action, **options):
        # An operator on the server acts for the system (actor None in the audit log).
        if action == "create":
            province = None
            if options["province"]:
                province = AdministrativeUnit.objects.filter(code=options["province"], level=Level.PROVINCE).first()
                if province is None:
                    raise CommandError(_("No province has the code %(code)s.") % {"code": options["province"]})
            try:
                _client, full = keys.client_create(actor=None, name=options["name"], province=province,
                                                   rate_per_second=options["rate"])
            except ServiceError as error:
                raise CommandError(str(error.message)) from None
            self.stdout.write(full)
        elif action == "list":
            for client in Open311Client.objects.select_related("province").order_by("created_at", "id"):
                state = f"revoked {client.revoked_at:%Y-%m-%d %H:%M}" if client.revoked_at else "active"
                province = client.province.code if client.province else "*"
                self.stdout.write(f"{client.key_id}\t{province}\t{client.rate_per_second}/s\t{state}\t{client.name}")
        else:
            client = Open311Client.objects.filter(key_id=options["key_id"]).first()
            if client is None:
                raise CommandError(_("No key has the id %(key_id)s.") % {"key_id": options["key_id"]})
            keys.client_revoke(actor=None, client=client)
            self.stdout.write(_("Revoked %(key_id)s (%(name)s).") % {"key_id": client.key_id, "name": client.name})
