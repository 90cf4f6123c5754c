from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.test.utils import override_settings

from commission import two_factor
from commission.demo import DemoBuilder


class Command(BaseCommand):
    help = "Build the demo season (safe to run twice). Refuses to run in production."

    def handle(self, *args, **options):
        if settings.PRODUCTION:
            raise CommandError("seed_demo would put demo accounts in production; refused.")
        # Demo accounts need no real mail.
        builder = DemoBuilder()
        with override_settings(EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend"):
            made = builder.run()
        self.stdout.write(
            f"Demo ready ({len(made)} new records)." if made else "Demo already loaded."
        )
        self.stdout.write(f"Demo logins (password: {builder.password}):")
        for email in [
            "manager@example.org",
            "reviewer@example.org",
            "permits@example.org",
            "logistics@example.org",
            "applicant@example.org",
            builder.settings["participant"],
        ]:
            self.stdout.write(f"  {email}")
        self.stdout.write(
            "The manager and the logistics coordinator then give a second factor: the code of\n"
            f"  an authenticator app set up with the secret {two_factor.DEMO_SECRET},\n"
            "  or the one `python manage.py demo_code` prints."
        )
