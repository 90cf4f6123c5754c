"""The desk's mail: every e-mail it wrote, how its delivery went, and a second try."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST
from rules.contrib.views import permission_required

from applicants import services as applicant_services
from applicants.enums import MailStatus

from .. import selectors
from .selection import PERMISSION

MAILS_PER_PAGE = 50


@login_required
@permission_required(PERMISSION, raise_exception=True)
@require_GET
def mail_list(request):
    status = request.GET.get("status", "")
    if status not in MailStatus.values:
        status = ""
    page = Paginator(selectors.mail_log(status=status), MAILS_PER_PAGE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "commission/mail/list.html",
        {
            "page_obj": page,
            "page_range": page.paginator.get_elided_page_range(page.number),
            "status": status,
            "statuses": MailStatus.choices,
            "failed": selectors.mail_log(status=MailStatus.FAILED).count(),
        },
    )


@login_required
@permission_required(PERMISSION, raise_exception=True)
@require_GET
def outbox_message(request, pk):
    mail = get_object_or_404(
        selectors.mail_log().select_related("application__applicant"),
        pk=pk,
    )
    cohort = mail.application.cohort if mail.application else None
    return render(request, "commission/mail/detail.html", {"mail": mail, "cohort": cohort})


@require_POST
@login_required
@permission_required(PERMISSION, raise_exception=True)
def mail_resend(request, pk):
    mail = get_object_or_404(selectors.mail_log(), pk=pk)
    if mail.status != MailStatus.FAILED:
        messages.info(
            request,
            _("Only a failed e-mail can be sent again from here; this one is %(status)s.")
            % {"status": mail.get_status_display().lower()},
        )
    elif applicant_services.outbox_send(messages=[mail], by=request.user):
        messages.success(request, _("The e-mail to %(to)s is queued again.") % {"to": mail.to})
    else:
        messages.info(request, _("This e-mail is already queued or sent; nothing to do."))
    return redirect("outbox_message", pk=mail.pk)
