"""The demo comes with a few of our own controls, so that its reports' CUECs can be mapped."""

from __future__ import annotations

from app.controls import service as controls_service
from app.demo import service as demo_service


def test_the_demo_brings_controls_the_admin_owns_and_loading_again_adds_none(session):
    demo_service.load_demo(session)
    demo_service.load_demo(session)

    controls = controls_service.list_controls(session)
    assert [control.ref for control in controls] == ["AC-01", "BC-03", "IAM-02"]
    assert {control.owner_email for control in controls} == {demo_service.DEMO_ADMIN_EMAIL}
