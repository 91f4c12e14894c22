"""Request body limits: small for forms, larger only on upload routes."""

MIB = 1024 * 1024
FORM_BODY_LIMIT = 2 * MIB
# An upload route accepts the largest allowed document plus the multipart framing.
UPLOAD_BODY_LIMIT = 60 * MIB
