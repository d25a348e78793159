"""binhan stats-rebuild: recompute every statistic from the raw tables (identical to the incremental figures)."""

from django.core.management.base import BaseCommand

from binhan.stats import engine


class Command(BaseCommand):
    help = "Recompute the statistics' facts and ledger from the domain tables."

    def add_arguments(self, parser):
        parser.add_argument("--chunked", action="store_true",
                            help="Commit as it goes, so that writers are not held up (figures are partial meanwhile).")

    def handle(self, *args, chunked=False, **options):
        def progress(name, count, seconds):
            self.stdout.write(f"{name}: {count} objects in {seconds:.1f} s")

        counts = engine.rebuild(progress=progress, chunked=chunked)
        self.stdout.write(self.style.SUCCESS(f"Rebuilt from {sum(counts.values())} objects."))
