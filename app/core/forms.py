"""Helpers for HTML forms validated by Pydantic models."""

from __future__ import annotations

from typing import TypeVar

from pydantic import BaseModel, ValidationError
from starlette.datastructures import FormData

ModelT = TypeVar("ModelT", bound=BaseModel)


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


def form_errors(exc: ValidationError) -> dict[str, str]:
    """Return one readable message per field."""
    errors: dict[str, str] = {}
    for error in exc.errors():
        field = str(error["loc"][0]) if error["loc"] else "form"
        message = str(error["msg"]).removeprefix("Value error, ")
        errors.setdefault(field, message)
    return errors
