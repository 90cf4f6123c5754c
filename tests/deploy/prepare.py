"""The deploy tests' people, written into the deployment's database and bucket.

Run by `.ci/run` with the servers' environment:
`manage.py shell --no-imports -c "from tests.deploy.prepare import main; main()"`; prints JSON.
"""

import json

from applicants.enums import DocumentKind
from applicants.services import document_upload
from commission.roles import PROGRAMME_MANAGER
from tests.factories import PASSWORD, CompleteApplicationFactory, StaffFactory
from tests.factories.files import pdf, png


def main():
    manager = StaffFactory(email="deploy-manager@example.org", role=PROGRAMME_MANAGER)
    # A complete draft but for the CV, which the applicant uploads through one server.
    application = CompleteApplicationFactory(applicant__email="deploy-applicant@example.org")
    for kind, upload in [
        (DocumentKind.PORTFOLIO, pdf("portfolio.pdf")),
        (DocumentKind.PASSPORT, png()),
    ]:
        document_upload(application=application, kind=kind, upload=upload, by=application.applicant)
    print(
        json.dumps(
            {
                "password": PASSWORD,
                "manager": manager.email,
                "applicant": application.applicant.email,
                "application": application.pk,
                "cohort": application.cohort.slug,
            }
        )
    )
