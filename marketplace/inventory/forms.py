"""The lot form and the label form: they parse what was typed; the rules of a lot are in lots.py."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, IntegerField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, NumberRange, Optional, StopValidation

from ..vendors.forms import REQUIRED, stripped
from .labels import MAX_LABELS, PER_PAGE
from .lots import MAX_QUANTITY, LotProblem, LotValues

QUANTITY = _l("Enter a whole number from %(min)d to %(max)d.", min=1, max=MAX_QUANTITY)
PROBLEMS = {
    LotProblem.HARVEST_IN_THE_FUTURE: _l("The harvest date cannot be in the future."),
    LotProblem.BEST_BEFORE_THE_HARVEST: _l("The best-before date cannot be before the harvest date."),
    LotProblem.QUANTITY_OUT_OF_RANGE: QUANTITY,
}


def _whole_number(form, field) -> None:
    """Letters or decimals get the same message as a number out of range, in the visitor's language."""
    if field.data is None:
        field.errors[:] = []
        raise StopValidation(str(QUANTITY))


def _text(label, max_length: int, description, *, field=StringField):
    return field(label, validators=[Optional(), Length(max=max_length)], filters=[stripped],
                 description=description)


class LotForm(FlaskForm):
    harvested_on = DateField(_l("Harvest or production date"), validators=[InputRequired(message=REQUIRED)])
    best_before = DateField(_l("Best before"), validators=[Optional()],
                            description=_l("Optional: leave empty for produce without one."))
    quantity = IntegerField(_l("Quantity"), validators=[InputRequired(message=REQUIRED), _whole_number],
                            render_kw={"inputmode": "numeric"},
                            description=_l("In the product's unit; added to the stock as a harvest."))
    area = _text(_l("Area or plot"), 120, _l("For example: Đồi Cốc hill, plot 3."))
    practices = _text(_l("Growing practices"), 2000, _l(
        "For example: no fertilizer or pesticide in the 30 days before harvest."), field=TextAreaField)
    certification_refs = _text(_l("Certification references"), 255, _l(
        "Optional: numbers of the certificates that cover this lot."))

    def to_values(self) -> LotValues:
        return LotValues(harvested_on=self.harvested_on.data, best_before=self.best_before.data,
                         quantity=self.quantity.data, area=self.area.data or "",
                         practices=self.practices.data or "", certification_refs=self.certification_refs.data or "")

    def show_problems(self, problems: dict[str, LotProblem]) -> None:
        for name, problem in problems.items():
            self[name].errors.append(PROBLEMS[problem])


class LabelsForm(FlaskForm):
    count = IntegerField(_l("How many labels"), default=PER_PAGE, render_kw={"inputmode": "numeric"},
                         validators=[InputRequired(message=REQUIRED), NumberRange(min=1, max=MAX_LABELS, message=_l(
                             "Enter a whole number from %(min)d to %(max)d.", min=1, max=MAX_LABELS))],
                         description=_l("%(n)d labels fill one A4 sheet.", n=PER_PAGE))
