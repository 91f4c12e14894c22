"""Reading our control catalogue from CSV: columns by name, every bad row named."""

from __future__ import annotations

import pytest

from app.controls.domain.catalogue import CatalogueError, ControlRow, parse_catalogue


def test_columns_are_found_by_name_in_any_order():
    text = "\ufeffOwner e-mail,ID,Name\r\nana@example.com,AC-01, Access   review \r\n\r\n"
    assert parse_catalogue(text) == [ControlRow("AC-01", "Access review", "ana@example.com")]


def test_every_bad_row_is_named_and_nothing_is_returned():
    text = "id,name,owner_email\nAC-01,Access review,not-an-address\n,Nameless,b@example.com\nac-01,Dup,c@example.com\n"
    with pytest.raises(CatalogueError) as caught:
        parse_catalogue(text)
    message = str(caught.value)
    assert "Row 2: Give the owner's e-mail address" in message
    assert "Row 3: Give the control's identifier." in message
    assert "Row 4: The identifier ac-01 is listed twice." in message


@pytest.mark.parametrize(
    ("text", "message"),
    [("", "empty"), ("control,title\nA,B\n", "must name the columns id, name and owner")],
)
def test_a_file_without_the_columns_is_refused(text, message):
    with pytest.raises(CatalogueError, match=message):
        parse_catalogue(text)
