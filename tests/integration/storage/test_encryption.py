"""Documents are encrypted at rest, and any change to a stored copy is detected on read."""

from __future__ import annotations

import io
import os
from pathlib import Path

import pytest
from pydantic import ValidationError

from app.core.config import Environment, Settings
from app.reports import crypto
from app.reports.storage import (
    CHUNK,
    DocumentIntegrityError,
    LocalStorage,
    StagedFile,
    UploadTooLarge,
    keyring_from_settings,
)
from app.reports.storage_backends import get_storage

CORPUS = Path(__file__).parents[2] / "fixtures" / "corpus"
KEY_A = bytes(range(32))
KEY_B = bytes(range(32, 64))


def _named_by_hash(staged: StagedFile) -> tuple[StagedFile, str]:
    """Name an object by its SHA-256, as before random names: read() then needs no hash."""
    return staged, staged.sha256


def _pdf(size: int) -> bytes:
    return b"%PDF-1.7\n" + os.urandom(size - 9)


def _store(tmp_path: Path, content: bytes, keys: crypto.KeyRing | None = None) -> tuple:
    storage = LocalStorage(tmp_path, keys or crypto.KeyRing(KEY_A))
    staged = storage.stage(io.BytesIO(content), max_bytes=50 * CHUNK)
    key = storage.commit(staged, staged.sha256)
    return storage, key, storage._final_path(key)


def test_a_stored_report_is_not_readable_on_disk_but_reads_back_intact(tmp_path):
    report = (CORPUS / "a01.pdf").read_bytes()
    storage, key, path = _store(tmp_path, report)
    raw = path.read_bytes()
    assert not raw.startswith(b"%PDF-")
    assert report[200:264] not in raw
    assert storage.read(key) == report


def test_nothing_in_plaintext_is_left_in_the_staging_directory(tmp_path):
    report = (CORPUS / "a02.pdf").read_bytes()
    storage = LocalStorage(tmp_path, crypto.KeyRing(KEY_A))
    staged = storage.stage(io.BytesIO(report), max_bytes=10 * CHUNK)
    assert not staged.path.read_bytes().startswith(b"%PDF-")
    assert staged.head.startswith(b"%PDF-")
    storage.commit(staged, staged.sha256)
    assert list((tmp_path / "tmp").iterdir()) == []


def test_one_flipped_byte_makes_the_read_fail_clearly(tmp_path):
    storage, key, path = _store(tmp_path, _pdf(3000))
    raw = bytearray(path.read_bytes())
    raw[crypto.HEADER_BYTES + 100] ^= 0x01
    path.write_bytes(bytes(raw))
    with pytest.raises(DocumentIntegrityError, match="failed authentication"):
        storage.read(key)


def test_dropping_the_last_chunk_is_detected(tmp_path):
    storage, key, path = _store(tmp_path, _pdf(2 * CHUNK + 5000))
    raw = path.read_bytes()
    sealed = CHUNK + crypto.TAG_BYTES
    path.write_bytes(raw[: crypto.HEADER_BYTES + 2 * sealed])
    with pytest.raises(DocumentIntegrityError, match="chunk 1"):
        storage.read(key)


def test_cutting_a_file_at_a_chunk_boundary_or_midway_is_detected():
    keys = crypto.KeyRing(KEY_A)
    blob = crypto.encrypt(b"x" * 1000, keys, chunk_size=100)
    sealed = 100 + crypto.TAG_BYTES
    for cut in (crypto.HEADER_BYTES + 5 * sealed, len(blob) - 1, crypto.HEADER_BYTES + 3):
        with pytest.raises(crypto.EnvelopeError):
            crypto.decrypt(blob[:cut], keys)
    assert crypto.decrypt(blob, keys) == b"x" * 1000


def test_swapping_two_chunks_is_detected():
    keys = crypto.KeyRing(KEY_A)
    blob = crypto.encrypt(os.urandom(300), keys, chunk_size=100)
    body = blob[crypto.HEADER_BYTES :]
    sealed = 100 + crypto.TAG_BYTES
    swapped = body[sealed : 2 * sealed] + body[:sealed] + body[2 * sealed :]
    with pytest.raises(crypto.EnvelopeError, match="chunk 0"):
        crypto.decrypt(blob[: crypto.HEADER_BYTES] + swapped, keys)


def test_a_file_replaced_by_other_valid_ciphertext_fails_the_sha256_check(tmp_path):
    storage, key, path = _store(tmp_path, _pdf(4000))
    _, _, other_path = _store(tmp_path, _pdf(4000))
    path.write_bytes(other_path.read_bytes())
    with pytest.raises(DocumentIntegrityError, match="SHA-256"):
        storage.read(key)


def test_an_unknown_key_is_named_in_the_error(tmp_path):
    _, key, _ = _store(tmp_path, _pdf(2000))
    with pytest.raises(DocumentIntegrityError, match="unknown storage key"):
        LocalStorage(tmp_path, crypto.KeyRing(KEY_B)).read(key)


def test_after_key_rotation_old_files_read_with_the_previous_key_and_rewrap_to_the_new(
    tmp_path,
):
    content = _pdf(5000)
    _, key, path = _store(tmp_path, content)
    rotated = crypto.KeyRing(KEY_B, (KEY_A,))
    assert LocalStorage(tmp_path, rotated).read(key) == content
    raw = path.read_bytes()
    path.write_bytes(
        crypto.rewrap(raw[: crypto.HEADER_BYTES], rotated) + raw[crypto.HEADER_BYTES :]
    )
    assert LocalStorage(tmp_path, crypto.KeyRing(KEY_B)).read(key) == content


def test_files_stored_before_encryption_are_still_read_and_checked(tmp_path):
    plain = LocalStorage(tmp_path)
    content = (CORPUS / "a03.pdf").read_bytes()
    key = plain.commit(*_named_by_hash(plain.stage(io.BytesIO(content), max_bytes=10 * CHUNK)))
    encrypted = LocalStorage(tmp_path, crypto.KeyRing(KEY_A))
    assert encrypted.read(key) == content
    plain._final_path(key).write_bytes(content[:-10])
    with pytest.raises(DocumentIntegrityError, match="SHA-256"):
        encrypted.read(key)


def test_an_oversized_upload_is_refused_and_leaves_no_file(tmp_path):
    storage = LocalStorage(tmp_path, crypto.KeyRing(KEY_A))
    with pytest.raises(UploadTooLarge):
        storage.stage(io.BytesIO(_pdf(CHUNK + 10)), max_bytes=CHUNK)
    assert list((tmp_path / "tmp").iterdir()) == []


def test_an_empty_file_round_trips():
    keys = crypto.KeyRing(KEY_A)
    assert crypto.decrypt(crypto.encrypt(b"", keys), keys) == b""


def test_the_development_key_is_kept_so_a_restart_still_reads_the_files(tmp_path):
    settings = Settings(env=Environment.development, storage_dir=tmp_path)
    storage = get_storage(settings)
    key = storage.commit(*_named_by_hash(storage.stage(io.BytesIO(_pdf(3000)), max_bytes=CHUNK)))
    assert (tmp_path / ".storage-key").stat().st_mode & 0o777 == 0o600
    restarted = get_storage(Settings(env=Environment.development, storage_dir=tmp_path))
    assert restarted.read(key).startswith(b"%PDF-")


def test_a_configured_key_is_used_as_given_in_hex_or_base64(tmp_path):
    from_hex = Settings(storage_dir=tmp_path, storage_key=KEY_A.hex())
    from_b64 = Settings(
        storage_dir=tmp_path, storage_key="AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8="
    )
    assert keyring_from_settings(from_hex).current == KEY_A
    assert keyring_from_settings(from_b64).current == KEY_A


def test_production_refuses_to_start_without_a_storage_key():
    with pytest.raises(ValidationError, match="DILIGENCE_STORAGE_KEY"):
        Settings(env=Environment.production, secret_key="s" * 40)


def test_a_storage_key_of_the_wrong_length_is_refused():
    with pytest.raises(ValidationError, match="32 random bytes"):
        Settings(storage_key="ab" * 16)


def test_the_s3_backend_needs_a_bucket():
    with pytest.raises(ValidationError, match="DILIGENCE_S3_BUCKET"):
        Settings(storage_backend="s3")
