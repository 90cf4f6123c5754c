"""The cohort report: one workbook a commission sends its funders, every sheet streamed.

Each sheet is one class's rows; the shoots' sheets are the same exports as the staff lists.
"""

from collections import Counter
from collections.abc import Iterator

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl.chart import BarChart, Reference

from applicants.access_log import LoggedRows
from applicants.enums import ApplicationStatus, CrewRole, Gender, PersonalDataPlace, PersonalDatum
from applicants.models import Cohort
from applicants.xlsx import (
    DATE,
    DATETIME,
    DECIMAL,
    MONEY,
    NUMBER,
    Column,
    ListExport,
    Sheet,
    XlsxExport,
    cell,
)
from shoots import selectors as shoot_selectors
from shoots.exporters import PermitExport, ShootDayExport, SupportRequestExport

from . import selectors

S = ApplicationStatus
# Rows read from the database at a time: memory stays flat whatever the cohort's size.
CHUNK = 2000


def _name(profile) -> str:
    return (profile and profile.legal_name) or ""


def _native(profile) -> str:
    return (profile and profile.native_name) or ""


def _country(profile) -> str:
    return str((profile and profile.nationality) or "")


def _scores(sheet) -> dict:
    """The panel's scores a sheet was given, else its cohort's, read when its rows are."""
    if sheet.scores is None:
        sheet.scores = selectors.cohort_scores(cohort=sheet.cohort)
    return sheet.scores


def _labels(choices) -> dict[str, str]:
    """An enum's labels in the current language, translated once rather than per row."""
    return {value: str(label) for value, label in choices.choices}


class SummarySheet:
    """Counts by country (with a chart of applications against seats), state, gender, role."""

    def __init__(self, *, cohort: Cohort):
        self.cohort = cohort

    def columns(self) -> list[Column]:
        return [
            Column(_("Country"), width=24),
            Column(_("Seats"), NUMBER, 17),
            Column(_("Applications"), NUMBER, 14),
            Column(_("Drafts"), NUMBER, 10),
            Column(_("Offered a seat"), NUMBER, 14),
            Column(_("Confirmed"), NUMBER, 12),
        ]

    def rows(self) -> Iterator[list]:
        # The same numbers as the dashboard's chart: one selector for both.
        for row in selectors.applications_by_country(cohort=self.cohort).rows:
            yield [
                row.country.name,
                row.seats,
                row.applications,
                row.drafts,
                row.selected,
                row.confirmed,
            ]

    def _tables(self) -> Iterator[tuple[str, list[tuple[str, int]]]]:
        counts = selectors.cohort_counts(cohort=self.cohort)
        yield (
            _("Applications by state"),
            [(status.label, counts.by_state[status]) for status in S],
        )
        by_gender = counts.by_gender
        genders = [(gender.label, by_gender.pop(gender.value, 0)) for gender in Gender]
        genders.append((_("Not given"), sum(by_gender.values())))
        yield _("Applications by gender (drafts not counted)"), genders
        yield (
            _("Applications by first intended role (drafts not counted)"),
            [(role.label, counts.by_role[role]) for role in CrewRole],
        )
        crew = counts.by_crew_role
        roles = [(role.label, crew.pop(role.value, 0)) for role in CrewRole]
        roles.append((_("No crew role yet"), sum(crew.values())))
        yield _("Participants by crew role"), roles

    def finish(self, worksheet, written: int) -> None:
        """Below the countries: the other counts and the cohort's facts; beside them, a chart."""
        for title, counts in self._tables():
            worksheet.append([])
            worksheet.append([cell(worksheet, title, bold=True)])
            for label, count in counts:
                worksheet.append([cell(worksheet, label), count])
        cohort = self.cohort
        worksheet.append([])
        worksheet.append([cell(worksheet, _("Cohort"), bold=True), cell(worksheet, cohort.name)])
        for label, value, kind in [
            (_("Call closes (Korea time)"), cohort.closes_at, DATETIME),
            (_("On site from"), cohort.onsite_starts_on, DATE),
            (_("On site until"), cohort.onsite_ends_on, DATE),
            (_("Report made (Korea time)"), timezone.now(), DATETIME),
        ]:
            worksheet.append([cell(worksheet, label), cell(worksheet, value, kind)])
        if written:
            chart = BarChart()
            chart.type = "col"
            chart.title = _("Applications and seats by country")
            chart.y_axis.title = _("People")
            chart.y_axis.majorGridlines = None
            data = Reference(worksheet, min_col=2, max_col=3, min_row=1, max_row=written + 1)
            chart.add_data(data, titles_from_data=True)
            chart.set_categories(Reference(worksheet, min_col=1, min_row=2, max_row=written + 1))
            chart.width, chart.height = 24, 10
            worksheet.add_chart(chart, "H2")

    def sheet(self) -> Sheet:
        return Sheet(_("Summary"), self.columns(), self.rows(), finish=self.finish)


class ApplicationSheet:
    """Every application received (drafts are never read), with the panel's scores."""

    def __init__(self, *, cohort: Cohort, scores: dict | None = None):
        self.cohort = cohort
        self.scores = scores

    def columns(self) -> list[Column]:
        return [
            Column(_("ID"), NUMBER, 8),
            Column(_("Legal name"), width=24),
            Column(_("Name in own script"), width=22),
            Column(_("Preferred name"), width=16),
            Column(_("Nationality"), width=16),
            Column(_("Gender"), width=12),
            Column(_("Age on reference date"), NUMBER, 10),
            Column(_("Intended roles"), width=28),
            Column(_("State"), width=16),
            Column(_("Submitted (Korea time)"), DATETIME, 18),
            Column(_("Reviews"), NUMBER, 9),
            Column(_("Mean score (0-100)"), DECIMAL, 12),
            Column(_("Median score"), DECIMAL, 12),
            Column(_("Normalised score"), DECIMAL, 12),
        ]

    def rows(self) -> Iterator[list]:
        scores = _scores(self)
        # Plain values, not models, and every label looked up once: the sheet of a big call
        # costs little more than dumping its rows.
        genders, states, roles = (_labels(enum) for enum in (Gender, S, CrewRole))
        rows = selectors.report_applications(cohort=self.cohort)
        age = self.cohort.age_on_reference_date
        for row in rows.iterator(chunk_size=CHUNK):
            pk, name, native, preferred, country, gender, birth, *intended, status, sent = row
            found = scores.get(pk)
            yield [
                pk,
                name,
                native,
                preferred,
                country,
                genders.get(gender, ""),
                age(birth) if birth else None,
                "; ".join(roles[role] for role in intended if role),
                states[status],
                sent,
                found.reviews if found else 0,
                found and found.mean,
                found and found.median,
                found and found.normalised,
            ]

    def sheet(self) -> Sheet:
        return Sheet(_("Applications"), self.columns(), self.rows())


class SelectionSheet:
    """The ranking, country by country, with each application's decision and waitlist place.

    Ranked by the normalised score, as the selection board proposes seats.
    """

    order = "normalised"

    def __init__(self, *, cohort: Cohort, scores: dict | None = None):
        self.cohort = cohort
        self.scores = scores

    def columns(self) -> list[Column]:
        return [
            Column(_("Country"), width=18),
            Column(_("Rank in country"), NUMBER, 10),
            Column(_("Overall rank"), NUMBER, 10),
            Column(_("ID"), NUMBER, 8),
            Column(_("Legal name"), width=24),
            Column(_("Name in own script"), width=22),
            Column(_("Mean score (0-100)"), DECIMAL, 12),
            Column(_("Normalised score"), DECIMAL, 12),
            Column(_("Decision"), width=18),
            Column(_("Waitlist place"), NUMBER, 10),
            Column(_("Reason for the override"), width=36),
            Column(_("Reply to the offer by (Korea time)"), DATETIME, 18),
        ]

    def rows(self) -> Iterator[list]:
        scores = _scores(self)
        running = selectors.ranking_rows(cohort=self.cohort)
        ranked = sorted(
            running,
            key=lambda row: selectors.rank_key(self.order, scores.get(row[0]), row[0]),
            reverse=True,
        )
        overall = {row[0]: place for place, row in enumerate(ranked, 1)}
        ranked.sort(key=lambda row: (row[1] is None, row[1] or ""))  # stable: rank kept
        in_country = Counter()
        labels = _labels(S)
        for pk, country, name, native, status, place, reason, expires in ranked:
            in_country[country] += 1
            found = scores.get(pk)
            yield [
                country or _("No nationality given"),
                in_country[country],
                overall[pk],
                pk,
                name or "",
                native or "",
                found and found.mean,
                found and found.normalised,
                labels[status],
                place,
                reason,
                expires,
            ]

    def sheet(self) -> Sheet:
        return Sheet(_("Selection"), self.columns(), self.rows())


def _shown(participant) -> list:
    """What of the participant's personal data the roster shows."""
    profile = getattr(participant.user, "profile", None)
    if profile is None:
        return []
    return [
        datum
        for datum, value in (
            (PersonalDatum.BIRTH_DATE, profile.date_of_birth),
            (PersonalDatum.PASSPORT_NUMBER, profile.passport_number),
        )
        if value
    ]


class RosterSheet:
    """The cohort's participants with their team, film and crew role.

    E-mail addresses, birth dates, passports and guardians' contacts only for a reader of
    personal data (`applicants.read_personal_data`); without it the columns are not there at
    all. With them, each participant's row is logged as read by `reader` (when there is one:
    the `export_cohort_report` command is run by whoever runs the server).
    """

    def __init__(self, *, cohort: Cohort, personal_data: bool, reader=None):
        self.cohort = cohort
        self.personal_data = personal_data
        self.reader = reader

    def columns(self) -> list[Column]:
        columns = [
            Column(_("Team"), NUMBER, 8),
            Column(_("Film"), width=26),
            Column(_("Legal name"), width=24),
            Column(_("Name in own script"), width=22),
            Column(_("Nationality"), width=16),
            Column(_("Gender"), width=12),
            Column(_("Crew role"), width=18),
        ]
        if self.personal_data:
            columns += [
                Column(_("E-mail"), width=28),
                Column(_("Date of birth"), DATE, 12),
                Column(_("Age on reference date"), NUMBER, 10),
                Column(_("Passport number"), width=14),
                Column(_("Passport valid until"), DATE, 12),
                Column(_("Guardian's name"), width=22),
                Column(_("Guardian's e-mail address"), width=28),
            ]
        return columns

    def rows(self) -> Iterator[list]:
        participants = shoot_selectors.participants_of(cohort=self.cohort).order_by(
            "team_member__team__number",
            "user__profile__nationality__name",
            "user__profile__legal_name",
            "pk",
        )
        participants = participants.iterator(chunk_size=CHUNK)
        if self.personal_data and self.reader is not None:
            participants = LoggedRows(
                participants,
                user=self.reader,
                where=PersonalDataPlace.COHORT_REPORT,
                what=_shown,
                application_of=lambda participant: participant.application,
                size=CHUNK,
            )
        for participant in participants:
            profile = getattr(participant.user, "profile", None)
            member = getattr(participant, "team_member", None)
            production = member and getattr(member.team, "production", None)
            row = [
                member and member.team.number,
                production.title if production else "",
                _name(profile),
                _native(profile),
                _country(profile),
                profile.get_gender_display() if profile else "",
                member.get_role_display() if member and member.role else "",
            ]
            if self.personal_data:
                birth = profile and profile.date_of_birth
                application = participant.application
                row += [
                    participant.user.email,
                    birth,
                    self.cohort.age_on_reference_date(birth) if birth else None,
                    profile.passport_number if profile else "",
                    profile and profile.passport_expires_on,
                    application.guardian_name,
                    application.guardian_email,
                ]
            yield row

    def sheet(self) -> Sheet:
        return Sheet(_("Roster"), self.columns(), self.rows())


class ReviewExport(ListExport):
    """One row per reviewer's assignment: the state of the review, its total and each score.

    Ordered as the ranking page orders its applications, then by reviewer. A review not yet
    submitted shows its state only: a reviewer's draft is theirs until they send it.
    """

    filename = "reviews"
    title = gettext_lazy("Reviews")

    def __init__(self, *, cohort: Cohort, order: str = "mean", scores: dict | None = None):
        self.cohort = cohort
        self.order = order
        self.scores = scores
        self.criteria = list(selectors.rubric_of(cohort=cohort))

    def size(self) -> int:
        return selectors.report_assignments(cohort=self.cohort).count()

    def columns(self) -> list[Column]:
        return [
            Column(_("Application"), NUMBER, 11),
            Column(_("Legal name"), width=24),
            Column(_("Nationality"), width=16),
            Column(_("Reviewer"), width=24),
            Column(_("Review"), width=14),
            Column(_("Submitted (Korea time)"), DATETIME, 18),
            Column(_("Total (0-100)"), DECIMAL, 11),
            *[
                Column(
                    criterion.name if criterion.counted else _("%s (not counted)") % criterion.name,
                    NUMBER,
                    14,
                )
                for criterion in self.criteria
            ],
            Column(_("Comment"), width=40),
        ]

    def rows(self) -> Iterator[list]:
        scores = _scores(self)
        assignments = selectors.report_assignments(cohort=self.cohort)
        # Sorted as plain ids, then read a chunk at a time with the chunk's scores: memory
        # stays flat however many reviews.
        order = sorted(
            assignments.order_by("reviewer__full_name", "reviewer__email", "pk").values_list(
                "pk", "application_id"
            ),
            key=lambda row: selectors.rank_key(self.order, scores.get(row[1]), row[1]),
            reverse=True,
        )
        for start in range(0, len(order), CHUNK):
            chunk = [pk for pk, _application in order[start : start + CHUNK]]
            found = selectors.assignments_by_id(ids=chunk)
            values = selectors.submitted_scores(
                reviews=[found[pk].review.pk for pk in chunk if hasattr(found[pk], "review")]
            )
            yield from (self._row(found[pk], scores, values) for pk in chunk)

    def _row(self, assignment, scores, values) -> list:
        review = getattr(assignment, "review", None)
        submitted = review and review.submitted_at
        found = scores.get(assignment.application_id)
        profile = getattr(assignment.application.applicant, "profile", None)
        own = values.get(review.pk, {}) if submitted else {}
        return [
            assignment.application_id,
            _name(profile),
            _country(profile),
            str(assignment.reviewer),
            _("Submitted") if submitted else (_("Draft") if review else _("Not started")),
            submitted,
            found.totals.get(assignment.reviewer_id) if found and submitted else None,
            *[own.get(criterion.pk) for criterion in self.criteria],
            review.comment if submitted else "",
        ]


class BudgetSheet:
    """Budgeted, estimated, committed and actual costs by kind: the cohort's, then each film's."""

    def __init__(self, *, cohort: Cohort):
        self.cohort = cohort

    def columns(self) -> list[Column]:
        return [
            Column(_("For"), width=26),
            Column(_("Kind"), width=22),
            Column(_("Budgeted"), MONEY, 14),
            Column(_("Estimated"), MONEY, 14),
            Column(_("Committed"), MONEY, 14),
            Column(_("Actual"), MONEY, 14),
            Column(_("Remaining"), MONEY, 14),
            Column(_("Warning"), width=24),
        ]

    def rows(self) -> Iterator[list]:
        budget = shoot_selectors.budget_of(cohort=self.cohort)
        whole = _("Whole cohort")
        sections = [(whole, budget.cohort_rows)] + [
            (production.title, rows) for production, rows in budget.productions
        ]
        for owner, rows in sections:
            for row in rows:
                yield self._row(owner, row)
        yield self._row(whole, budget.total, label=_("Total"))

    def _row(self, owner, row, label=None) -> list:
        warnings = []
        if row.over_committed:
            warnings.append(_("Committed over budget"))
        if row.over_actual:
            warnings.append(_("Spent over budget"))
        return [
            owner,
            label or row.label,
            row.budgeted,
            row.estimated,
            row.committed,
            row.actual,
            row.remaining,
            "; ".join(str(warning) for warning in warnings),
        ]

    def sheet(self) -> Sheet:
        return Sheet(_("Budget"), self.columns(), self.rows())


class CohortReport(XlsxExport):
    """The whole cohort in one workbook: who applied, who was chosen, what was shot, and what
    it cost."""

    def __init__(self, *, cohort: Cohort, personal_data: bool, reader=None):
        self.cohort = cohort
        self.personal_data = personal_data
        self.reader = reader
        self.filename = f"{cohort.slug}-report"

    def sheets(self) -> Iterator[Sheet]:
        cohort = self.cohort
        scores = selectors.cohort_scores(cohort=cohort)  # for three sheets, computed once
        yield SummarySheet(cohort=cohort).sheet()
        yield ApplicationSheet(cohort=cohort, scores=scores).sheet()
        yield SelectionSheet(cohort=cohort, scores=scores).sheet()
        yield RosterSheet(
            cohort=cohort, personal_data=self.personal_data, reader=self.reader
        ).sheet()
        yield from ReviewExport(cohort=cohort, order=SelectionSheet.order, scores=scores).sheets()
        yield from ShootDayExport(shoot_days=shoot_selectors.shoot_days_of(cohort=cohort)).sheets()
        yield from PermitExport(permits=shoot_selectors.permits_of(cohort=cohort)).sheets()
        support = SupportRequestExport(requests=shoot_selectors.support_requests_of(cohort=cohort))
        yield Sheet(_("Logistics"), support.columns(), support.rows())
        yield BudgetSheet(cohort=cohort).sheet()
