from django.core.management.base import BaseCommand

from commission.reference import load_reference_data


class Command(BaseCommand):
    help = "Load or refresh the countries and the Busan location library from seeds/."

    def handle(self, *args, **options):
        counts = load_reference_data()
        self.stdout.write(
            f"{counts['countries']} countries and {counts['locations']} locations are up to date."
        )
