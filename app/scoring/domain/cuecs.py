"""Complementary user entity controls (CUECs): their stable keys, and those we meet with none
of our own controls.

A CUEC is known by its text: the same text in next year's report is the same control, so its
key is the SHA-256 of the text with case and spacing normalised.
"""

from __future__ import annotations

import hashlib

from app.scoring.domain.findings import FindingContext, finding
from app.scoring.domain.inputs import DocumentFacts
from app.scoring.domain.results import Finding

WHOLE_SECTION = "All complementary user entity controls listed in this report"
SHOWN = 1  # CUECs quoted in a finding's message (it shows on the review summary); the rest counted


def cuec_key(text: str) -> str:
    """Return the stable key of one CUEC text (its whitespace-normalised SHA-256)."""
    return hashlib.sha256(" ".join(text.split()).lower().encode()).hexdigest()


def cuec_texts(facts: DocumentFacts) -> list[str]:
    """List a report's CUECs; a report that has them but lists none has one for the section."""
    items = [item for item in facts.cuec_list if item.strip()]
    if not items and facts.cuecs:
        return [WHOLE_SECTION]
    return items


def unlinked_cuec_findings(ctx: FindingContext) -> list[Finding]:
    """Report the CUECs of the report relied on that no control of ours is mapped to.

    A CUEC's owner on our side is the owner of the control it is mapped to. A profile that
    says nothing of mappings but that every CUEC has an owner (``cuec_owners_assigned``, as
    the scoring command's input may) counts as every CUEC mapped.
    """
    best, linked = ctx.best, ctx.profile.cuec_controls_linked
    if best is None or not best.has_cuecs:
        return []
    if linked is None and ctx.profile.cuec_owners_assigned is True:
        return []
    texts = cuec_texts(best)
    mapped = set(linked or ())
    unlinked = [text for text in texts if cuec_key(text) not in mapped]
    if not unlinked:
        return []
    quoted = "; ".join(f"'{text}'" for text in unlinked[:SHOWN])
    # The quotes end the sentence themselves (the texts end with a full stop).
    more = f" and {len(unlinked) - SHOWN} more." if len(unlinked) > SHOWN else ""
    message = (
        f"{len(unlinked)} of the {len(texts)} complementary user entity controls of "
        f"{best.display_name} are not mapped to one of our controls, so nobody on our side "
        f"owns them: {quoted}{more}"
    )
    return [finding("CUEC_UNLINKED", "medium", message, best, "cuecs", "cuec_list")]
