"""Uploaded application documents: what a file really is (by its content, not its name), and
where it is kept (random names under UPLOAD_FOLDER, outside static/)."""
from __future__ import annotations

import io
import secrets
from pathlib import Path

from PIL import Image, UnidentifiedImageError

MAX_DOCUMENT_BYTES = 5 * 1024 * 1024
CONTENT_TYPES = {"pdf": "application/pdf", "jpeg": "image/jpeg", "png": "image/png"}
_IMAGE_FORMATS = {"JPEG": "jpeg", "PNG": "png"}


def document_type(data: bytes) -> str | None:
    """"pdf", "jpeg" or "png" when the bytes are one, else None (an executable named .pdf, say)."""
    if data.startswith(b"%PDF-") and b"%%EOF" in data[-1024:]:
        return "pdf"
    try:
        with Image.open(io.BytesIO(data)) as image:
            kind = _IMAGE_FORMATS.get(image.format or "")
            image.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        return None
    return kind


def new_stored_name(kind: str) -> str:
    return f"{secrets.token_hex(16)}.{'jpg' if kind == 'jpeg' else kind}"


def save(folder: str, stored_name: str, data: bytes) -> None:
    target = Path(folder) / "documents"
    target.mkdir(parents=True, exist_ok=True)
    (target / stored_name).write_bytes(data)


def path_of(folder: str, stored_name: str) -> Path:
    return Path(folder) / "documents" / stored_name


def remove(folder: str, stored_name: str) -> None:
    path_of(folder, stored_name).unlink(missing_ok=True)
