"""Serving a stored file to one reader, after the view has decided that they may read it."""

from django.http import FileResponse, Http404


def private_file_response(
    field, *, filename: str, content_type: str, inline=False, cache="private, no-store"
) -> FileResponse:
    """The file of `field`, typed as it was checked to be and never sniffed by the browser;
    a file gone from storage is a 404."""
    try:
        stored = field.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(
        stored, as_attachment=not inline, filename=filename, content_type=content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = cache
    return response
