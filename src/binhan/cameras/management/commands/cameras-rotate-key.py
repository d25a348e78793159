"""`binhan cameras-rotate-key [--batch-size N] [--dry-run]`: re-encrypt every stored stream address and
credential with the current key (BINHAN_CAMERAS_KEY), reading the old ones with BINHAN_CAMERAS_OLD_KEYS."""

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from binhan.cameras import services


class Command(BaseCommand):
    @property
    def help(self) -> str:  # translated when asked for, in the active language
        return _("Re-encrypt the cameras' stream addresses and credentials with the current key. Safe to run "
                 "again; secrets no configured key opens are reported and left as they are.")

    def add_arguments(self, parser):
        parser.add_argument("--batch-size", type=int, default=500,
                            help=_("Cameras per transaction (default: 500)"))
        parser.add_argument("--dry-run", action="store_true", help=_("Count what would change; write nothing"))

    def handle(self, *args, batch_size=500, dry_run=False, **options):
        if batch_size < 1:
            raise CommandError(_("The batch size must be at least 1."))
        # An operator on the server acts for the system (actor None in the audit log).
        def progress(so_far):
            self.stderr.write(f"{so_far.cameras} cameras: {so_far.rotated} re-encrypted, {so_far.current} current, "
                              f"{so_far.unreadable} unreadable")

        result = services.streams_rotate_key(batch_size=batch_size, dry_run=dry_run,
                                             progress=progress if options.get("verbosity", 1) > 1 else None)
        counts = {"cameras": result.cameras, "rotated": result.rotated, "current": result.current,
                  "unreadable": result.unreadable}
        if dry_run:
            line = _("Dry run, nothing written. Cameras with stream details: %(cameras)s. Secrets to re-encrypt: "
                     "%(rotated)s; already under the current key: %(current)s; cannot be read: "
                     "%(unreadable)s.") % counts
        else:
            line = _("Cameras with stream details: %(cameras)s. Secrets re-encrypted: %(rotated)s; already under the "
                     "current key: %(current)s; cannot be read: %(unreadable)s.") % counts
        self.stdout.write(self.style.SUCCESS(line) if not result.unreadable else line)
        if result.unreadable:
            self.stderr.write(self.style.WARNING(_(
                "No configured key opens the stream details of these cameras; they were left as they are: "
                "%(ids)s. Add the secret they were written with to BINHAN_CAMERAS_OLD_KEYS and run again, or ask "
                "the owners to enter them again.") % {"ids": ", ".join(map(str, result.unreadable_cameras))}))
