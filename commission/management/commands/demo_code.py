from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from commission import two_factor


class Command(BaseCommand):
    help = (
        "Print the demo staff's second-factor code of this moment (the demo's authenticator, "
        "see seed_demo). Refuses to run in production."
    )

    def handle(self, *args, **options):
        if settings.PRODUCTION:
            raise CommandError("demo_code is for the demo only; refused in production.")
        self.stdout.write(two_factor.demo_code())
        self.stdout.write(
            f"(valid about 30 seconds; or add the secret {two_factor.DEMO_SECRET} to an "
            "authenticator app)",
            style_func=self.style.NOTICE,
        )
