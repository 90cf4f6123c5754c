from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404

from .. import selectors


def document_download(request, pk):
    """A document, as an attachment, to its owner or to staff who read applications.

    Anyone else, signed in or not, learns nothing: the answer is 404.
    """
    document = get_object_or_404(selectors.documents(), pk=pk)
    if not request.user.has_perm("applicants.download_document", document):
        raise Http404
    response = FileResponse(
        document.file.open("rb"),
        as_attachment=True,
        filename=document.original_name,
        content_type=document.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
