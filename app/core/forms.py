"""HTML forms: read them through a Pydantic model, keep what was typed, say what is wrong.

Every staff form (and the vendor's uploads) follows one path: on bad input the route renders the
same page again with ``FormState`` (the values as typed and one plain message per field), and
``templates/components/forms.html`` draws each field with its message beside it and a summary
at the top. Messages speak to the person at the keyboard, never in validator jargon.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TypeVar

from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails
from starlette.datastructures import FormData, UploadFile

from app.core.csrf import CSRF_FIELD
from app.core.errors import InvalidInput

ModelT = TypeVar("ModelT", bound=BaseModel)

FORM = "form"
"""The key of an error that belongs to the whole form rather than to one field."""

EMAIL_HINT = "Enter an e-mail address like name@example.com."
DATE_HINT = "Enter a date like 2031-12-31."


@dataclass(frozen=True)
class FormState:
    """What a form page shows: the values as typed and one message per field in error."""

    values: dict[str, object] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)


def parse_form(model: type[ModelT], form: FormData, *, lists: tuple[str, ...] = ()) -> ModelT:
    """Build a model from form fields; fields in ``lists`` take every value given."""
    data: dict[str, object] = {}
    for key in model.model_fields:
        if key in lists:
            data[key] = [str(v) for v in form.getlist(key)]
        else:
            value = form.get(key)
            # An empty field means "not given": optional fields keep their default.
            if isinstance(value, str) and value.strip() != "":
                data[key] = value
    return model.model_validate(data)


def parse_fields(
    model: type[ModelT], fields: Mapping[str, str], *, context: dict[str, object] | None = None
) -> ModelT:
    """Build a model from fields a route already read with ``Form()``, blank ones not given.

    For routes that take their fields as plain strings so a malformed value (a date a script
    or an old browser typed) comes back beside its field instead of as FastAPI's bare 422.
    ``context`` reaches the model's validators (today's date, for instance).
    """
    given = {key: value for key, value in fields.items() if value.strip()}
    return model.model_validate(given, context=context)


def typed_values(form: FormData, *, lists: tuple[str, ...] = ()) -> dict[str, object]:
    """Return what was typed into a form, to show it again (files and the CSRF token left out)."""
    values: dict[str, object] = {}
    for key in form:
        if key == CSRF_FIELD:
            continue
        if key in lists:
            values[key] = [str(v) for v in form.getlist(key) if not isinstance(v, UploadFile)]
        else:
            value = form.get(key)
            if not isinstance(value, UploadFile):
                values[key] = value
    return values


def plain_message(error: ErrorDetails) -> str:
    """Say in plain words what is wrong with one field."""
    kind = error["type"]
    ctx = error.get("ctx") or {}
    message = str(error["msg"])
    if kind == "missing" or (kind == "string_too_short" and ctx.get("min_length") == 1):
        return "Fill in this field."
    if kind == "string_too_short":
        return f"Use at least {ctx.get('min_length')} characters."
    if kind == "string_too_long":
        return f"Use at most {ctx.get('max_length')} characters."
    if "email address" in message:
        return EMAIL_HINT
    if kind in ("enum", "literal_error"):
        return "Choose one of the listed options."
    if kind.startswith(("date_", "datetime_")):
        return DATE_HINT
    if kind.startswith(("int_", "float_", "decimal_")):
        return "Enter a number."
    if kind.startswith("bool_"):
        return "Tick the box or leave it empty."
    if kind.startswith("url_"):
        return "Enter a web address like https://www.example.com."
    return as_sentence(message.removeprefix("Value error, "))


def as_sentence(text: str) -> str:
    """Write a message as a sentence: a capital first, a full stop last."""
    text = text.strip()
    if not text:
        return "Check this field."
    text = text[0].upper() + text[1:]
    return text if text.endswith((".", "!", "?")) else text + "."


def form_errors(exc: ValidationError) -> dict[str, str]:
    """Return one plain message per field."""
    errors: dict[str, str] = {}
    for error in exc.errors():
        name = str(error["loc"][0]) if error["loc"] else FORM
        errors.setdefault(name, plain_message(error))
    return errors


def input_errors(exc: InvalidInput) -> dict[str, str]:
    """Return a refusal of the service as a message beside its field (or the whole form)."""
    return {exc.field or FORM: exc.message}
