from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from applicants.models import Cohort
from commission.exporters import CohortReport


class Command(BaseCommand):
    help = "Write a cohort's report workbook (.xlsx): the same as the desk's Export button."

    def add_arguments(self, parser):
        parser.add_argument("--cohort", required=True, help="the cohort's slug, e.g. fly-2026")
        parser.add_argument("-o", "--output", required=True, help="the .xlsx file to write")
        parser.add_argument(
            "--personal-data",
            action="store_true",
            help="include birth dates, passports and guardians in the roster (as a programme"
            " manager's export does)",
        )
        parser.add_argument("--language", default="en", help="language of the headers (en, ko)")

    def handle(self, *args, cohort, output, personal_data, language, **options):
        try:
            found = Cohort.objects.get(slug=cohort)
        except Cohort.DoesNotExist:
            known = ", ".join(Cohort.objects.order_by("slug").values_list("slug", flat=True))
            raise CommandError(f"No cohort {cohort!r}. Known cohorts: {known or 'none'}.") from None
        path = Path(output)
        if path.suffix.lower() != ".xlsx":
            raise CommandError(f"{output} should end in .xlsx: it is an Excel workbook.")
        if not path.parent.is_dir():
            raise CommandError(f"No folder {path.parent} to write {path.name} into.")
        # Written aside, then moved: a failed export never leaves half a workbook behind.
        partial = path.with_name(path.name + ".part")
        try:
            with translation.override(language):
                CohortReport(cohort=found, personal_data=personal_data).write(partial)
            partial.replace(path)
        finally:
            partial.unlink(missing_ok=True)
        self.stdout.write(f"Wrote {path} ({path.stat().st_size:,} bytes).")
