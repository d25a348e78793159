"""`binhan demo [--province CODE] [--size small|medium|large] [--seed N] [--if-empty]`."""

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from binhan.core.exceptions import ServiceError
from binhan.demo import services
from binhan.demo.registry import PUBLIC_SIZES, SIZES


class Command(BaseCommand):
    @property
    def help(self) -> str:  # translated when asked for, in the active language
        return _(
            "Fill an empty database with a demo province: its real communes, invented residential groups, "
            "households and one demo user per role (password: demo). The same seed gives the same data."
        )

    def add_arguments(self, parser):
        parser.add_argument("--province", default=services.DEFAULT_PROVINCE, metavar="CODE",
                            help=_("Statistics code of the province (default: 22, Quảng Ninh)"))
        parser.add_argument("--size", default="small", choices=list(SIZES), metavar="{" + ",".join(PUBLIC_SIZES) + "}",
                            help=_("small: 10 communes, 20,000 households; medium: 200,000; large: 1,000,000"))
        parser.add_argument("--seed", type=int, default=1, help=_("Random seed (default: 1)"))
        parser.add_argument("--if-empty", action="store_true",
                            help=_("Do nothing if the database already holds demo data"))

    def handle(self, *args, province: str, size: str, seed: int, if_empty: bool, **options):
        if if_empty and services.demo_exists():
            self.stdout.write(_("The database already holds demo data; it is reused as it is."))
            return
        try:
            ctx = services.demo_generate(province_code=province, size=size, seed=seed, log=self.stdout.write)
        except ServiceError as error:
            raise CommandError(error.message) from None
        counts = ", ".join(f"{kind}: {number:,}" for kind, number in ctx.counts.items())
        self.stdout.write(self.style.SUCCESS(
            _("Demo data ready in %(seconds).1f s (%(counts)s).") % {"seconds": ctx.extra["seconds"], "counts": counts}
        ))
        self.stdout.write(_("See the sign-ins with: binhan demo-logins"))
