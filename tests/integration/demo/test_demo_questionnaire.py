"""The demo's first screen shows a questionnaire the vendor has started."""

from __future__ import annotations

from sqlmodel import select

from app.demo import service as demo_service
from app.organisation import service as organisation_service
from app.requests.models import QuestionnaireRequest, RequestStatus


def test_the_demo_names_the_organisation_and_its_questionnaire_is_in_progress(session, settings):
    unnamed = settings.model_copy(update={"organisation_name": ""})
    demo_service.load_demo(session)
    assert organisation_service.get_profile(session, unnamed).name == "Northwind Mutual (demo)"
    assert demo_service.send_sample_questionnaire(session, settings=unnamed)
    request = session.exec(select(QuestionnaireRequest)).one()
    assert request.status is RequestStatus.in_progress
