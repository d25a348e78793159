"""`binhan import-units --vietnam [--province CODE]` or `binhan import-units FILE.csv`."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from binhan.core.exceptions import ServiceError
from binhan.geo import importers


class Command(BaseCommand):
    @property
    def help(self) -> str:  # translated when asked for, in the active language
        return _(
            "Load administrative units: the official Vietnamese provinces and communes (--vietnam), "
            "or units from a CSV file with the columns code,parent_code,level,name,lat,lon."
        )

    def add_arguments(self, parser):
        parser.add_argument("file", nargs="?", type=Path, help=_("CSV file of units to add or update"))
        parser.add_argument("--vietnam", action="store_true",
                            help=_("Load the 34 provinces and their communes from the vietnam-provinces package"))
        parser.add_argument("--province", metavar="CODE", help=_("With --vietnam: load only this province"))

    def handle(self, *args, file: Path | None, vietnam: bool, province: str | None, **options):
        if bool(file) == vietnam:
            raise CommandError(_("Give either a CSV file or --vietnam."))
        if province and not vietnam:
            raise CommandError(_("--province goes with --vietnam."))
        try:
            if vietnam:
                result = importers.import_vietnam(province_code=province)
            else:
                with _open(file) as stream:
                    result = importers.import_units_csv(stream, source=file.name)
        except importers.ImportRejected as rejected:
            for error in rejected.errors:
                self.stderr.write(str(error))
            raise CommandError(rejected.message) from None
        except ServiceError as error:
            raise CommandError(error.message) from None
        self.stdout.write(self.style.SUCCESS(
            _("Units: %(created)s created, %(updated)s updated, %(unchanged)s unchanged.")
            % {"created": result.created, "updated": result.updated, "unchanged": result.unchanged}
        ))


def _open(file: Path):
    try:
        # utf-8-sig: spreadsheets often save CSV with a byte-order mark.
        return file.open(encoding="utf-8-sig", newline="")
    except OSError as error:
        raise CommandError(_("Cannot read %(file)s: %(error)s") % {"file": file, "error": error.strerror}) from None
