"""`binhan import-households FILE.csv`: households into existing residential groups."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from binhan.core.exceptions import ServiceError
from binhan.geo import importers


class Command(BaseCommand):
    @property
    def help(self) -> str:  # translated when asked for, in the active language
        return _(
            "Add households to residential groups from a CSV file with the columns "
            "group_code,address,member_count,head_name,head_phone,code. Nothing is imported if any row is wrong."
        )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, help=_("CSV file of households"))

    def handle(self, *args, file: Path, **options):
        try:
            with file.open(encoding="utf-8-sig", newline="") as stream:
                result = importers.import_households_csv(stream, source=file.name)
        except OSError as error:
            raise CommandError(_("Cannot read %(file)s: %(error)s") % {"file": file, "error": error.strerror}) from None
        except importers.ImportRejected as rejected:
            for error in rejected.errors:
                self.stderr.write(str(error))
            raise CommandError(rejected.message) from None
        except ServiceError as error:
            raise CommandError(error.message) from None
        self.stdout.write(self.style.SUCCESS(
            _("Households: %(created)s created, %(updated)s updated, %(unchanged)s unchanged.")
            % {"created": result.created, "updated": result.updated, "unchanged": result.unchanged}
        ))
