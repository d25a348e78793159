"""`binhan demo-logins`: the demo users, their password, role and unit, and where to sign in."""

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from binhan.demo import services


class Command(BaseCommand):
    @property
    def help(self) -> str:  # translated when asked for, in the active language
        return _("Print the demo users with their password, role and unit, and the sign-in address.")

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)

    def handle(self, *args, host, port, **options):
        logins = services.demo_logins()
        if not logins:
            self.stdout.write(_("There are no demo users in this database. Create them with: binhan demo"))
            return
        header = (_("Username"), _("Password"), _("Role"), _("Unit"))
        rows = [header, *((login.username, login.password, login.role, login.unit) for login in logins)]
        widths = [max(len(row[column]) for row in rows) for column in range(len(header))]
        lines = ["  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip()
                 for row in rows]
        lines.insert(1, "  ".join("-" * width for width in widths))
        self.stdout.write("\n".join(lines))
        self.stdout.write("")
        self.stdout.write(_("Sign in at %(url)s") % {"url": f"http://{host}:{port}/accounts/login/"})
