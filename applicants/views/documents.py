import rules
from django.http import Http404
from django.shortcuts import get_object_or_404

from .. import selectors
from ..access_log import document_access_record
from ..downloads import private_file_response
from ..enums import PersonalDataPlace


def document_download(request, pk):
    """A document, as an attachment, to its owner or to staff who read its kind (see
    `applicants.rules.DOCUMENT_READERS`); a passport scan or consent form read by staff is
    logged. Anyone else, signed in or not, learns nothing: the answer is 404.
    """
    document = get_object_or_404(selectors.documents(), pk=pk)
    # The rule itself, not user.has_perm: a superuser too needs the second factor.
    if not rules.has_perm("applicants.download_document", request.user, document):
        raise Http404
    response = private_file_response(
        document.file, filename=document.original_name, content_type=document.content_type
    )
    if document.application.applicant_id != request.user.pk:
        document_access_record(
            user=request.user, document=document, where=PersonalDataPlace.DOCUMENT_DOWNLOAD
        )
    return response
