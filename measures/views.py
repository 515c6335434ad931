"""A measure's image, served through the measure's access check.

Uploaded files are not served from a public media folder: an unpublished concept's pictures must stay as
private as its texts, and in production (gunicorn, whitenoise for static files only) nothing else would
serve them.
"""

import hashlib
import mimetypes

from django.http import FileResponse, Http404
from django.utils.cache import get_conditional_response
from django.utils.http import http_date
from django.utils.translation import gettext as _
from django.views import View

from projects.access import VIEW

from .access import measure_for_user
from .images import FORMATS

CONTENT_TYPES = {f".{extension}": f"image/{kind.lower()}" for kind, extension in FORMATS.items()}
MAX_AGE = 3600  # an hour; the URL changes with the image (see ``Measure.image_url``)


class MeasureImageView(View):
    """The image of a measure, for everyone who may read the concept: anybody while it is published,
    only its members and admins before. Cacheable (``ETag``, ``Last-Modified``; shared caches only for
    published concepts), never sniffed as another type."""

    def get(self, request, slug: str, pk: int):
        concept, measure = measure_for_user(request.user, slug=slug, pk=pk, perm=VIEW)
        name = measure.image.name if measure.image else ""
        extension = name[name.rfind(".") :].lower() if "." in name else ""
        content_type = CONTENT_TYPES.get(extension) or mimetypes.guess_type(name)[0]
        if not name or not content_type or not content_type.startswith("image/"):
            raise Http404(_("Diese Maßnahme hat kein Bild."))
        storage = measure.image.storage
        try:
            modified = storage.get_modified_time(name)
            size = storage.size(name)
        except (FileNotFoundError, OSError):
            raise Http404(_("Diese Maßnahme hat kein Bild.")) from None
        last_modified = int(modified.timestamp())
        etag = '"' + hashlib.sha256(f"{name}:{size}:{last_modified}".encode()).hexdigest()[:32] + '"'
        cache_control = f"{'public' if concept.published else 'private'}, max-age={MAX_AGE}"
        not_modified = get_conditional_response(request, etag=etag, last_modified=last_modified)
        if not_modified is not None:
            not_modified["Cache-Control"] = cache_control
            return not_modified
        response = FileResponse(storage.open(name, "rb"), content_type=content_type)
        response["Content-Length"] = str(size)
        response["ETag"] = etag
        response["Last-Modified"] = http_date(last_modified)
        response["Cache-Control"] = cache_control
        response["X-Content-Type-Options"] = "nosniff"
        response["Content-Disposition"] = "inline"
        if not concept.published:
            response["Vary"] = "Cookie"
        return response
