"""Uploaded images: only JPEG, PNG and WebP; size-limited; re-encoded and downscaled, metadata removed.

Re-encoding from decoded pixels drops EXIF (camera, GPS position), XMP and ICC payloads, and anything
hidden after the image data. The orientation from EXIF is applied first, so photos stay upright.

Storing follows the save: the re-encoded copy stays in memory until the whole measure is validated;
``image_write`` runs last inside the saving transaction, and a replaced image is removed only after the
commit (``image_delete``).
"""

from io import BytesIO

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

from .models import Measure

MAX_UPLOAD_BYTES = 8 * 1024 * 1024
MAX_EDGE = 1600
MAX_PIXELS = 60_000_000  # decompression-bomb guard, checked before decoding
FORMATS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"}


def image_sanitize(upload: UploadedFile) -> ContentFile:
    """Validate an uploaded image and return a clean re-encoded copy (``ContentFile`` with a name).

    Raises ``ValidationError`` with a German message for files too large, of another type, broken, or
    with absurd dimensions.
    """
    if upload.size is not None and upload.size > MAX_UPLOAD_BYTES:
        raise ValidationError(
            _("Das Bild ist zu groß (höchstens %(mb)s MB).") % {"mb": MAX_UPLOAD_BYTES // (1024 * 1024)},
            code="image_size",
        )
    upload.seek(0)
    try:
        with Image.open(upload) as probe:
            kind = probe.format
            width, height = probe.size
            if kind not in FORMATS:
                raise ValidationError(
                    _("Bitte ein Bild im Format JPEG, PNG oder WebP hochladen."), code="image_type"
                )
            if width * height > MAX_PIXELS:
                raise ValidationError(_("Das Bild hat zu viele Bildpunkte."), code="image_pixels")
            probe.verify()
        upload.seek(0)
        with Image.open(upload) as image:
            image.load()
            image = ImageOps.exif_transpose(image)
            image.thumbnail((MAX_EDGE, MAX_EDGE), Image.Resampling.LANCZOS)
            return _encode(image, kind, upload.name or "bild")
    except (UnidentifiedImageError, OSError, SyntaxError, Image.DecompressionBombError):
        raise ValidationError(
            _("Die Datei ist kein lesbares Bild. Bitte JPEG, PNG oder WebP hochladen."), code="image_type"
        ) from None


def _encode(image: Image.Image, kind: str, original_name: str) -> ContentFile:
    buffer = BytesIO()
    if kind == "JPEG":
        image.convert("RGB").save(buffer, "JPEG", quality=85, optimize=True)
    elif kind == "PNG":
        clean = image.convert("RGBA" if image.mode in ("RGBA", "LA", "P") else "RGB")
        clean.save(buffer, "PNG", optimize=True)
    else:
        image.convert("RGBA" if image.mode in ("RGBA", "LA", "P") else "RGB").save(buffer, "WEBP", quality=85)
    stem = "".join(c for c in original_name.rsplit(".", 1)[0] if c.isalnum() or c in "-_")[:40] or "bild"
    return ContentFile(buffer.getvalue(), name=f"{stem}.{FORMATS[kind]}")


# --- Storing: nothing is written before the save it belongs to has succeeded -----------------------


def image_planned_name(*, measure: Measure, content: ContentFile) -> str:
    """The storage name a new image of ``measure`` will get; writes nothing."""
    field = measure._meta.get_field("image")
    name = field.generate_filename(measure, content.name)
    return field.storage.get_available_name(name, max_length=field.max_length)


def image_write(*, measure: Measure, content: ContentFile, planned: str) -> str:
    """Write ``content`` under ``planned`` (as ``image_planned_name`` gave it) and return the name it got.

    Call last in the saving transaction, once everything is validated. If the storage had to choose
    another name (someone took ``planned`` meanwhile), the measure's row is pointed at it.
    """
    storage = measure._meta.get_field("image").storage
    stored = storage.save(planned, content)
    if stored != planned:
        type(measure).objects.filter(pk=measure.pk).update(image=stored)
        measure.image = stored
    return stored


def image_delete(*, name: str) -> None:
    """Remove a stored image file (after the save that replaced or dropped it has committed)."""
    if name:
        Measure._meta.get_field("image").storage.delete(name)
