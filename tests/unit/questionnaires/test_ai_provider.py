"""The AI-provider questionnaire: loads, lints clean, asks follow-ups only when they apply."""

from app.questionnaires.domain.answer_rules import (
    claims_from_answers,
    validate_answers,
    visible_questions,
)
from app.questionnaires.domain.lint import lint_definition
from app.questionnaires.domain.vocabulary import AI_MAPS_TO_KEYS
from app.questionnaires.loader import LIBRARY_ROOT, find_definition
from app.scoring.domain.inputs import parse_answers


def _definition():
    return find_definition(LIBRARY_ROOT, "ai-provider").definition


def _visible(answers):
    return {question.id for question in visible_questions(_definition(), answers)}


ANSWERED = {
    "ai_features_offered": "yes",
    "ai_features_description": "A summariser for support tickets; customers can turn it off.",
    "ai_data_received": ["prompts", "records"],
    "trains_on_customer_data": "no",
    "prompt_retention": "up_to_30_days",
    "retention_configurable": "yes",
    "uses_third_party_models": "yes",
    "model_provider_offerings": ["cloud_platform"],
    "model_providers_list": "Example Cloud model service (inference), EU regions.",
    "model_provider_training_terms": "yes",
    "inference_regions": ["eea"],
    "pre_release_evaluation": "yes",
    "red_teaming": "independent",
    "prompt_injection_testing": "yes",
    "ai_incident_notification": "yes",
    "ai_incident_notice_hours": 72,
    "model_change_notice": "advance_notice",
    "ai_act_role": ["deployer"],
    "ai_act_high_risk": "no",
    "iso42001_certified": "yes",
    "iso42001_scope": "The ticket summariser and its hosting.",
    "iso42001_certificate_file": "doc-42",
    "ai_in_soc2_scope": "yes",
}


def test_the_ai_questionnaire_loads_with_its_sections_and_lints_clean():
    definition = _definition()
    assert definition.version == 1
    assert [section.id for section in definition.sections] == [
        "ai_overview",
        "training",
        "model_providers",
        "testing",
        "notification",
        "eu_ai_act",
        "iso42001",
        "soc2_scope",
    ]
    assert lint_definition(definition) == []


def test_every_ai_claim_is_mapped_so_documents_can_answer_it():
    mapped = {q.maps_to for q in _definition().questions() if q.maps_to}
    assert mapped == AI_MAPS_TO_KEYS


def test_a_vendor_without_ai_features_sees_only_the_certificate_question():
    assert _visible({"ai_features_offered": "no"}) == {
        "ai_features_offered",
        "iso42001_certified",
    }


def test_follow_ups_appear_only_for_the_answer_that_needs_them():
    assert "training_opt_out" not in _visible({**ANSWERED, "trains_on_customer_data": "no"})
    assert "training_opt_out" in _visible({**ANSWERED, "trains_on_customer_data": "yes"})
    assert "iso42001_status" in _visible({**ANSWERED, "iso42001_certified": "no"})
    assert "iso42001_certificate_file" not in _visible({**ANSWERED, "iso42001_certified": "no"})
    assert "ai_act_high_risk_obligations" in _visible({**ANSWERED, "ai_act_high_risk": "yes"})
    assert "inference_regions_other" in _visible({**ANSWERED, "inference_regions": ["other"]})
    assert "model_provider_offerings" not in _visible({**ANSWERED, "uses_third_party_models": "no"})


def test_a_complete_answer_set_validates_and_yields_claims_the_scoring_accepts():
    definition = _definition()
    assert validate_answers(definition, ANSWERED) == []
    claims = claims_from_answers(definition, ANSWERED)
    assert set(claims) == AI_MAPS_TO_KEYS
    assert claims["model_provider_tiers"] == ["cloud_platform"]
    parse_answers(claims)


def test_no_soc2_report_can_be_answered_not_applicable():
    definition = _definition()
    answers = {**ANSWERED, "ai_in_soc2_scope": "n/a"}
    assert validate_answers(definition, answers) == []
    assert "ai_in_soc2_scope" not in claims_from_answers(definition, answers)
