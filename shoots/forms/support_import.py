"""The upload of a workbook of flights and rooms; the importer checks what is inside."""

from django import forms
from django.utils.translation import gettext_lazy as _


class SupportImportForm(forms.Form):
    workbook = forms.FileField(
        label=_("Workbook (.xlsx)"),
        widget=forms.FileInput(attrs={"accept": ".xlsx"}),
        help_text=_("Up to 5 MB and 2,000 bookings. The first sheet is read."),
    )
