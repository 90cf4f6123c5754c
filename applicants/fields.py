from django.db import models


class HttpsURLField(models.URLField):
    """A link field whose forms read a link typed without a scheme as https:// (as Django 6)."""

    def formfield(self, **kwargs):
        return super().formfield(**{"assume_scheme": "https", **kwargs})
