"""Photos of a report: checked, re-encoded (which drops EXIF, GPS and anything hidden) and stored.

Storage is a plain directory: ``var/report-photos`` in the embedded shape, ``JINLIN_REPORT_PHOTO_DIR`` (a
volume every web process mounts) in the services shape. Files get random names; the database keeps
which report they belong to, and only ``service.photo_file`` (guarded and audited) hands one out.
"""

from __future__ import annotations

import io
import secrets
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, UnidentifiedImageError

from jinlin.core.errors import Invalid
from jinlin.core.settings import get_settings

MAX_PHOTOS = 3
MAX_BYTES = 8 * 1024 * 1024
MAX_SIDE = 2048  # longer side after re-encoding; a phone photo stays readable
ALLOWED_FORMATS = frozenset({"JPEG", "PNG", "WEBP"})
MAX_PIXELS = 40_000_000  # a decompression bomb is refused before it is decoded


@dataclass(frozen=True, slots=True)
class Encoded:
    data: bytes
    width: int
    height: int


def photo_dir() -> Path:
    path = get_settings().report_photo_dir
    path.mkdir(parents=True, exist_ok=True)
    return path


def check_and_encode(raw: bytes, field: str = "photos") -> Encoded:
    """A JPEG without metadata, or Invalid naming the field."""
    if len(raw) > MAX_BYTES:
        raise Invalid("Photo too large", {field: "each photo at most 8 MB"})
    try:
        with Image.open(io.BytesIO(raw)) as probe:
            probe.verify()
        image: Image.Image = Image.open(io.BytesIO(raw))
        if image.format not in ALLOWED_FORMATS:
            raise Invalid("Not a photo", {field: "must be a JPEG, PNG or WebP image"})
        if image.width * image.height > MAX_PIXELS:
            raise Invalid("Photo too large", {field: "each photo at most 8 MB"})
        image.load()
    except (UnidentifiedImageError, OSError, SyntaxError, Image.DecompressionBombError, ValueError) as exc:
        raise Invalid("Not a photo", {field: "must be a JPEG, PNG or WebP image"}) from exc
    # Apply the camera's rotation before the EXIF that carries it goes away.
    from PIL import ImageOps

    image = ImageOps.exif_transpose(image).convert("RGB")
    image.thumbnail((MAX_SIDE, MAX_SIDE))
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=85, optimize=True)  # no exif= argument: nothing carried over
    return Encoded(out.getvalue(), image.width, image.height)


def store(encoded: Encoded) -> str:
    name = f"{secrets.token_hex(16)}.jpg"
    (photo_dir() / name).write_bytes(encoded.data)
    return name


def read(file_name: str) -> bytes:
    return (photo_dir() / Path(file_name).name).read_bytes()


def discard(names: list[str]) -> None:
    """Files of a refused or rolled-back submission."""
    for name in names:
        (photo_dir() / Path(name).name).unlink(missing_ok=True)
