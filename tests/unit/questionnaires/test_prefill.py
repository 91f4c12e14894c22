from __future__ import annotations

from app.questionnaires.domain.claim_answers import answers_from_claims
from app.questionnaires.loader import LIBRARY_ROOT, find_definition

DEFINITION = find_definition(LIBRARY_ROOT, "soc-assurance", 1).definition


def _question_for(key):
    return next(q.id for q in DEFINITION.questions() if q.maps_to == key)


def test_report_vocabulary_is_written_in_each_questions_own_vocabulary():
    claims = {
        "framework": ("SOC 2", "7", 1),
        "report_type": ("type2", "7", 1),
        "subservice_method": ("carve-out", "7", 12),
        "cuecs": (True, "7", 15),
        "holds_current_soc2_type2": ("yes", "7", 2),
        "period_end": ("2025-12-31", "7", 3),
    }
    found = answers_from_claims(DEFINITION, claims)
    assert found[_question_for("framework")].value == "soc2"
    assert found[_question_for("subservice_method")].value == "carve_out"
    assert found[_question_for("cuecs")].value == "yes"
    assert found[_question_for("holds_current_soc2_type2")].value == "yes"
    assert found[_question_for("period_end")].value == "2025-12-31"
    assert found[_question_for("subservice_method")].page == 12


def test_values_a_question_does_not_accept_are_left_for_the_vendor():
    found = answers_from_claims(DEFINITION, {"opinion": ("maybe", "7", 4)})
    assert found == {}
