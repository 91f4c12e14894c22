"""Domain errors of the scoring engine (no HTTP knowledge; services map them)."""


class ScoringError(Exception):
    """Base class for every error the scoring engine raises."""


class PolicyError(ScoringError):
    """A scoring policy file is malformed or breaks a rule."""


class InputError(ScoringError):
    """Document facts, answers or a vendor profile are malformed."""
