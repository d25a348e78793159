"""`binhan api-token create USERNAME [--name NAME]` prints a new API token (shown once)."""

from django.core.management.base import BaseCommand, CommandError

from binhan.accounts import services
from binhan.accounts.models import User


class Command(BaseCommand):
    help = "Create an API token for a user; the token is printed once and only its hash is kept."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        create = sub.add_parser("create", help="Create a token")
        create.add_argument("username")
        create.add_argument("--name", default="command line")

    def handle(self, *args, action, username, name, **options):
        user = User.objects.filter(username__iexact=username).first()
        if user is None:
            raise CommandError(f"No user is called {username!r}.")
        # An operator on the server acts for the system, not as the user (actor None in the audit log).
        _token, full = services.api_token_create(actor=None, user=user, name=name)
        self.stdout.write(full)
