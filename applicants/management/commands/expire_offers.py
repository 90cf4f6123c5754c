from django.core.management.base import BaseCommand

from applicants.services import offers_expire


class Command(BaseCommand):
    help = "Close offers past their reply deadline and offer each seat to the next waitlisted."

    def handle(self, *args, **options):
        expired = offers_expire()
        self.stdout.write(f"{expired} expired offers closed; their seats were offered on.")
