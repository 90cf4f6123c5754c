"""The product's own error pages, where Django's defaults would say too much or too little."""

from django.http import HttpResponseNotFound
from django.template import loader
from django.views.decorators.csrf import requires_csrf_token

from applicants.downloads import FileMissing


@requires_csrf_token
def page_not_found(request, exception):
    """The friendly 404. Only a file gone from storage says why: any other 404's message
    (get_object_or_404 names the model) stays in the log."""
    context = {"missing_file": str(exception) if isinstance(exception, FileMissing) else ""}
    return HttpResponseNotFound(loader.render_to_string("404.html", context, request))
