"""Domain errors raised while reading uploaded assurance reports."""


class ReportsError(Exception):
    """Base class for every error of the reports feature."""


class ReportReadError(ReportsError):
    """The uploaded file cannot be read as a PDF (one-line, user-facing message)."""
