"""The statement upload form (the bank, the file and the column mapping), and the words for what
an import and a proposal found."""
from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import SelectField, StringField
from wtforms.validators import InputRequired, Length, Optional

from ..accounts.forms import REQUIRED
from ..common.banks import BANKS
from ..vendors.forms import stripped
from . import matching, reconciliation, statements
from .statements import ColumnMapping, DateFormat, RowProblem

HEADER_LENGTH = 120

# What each proposal kind is called on the review page.
PROPOSAL_WORDS = {
    matching.EXACT: _l("Pays exactly what is due"),
    matching.PARTIAL: _l("Pays less than is due"),
    matching.OVER: _l("Pays more than is due"),
    matching.AMBIGUOUS: _l("Names several orders, amount does not add up"),
    matching.UNMATCHED: _l("No open order of yours found"),
}

SKIP_WORDS = {
    reconciliation.NOT_OPEN: _l("already applied or ignored"),
    reconciliation.DIFFERENCE_NOT_ACCEPTED: _l("the amount differs from what is due: use “Apply anyway”"),
    reconciliation.NOTHING_TO_PAY: _l("no open order of yours to pay"),
}


def problem_message(problem: RowProblem, date_format: str) -> str:
    """A problem of an uploaded statement, in words (with its row number when it is about a row)."""
    if problem.kind == statements.MISSING_HEADER:
        return _("The file has no column “%(header)s”. Check the column names below against the file.",
                 header=problem.detail)
    if problem.kind == statements.BAD_DATE:
        return _("Row %(row)d: “%(value)s” is not a date in the format %(format)s. The row was skipped.",
                 row=problem.row, value=problem.detail, format=date_format)
    if problem.kind == statements.BAD_AMOUNT:
        return _("Row %(row)d: “%(value)s” is not an amount in whole đồng. The row was skipped.",
                 row=problem.row, value=problem.detail)
    return {
        statements.NOT_A_STATEMENT: _("This file is not a bank statement export: save it as CSV or XLSX "
                                      "from your bank's website and try again."),
        statements.OLD_EXCEL: _("This is an old Excel file (.xls): open it and save it as .xlsx or CSV first."),
        statements.TOO_MANY_ROWS: _("The file has more than %(max)s rows: export a shorter period.",
                                    max=problem.detail),
        statements.TOO_LARGE: _("The file is larger than 10 MB: export a shorter period."),
    }[problem.kind]


def _header(label, description=None) -> StringField:
    return StringField(label, validators=[Optional(), Length(max=HEADER_LENGTH)], filters=[stripped], default="",
                       description=description)


class StatementUploadForm(FlaskForm):
    bank = SelectField(_l("Bank"), choices=sorted(BANKS.items(), key=lambda item: item[1]),
                       validators=[InputRequired(message=REQUIRED)])
    file = FileField(_l("Statement file (CSV or XLSX, at most 10 MB)"),
                     validators=[FileRequired(message=_l("Choose the statement file to upload."))])
    date = _header(_l("Date column"))
    message = _header(_l("Transfer message column"))
    reference = _header(_l("Bank reference column"), _l("Used to recognise a line imported before."))
    credit = _header(_l("Credit (money in) column"), _l("With a debit column: banks that show money in and out "
                                                        "in two columns."))
    debit = _header(_l("Debit (money out) column"))
    amount = _header(_l("Amount column"), _l("Instead of the credit and debit columns: one amount column, "
                                             "negative for money out, or with a credit/debit column."))
    direction = _header(_l("Credit/debit column"), _l("Only with an amount column."))
    credit_value = _header(_l("Value that means credit"), _l("For example C or Có."))
    date_format = SelectField(_l("Dates written as"), choices=[(f.value, f.value) for f in DateFormat],
                              default=DateFormat.DMY.value)

    MAPPING_FIELDS = ("date", "message", "reference", "credit", "debit", "amount", "direction", "credit_value",
                      "date_format")

    def fill_mapping(self, mapping: ColumnMapping | None) -> None:
        """Show a mapping in the column fields (empty ones when there is none)."""
        values = mapping.to_dict() if mapping else {}
        for name in self.MAPPING_FIELDS:
            self[name].data = values.get(name, self[name].default)

    def validate(self, extra_validators=None) -> bool:
        if not super().validate(extra_validators):
            return False
        if self.mapping is None:
            self.form_errors.append(_("Name the date and transfer message columns, and either the credit and "
                                      "debit columns or one amount column (with the value that means credit "
                                      "when there is a credit/debit column)."))
            return False
        return True

    @property
    def mapping(self) -> ColumnMapping | None:
        try:
            return ColumnMapping.from_dict({name: self[name].data or "" for name in self.MAPPING_FIELDS})
        except ValueError:
            return None
