from django.core.management.base import BaseCommand

from applicants.services import blind_copies_backfill


class Command(BaseCommand):
    help = (
        "Make the blind copies reviewers get of documents uploaded before there were any, "
        "and ask applicants of blind cohorts whose documents name them for anonymised versions."
    )

    def handle(self, *args, **options):
        made, asked = blind_copies_backfill()
        self.stdout.write(f"{made} blind copies made; {asked} applicants asked to anonymise.")
