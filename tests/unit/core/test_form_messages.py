"""Form errors are said in plain words, and what was typed is kept (without the CSRF token)."""

from __future__ import annotations

from datetime import date
from typing import Annotated

import pytest
from pydantic import BaseModel, EmailStr, StringConstraints, ValidationError
from starlette.datastructures import FormData

from app.core.errors import InvalidInput
from app.core.forms import FORM, form_errors, input_errors, parse_form, typed_values


class _Form(BaseModel):
    name: Annotated[str, StringConstraints(min_length=1, max_length=5)]
    email: EmailStr
    due_on: date | None = None
    count: int = 0


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"email": "a@b.example"}, "name", "Fill in this field."),
        ({"name": "far too long", "email": "a@b.example"}, "name", "Use at most 5 characters."),
        (
            {"name": "Ada", "email": "ada@localhost"},
            "email",
            "Enter an e-mail address like name@example.com.",
        ),
        (
            {"name": "Ada", "email": "a@b.example", "due_on": "friday"},
            "due_on",
            "Enter a date like 2031-12-31.",
        ),
        ({"name": "Ada", "email": "a@b.example", "count": "many"}, "count", "Enter a number."),
    ],
)
def test_each_validator_error_reads_as_plain_words(fields, field, message):
    with pytest.raises(ValidationError) as caught:
        parse_form(_Form, FormData(fields))
    assert form_errors(caught.value)[field] == message


def test_a_refusal_of_the_service_goes_beside_its_field_or_on_the_form():
    assert input_errors(InvalidInput("Too late.", field="due_on")) == {"due_on": "Too late."}
    assert input_errors(InvalidInput("Not now.")) == {FORM: "Not now."}


def test_what_was_typed_is_kept_without_the_csrf_token():
    form = FormData([("csrf_token", "secret"), ("name", "Ada"), ("tag", "a"), ("tag", "b")])
    assert typed_values(form, lists=("tag",)) == {"name": "Ada", "tag": ["a", "b"]}
