"""Read scoring policy files: the packaged default and reviewer-supplied ones."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from app.questionnaires.errors import DefinitionNotFound
from app.questionnaires.library import get_definition
from app.scoring.domain.policy import TIER_ORDER, Policy, load_policy
from app.scoring.domain.requirement_policy import UploadRequired
from app.scoring.errors import PolicyError

DEFAULT_POLICY_FILE = "default-v3.yaml"


def default_policy_text() -> str:
    """Return the text of the packaged default policy."""
    return resources.files("app.scoring.policies").joinpath(DEFAULT_POLICY_FILE).read_text("utf-8")


def load_default_policy() -> Policy:
    """Load and validate the packaged default policy."""
    return load_policy(default_policy_text())


def load_policy_file(path: Path) -> Policy:
    """Load and validate a policy from a YAML file."""
    try:
        text = path.read_text("utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise PolicyError(f"cannot read policy file {path}: {exc.__class__.__name__}") from exc
    policy = load_policy(text)
    check_questionnaires(policy)
    return policy


def check_questionnaires(policy: Policy) -> None:
    """Refuse a policy naming a questionnaire, or an upload question, the library does not hold."""
    cadence = policy.reassessment
    for tier in TIER_ORDER:
        for slug in cadence.for_tier(tier).questionnaires:
            try:
                get_definition(slug)
            except DefinitionNotFound:
                raise PolicyError(
                    f"invalid policy: reassessment.{tier}: no questionnaire called '{slug}'"
                ) from None
        if policy.requirements is not None:
            for item in policy.requirements.for_tier(tier).documents:
                if isinstance(item, UploadRequired):
                    _check_upload_question(f"requirements.{tier}", item.question)


def _check_upload_question(where: str, reference: str) -> None:
    slug, _, question_id = reference.partition("/")
    try:
        question = get_definition(slug).definition.question(question_id)
    except DefinitionNotFound:
        question = None
    if question is None or question.type != "file_upload":
        raise PolicyError(
            f"invalid policy: {where}: '{reference}' is not a file-upload question of a "
            "questionnaire in the library"
        )
