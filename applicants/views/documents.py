from django.http import Http404
from django.shortcuts import get_object_or_404

from .. import selectors
from ..downloads import private_file_response


def document_download(request, pk):
    """A document, as an attachment, to its owner or to staff who read applications.

    Anyone else, signed in or not, learns nothing: the answer is 404.
    """
    document = get_object_or_404(selectors.documents(), pk=pk)
    if not request.user.has_perm("applicants.download_document", document):
        raise Http404
    return private_file_response(
        document.file, filename=document.original_name, content_type=document.content_type
    )
