"""The upload form of the Excel/CSV import."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .reading import EXTENSIONS, MAX_UPLOAD_BYTES


class ImportUploadForm(forms.Form):
    """The file of an Excel/CSV import (see ``funding.exchange.imports``): .xlsx or .csv, size-limited."""

    file = forms.FileField(
        label=_("Datei (.xlsx oder .csv)"),
        # An empty file is the reader's to refuse, with the same message as any unreadable one.
        allow_empty_file=True,
        help_text=_("Höchstens 5 MB. Spalten wie in der Excel-Ausgabe „Maßnahmenliste“."),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv"}),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith(EXTENSIONS):
            raise forms.ValidationError(_("Bitte eine .xlsx- oder .csv-Datei hochladen."))
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(
                _("Die Datei ist größer als %(max)s MB.") % {"max": MAX_UPLOAD_BYTES // (1024 * 1024)}
            )
        return upload
