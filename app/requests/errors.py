"""Errors of sending and answering questionnaire requests, with their HTTP status."""

from app.core.errors import Conflict, Gone, InvalidInput, NotFound


class RequestNotFound(NotFound):
    code = "request_not_found"


class PortalLinkUnknown(NotFound):
    code = "portal_link_unknown"
    title = "This link is not valid"


class PortalLinkExpired(Gone):
    code = "portal_link_expired"
    title = "This link has expired"


class PortalLinkReplaced(Gone):
    code = "portal_link_replaced"
    title = "A newer link was sent"


class PortalLinkRevoked(Gone):
    code = "portal_link_revoked"
    title = "This link is no longer active"


class RequestClosed(Conflict):
    code = "request_closed"
    title = "This questionnaire can no longer be changed"


class AnswerConflict(Conflict):
    code = "answer_conflict"
    title = "Someone else changed this answer"


class InvalidTransition(Conflict):
    code = "invalid_transition"


class InvalidAnswer(InvalidInput):
    code = "invalid_answer"


class IncompleteSubmission(InvalidInput):
    code = "incomplete_submission"
    title = "Some required questions are not answered"
