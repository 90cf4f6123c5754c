from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ShootsConfig(AppConfig):
    name = "shoots"
    verbose_name = _("Shoots")

    def ready(self):
        from applicants.signals import person_erased

        from . import exports  # noqa: F401 (registers the app's workbooks with the desk's exports)
        from .services import support_person_erase

        person_erased.connect(support_person_erase, dispatch_uid="shoots.support_person_erase")
