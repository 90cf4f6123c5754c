from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApplicantsConfig(AppConfig):
    name = "applicants"
    verbose_name = _("Applicants")

    def ready(self):
        from . import (
            exports,  # noqa: F401 (registers the app's workbooks with the desk's exports)
            lookups,  # noqa: F401 (an `in` on integers past their range matches nothing)
        )
