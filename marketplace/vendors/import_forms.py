"""The upload form of the products CSV import."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired


class UploadForm(FlaskForm):
    file = FileField(_l("CSV file (UTF-8, comma or semicolon separated)"),
                     validators=[FileRequired(message=_l("Choose a CSV file to upload."))])
