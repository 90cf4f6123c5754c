"""Serving a stored file to one reader, after the view has decided that they may read it."""

import logging

from botocore.exceptions import ClientError
from django.http import FileResponse, Http404
from django.utils.translation import gettext_lazy as _

from .text import file_name

logger = logging.getLogger(__name__)

MISSING_FILE = _("This file is no longer in storage. Ask the programme team to upload it again.")


class FileMissing(Http404):
    """The database names a file that storage no longer holds. Unlike any other 404, its
    message is for the reader: the 404 page shows it (see commission.views.errors)."""

    def __init__(self, message=MISSING_FILE):
        super().__init__(message)


def is_missing(error: Exception) -> bool:
    """Whether `error`, raised opening or reading a stored file, says that it is not there.

    The file system raises FileNotFoundError; django-storages' S3 backend turns a 404 on
    opening into one too, but an object gone between that check and the download is
    botocore's ClientError (NoSuchKey, or a bare 404). A missing bucket is not a missing file.
    """
    if isinstance(error, FileNotFoundError):
        return True
    if isinstance(error, ClientError):
        code = str(error.response.get("Error", {}).get("Code", ""))
        status = error.response.get("ResponseMetadata", {}).get("HTTPStatusCode")
        return code in {"NoSuchKey", "NotFound", "404"} or (
            status == 404 and code != "NoSuchBucket"
        )
    return False


def private_file_response(
    field, *, filename: str, content_type: str, inline=False, cache="private, no-store"
) -> FileResponse:
    """The file of `field`, typed as it was checked to be and never sniffed by the browser;
    a file gone from storage is FileMissing, a 404 that says so."""
    stored = None
    try:
        stored = field.open("rb")
        # Building the response sizes the file, which is where S3 downloads it: inside the try.
        response = FileResponse(
            stored,
            as_attachment=not inline,
            filename=file_name(filename),
            content_type=content_type,
        )
    except (FileNotFoundError, ClientError) as error:
        if not is_missing(error):
            raise
        if stored is not None:
            stored.close()
        logger.warning("Stored file missing: %s", field.name)
        raise FileMissing from None
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = cache
    return response
