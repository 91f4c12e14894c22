"""Only released versions are sent; the manifest is written by releasing, never lost."""

from pathlib import Path

import pytest

from app.questionnaires import library, releases
from app.questionnaires.errors import DefinitionNotFound
from app.questionnaires.loader import LIBRARY_ROOT
from app.questionnaires.releases import add_release, ensure_manifest, is_released, manifest


@pytest.fixture
def root(tmp_path: Path, monkeypatch) -> Path:
    folder = tmp_path / "library"
    (folder / "security-baseline").mkdir(parents=True)
    source = (LIBRARY_ROOT / "security-baseline" / "v1.yaml").read_text(encoding="utf-8")
    (folder / "security-baseline" / "v1.yaml").write_text(source, encoding="utf-8")
    monkeypatch.setattr(library, "library_root", lambda: folder)
    return folder


def test_a_folder_without_manifest_is_all_released_until_the_first_draft(root):
    assert manifest(root) is None and is_released(root, "security-baseline", 1)
    ensure_manifest(root)
    assert list(manifest(root) or {}) == ["security-baseline/v1"]
    draft = (root / "security-baseline" / "v1.yaml").read_text().replace("version: 1", "version: 2")
    (root / "security-baseline" / "v2.yaml").write_text(draft, encoding="utf-8")
    assert not is_released(root, "security-baseline", 2)
    assert library.get_definition("security-baseline").definition.version == 1  # the draft waits
    assert add_release(root, "security-baseline", 2, "f" * 64)
    assert not add_release(root, "security-baseline", 2, "f" * 64)
    assert library.get_definition("security-baseline").definition.version == 2


def test_a_questionnaire_with_only_a_draft_cannot_be_sent(root):
    ensure_manifest(root)
    (root / "fresh").mkdir()
    text = (root / "security-baseline" / "v1.yaml").read_text()
    (root / "fresh" / "v1.yaml").write_text(text.replace("slug: security-baseline", "slug: fresh"))
    with pytest.raises(DefinitionNotFound, match="no released version"):
        library.get_definition("fresh")
    assert "fresh" not in {loaded.definition.slug for loaded in library.latest_versions()}


def test_the_manifest_is_parsed_again_only_after_it_changed(root, monkeypatch):
    # Every portal save asks whether its version is released; that must not parse the file.
    ensure_manifest(root)
    parsed: list[str] = []
    real_loads = releases.json.loads
    monkeypatch.setattr(
        releases.json, "loads", lambda text: parsed.append(text) or real_loads(text)
    )
    for _ in range(5):
        assert is_released(root, "security-baseline", 1)
    assert len(parsed) <= 1
    assert add_release(root, "security-baseline", 2, "f" * 64)
    assert is_released(root, "security-baseline", 2)  # a release is seen at once
    assert len(parsed) <= 2
