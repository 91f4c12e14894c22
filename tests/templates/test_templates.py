"""Every template parses, and every route name used in url_for exists."""

from __future__ import annotations

import re

import pytest

from app.core.config import Environment, Settings
from app.core.templating import TEMPLATE_DIR, build_environment
from app.main import create_app
from tests.routes import route_names

TEMPLATES = sorted(p.relative_to(TEMPLATE_DIR).as_posix() for p in TEMPLATE_DIR.rglob("*.html"))
URL_FOR = re.compile(r"url_for\(\s*'([^']+)'")


@pytest.mark.parametrize("name", TEMPLATES)
def test_template_parses(name: str):
    build_environment().get_template(name)


def test_every_url_for_name_is_a_route(tmp_path):
    application = create_app(
        Settings(env=Environment.test, database_url=f"sqlite:///{tmp_path}/x.db")
    )
    names = route_names(application)
    used = {
        match for name in TEMPLATES for match in URL_FOR.findall((TEMPLATE_DIR / name).read_text())
    }
    missing = sorted(used - names)
    assert missing == []


def test_autoescape_is_on_for_every_template():
    env = build_environment()
    rendered = env.from_string("{{ value }}").render(value="<script>alert(1)</script>")
    assert "<script>" not in rendered
