"""A cooperative's bank statements: /vendor/statements (upload an export, with the bank's column
mapping), /vendor/statements/review (the open lines and what each probably pays), applying the
ticked lines and ignoring a line. Only the cooperative's own lines and orders are ever shown."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..accounts.guards import cooperative_required, refuse_cooperatives_not_yet_approved
from ..common.banks import BANKS
from ..i18n import local_date, vnd
from ..orders.notifications import notify_state_changed
from . import matching, reconciliation, statements
from .statement_forms import PROPOSAL_WORDS, SKIP_WORDS, StatementUploadForm, problem_message

bp = Blueprint("statements", __name__, url_prefix="/vendor/statements")
bp.before_request(refuse_cooperatives_not_yet_approved)
bp.context_processor(lambda: {"proposal_words": PROPOSAL_WORDS, "kinds": matching})

INVALID_FORM = 422


def _cooperative():
    return current_user.membership.cooperative


@bp.route("", methods=["GET", "POST"])
@cooperative_required
def upload():
    form = StatementUploadForm()
    if not form.is_submitted():
        bank = request.args.get("bank", "")
        form.bank.data = bank if bank in BANKS else _cooperative().bank_bin
        form.fill_mapping(reconciliation.mapping_for(_cooperative().id, form.bank.data))
        return _upload_page(form)
    if not form.validate():
        return _upload_page(form), INVALID_FORM
    mapping = form.mapping
    result = reconciliation.import_statement(
        _cooperative().id, current_user, form.file.data.read(statements.MAX_BYTES + 1),
        form.file.data.filename or "", mapping, bank_bin=form.bank.data)
    problems = [problem_message(problem, mapping.date_format.value) for problem in result.problems]
    if result.refused:
        return _upload_page(form, problems=problems), INVALID_FORM
    summary = _("Statement read: %(new)d new lines, %(duplicates)d imported before, %(debits)d payments out "
                "skipped.", new=result.new, duplicates=result.duplicates, debits=result.debits)
    if problems:  # shown on the page: too many for a flashed message (a re-import changes nothing)
        return _upload_page(form, problems=problems, summary=summary)
    flash(summary, "success")
    return redirect(url_for(".review"), 303)


def _upload_page(form: StatementUploadForm, problems: list[str] = (), summary: str = ""):
    return render_template("payments/statement_upload.html", form=form, problems=problems, summary=summary)


@bp.route("/review")
@cooperative_required
def review():
    return render_template("payments/statement_review.html", lines=reconciliation.proposals(_cooperative().id))


@bp.route("/apply", methods=["POST"])
@cooperative_required
def apply():
    line_ids = request.form.getlist("line", type=int)
    if not line_ids:
        flash(_("Tick the lines to apply first."), "error")
        return redirect(url_for(".review"), 303)
    try:
        result = reconciliation.apply(_cooperative().id, line_ids, current_user,
                                      accept_difference=request.form.get("accept_difference") == "1")
    except LookupError:
        abort(404)
    notify_state_changed(*result.events)
    if result.applied:
        flash(_("Applied %(count)d lines: the payments are recorded.", count=len(result.applied)), "success")
    for skipped in result.skipped:
        flash(_("The line of %(amount)s on %(date)s was not applied: %(reason)s.", amount=vnd(skipped.amount),
                date=local_date(skipped.booked_on), reason=SKIP_WORDS[skipped.reason]), "error")
    return redirect(url_for(".review"), 303)


@bp.route("/lines/<int:line_id>/ignore", methods=["POST"])
@cooperative_required
def ignore(line_id: int):
    try:
        ignored = reconciliation.ignore(_cooperative().id, line_id)
    except LookupError:
        abort(404)
    if ignored:
        flash(_("The line is ignored: it is not a payment of an order."), "success")
    else:
        flash(_("This line was already applied or ignored. Nothing was changed."), "error")
    return redirect(url_for(".review"), 303)
