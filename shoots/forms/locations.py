"""Forms of the location library: a photo of a place, with its caption."""

from django import forms
from django.utils.translation import gettext_lazy as _

from ..models import LocationPhoto

CAPTION_MAX = LocationPhoto._meta.get_field("caption").max_length


class LocationPhotoForm(forms.Form):
    """The file's type is checked on its bytes by the service, not here on its name."""

    file = forms.FileField(
        label=_("Photo (JPEG or PNG)"),
        error_messages={"required": _("Choose a photo to upload.")},
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png"}),
    )
    caption = forms.CharField(
        label=_("Caption"),
        max_length=CAPTION_MAX,
        required=False,
        help_text=_("What the photo shows, such as “North entrance at 7 a.m.”."),
    )
