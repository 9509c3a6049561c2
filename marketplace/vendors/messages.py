"""Why an application could not be saved or decided, said to people in their language."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from . import applications as a
from . import staff as s

REFUSALS = {
    a.ALREADY_MEMBER: _l("You already belong to a cooperative on Chợ HTX."),
    a.NOT_EDITABLE: _l("This application is being reviewed or has been decided: it cannot be changed now."),
    a.TAX_CODE_TAKEN: _l("This tax code is already used by a cooperative on Chợ HTX or by another open application."),
    a.NO_REGISTRATION_DOCUMENT: _l("Attach the registration certificate before submitting."),
    a.DOCUMENT_TYPE: _l("This file is not a PDF, JPEG or PNG document. Upload a scan or photo of the paper."),
    a.DOCUMENT_TOO_LARGE: _l("This file is larger than 5 MB. Scan at a lower resolution or upload a photo."),
    a.NOT_SUBMITTED: _l("This application is not waiting for a decision any more."),
    a.SLUG_TAKEN: _l("Another cooperative already has this address. Choose another."),
    a.NOT_APPROVED: _l("Only an active cooperative can be suspended."),
    a.NOT_SUSPENDED: _l("Only a suspended cooperative can be reinstated."),
    s.ALREADY_IN_THIS_COOPERATIVE: _l("This person is already in your cooperative."),
    s.IN_ANOTHER_COOPERATIVE: _l("This account already belongs to a cooperative; a person can be in one only."),
    s.INVITATION_INVALID: _l("This invitation link is not valid any more: it was used, withdrawn or has expired. Ask the owner for a new one."),
    s.INVITATION_FOR_ANOTHER_EMAIL: _l("This invitation was sent to another email address. Log in with that address to accept it."),
    s.NOT_STAFF: _l("Only a staff member can be removed or made owner."),
    s.WRONG_PASSWORD: _l("The password is not correct."),
}


def refusal_message(reason: str) -> str:
    return str(REFUSALS[reason])
