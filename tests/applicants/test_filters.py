from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from applicants import selectors
from applicants.enums import ApplicationStatus, DocumentKind
from applicants.filters import ApplicationFilter, born_by_for_age, missing_documents
from applicants.models import ApplicationDocument, Cohort
from tests.factories import ApplicantFactory, ApplicationFactory, CohortFactory, CountryFactory

pytestmark = pytest.mark.django_db

KOREA = ZoneInfo("Asia/Seoul")
ALL_REQUIRED = [DocumentKind.CV, DocumentKind.PORTFOLIO, DocumentKind.PASSPORT]
SUBMITTED_AT = datetime(2026, 3, 1, 12, tzinfo=KOREA)
UNSET = object()


def submitted(
    *,
    cohort=None,
    status=ApplicationStatus.SUBMITTED,
    submitted_at=UNSET,
    roles=("director", "", ""),
    documents=ALL_REQUIRED,
    email=None,
    **profile,
):
    """A submitted application whose applicant's profile has the fields given.

    It has a submission time unless it is a draft, which was never submitted; pass
    `submitted_at=None` for another state reached without submitting (a withdrawn draft).
    """
    if submitted_at is UNSET:
        submitted_at = None if status == ApplicationStatus.DRAFT else SUBMITTED_AT
    user_fields = {f"profile__{name}": value for name, value in profile.items()}
    if email:
        user_fields["email"] = email
    application = ApplicationFactory(
        cohort=cohort or CohortFactory(),
        applicant=ApplicantFactory(**user_fields),
        status=status,
        submitted_at=submitted_at,
        role_1=roles[0],
        role_2=roles[1],
        role_3=roles[2],
    )
    for kind in documents:
        ApplicationDocument.objects.create(
            application=application,
            kind=kind,
            file=f"applications/{application.pk}/{kind}.pdf",
            original_name=f"{kind}.pdf",
            content_type="application/pdf",
            size=1000,
        )
    return application


def filtered(**data):
    filterset = ApplicationFilter(data, queryset=selectors.applications_for_staff())
    assert filterset.is_valid(), filterset.errors
    return set(filterset.qs)


def test_application_filter_cohort_returns_only_its_applications():
    first, second = CohortFactory(), CohortFactory()
    mine = submitted(cohort=first)
    submitted(cohort=second)

    assert filtered(cohort=first.pk) == {mine}


def test_application_filter_country_matches_the_nationality():
    thailand = CountryFactory(code="TH", name="Thailand")
    thai = submitted(nationality=thailand, residence=CountryFactory(code="KR", name="Korea"))
    submitted(residence=thailand)  # lives in Thailand, Cambodian national

    assert filtered(country=thailand.pk) == {thai}


def test_application_filter_status_returns_that_status_only():
    cohort = CohortFactory()
    shortlisted = submitted(cohort=cohort, status=ApplicationStatus.SHORTLISTED)
    submitted(cohort=cohort)

    assert filtered(status="shortlisted") == {shortlisted}


def test_application_filter_status_does_not_offer_draft():
    filterset = ApplicationFilter({"status": "draft"}, queryset=selectors.applications_for_staff())

    assert not filterset.is_valid()
    assert list(filterset.errors) == ["status"]


def test_application_filter_role_matches_any_of_the_three_choices():
    cohort = CohortFactory()
    first = submitted(cohort=cohort, roles=("editor", "", ""))
    second = submitted(cohort=cohort, roles=("director", "editor", ""))
    third = submitted(cohort=cohort, roles=("director", "sound", "editor"))
    submitted(cohort=cohort, roles=("director", "sound", "producer"))

    assert filtered(role="editor") == {first, second, third}


def test_application_filter_gender_returns_that_gender_only():
    cohort = CohortFactory()
    male = submitted(cohort=cohort, gender="male")
    submitted(cohort=cohort, gender="female")

    assert filtered(gender="male") == {male}


def test_application_filter_age_band_is_exact_on_the_birthday():
    cohort = CohortFactory(age_reference_date=date(2026, 8, 1))
    turns_18 = submitted(cohort=cohort, date_of_birth=date(2008, 8, 1))
    still_17 = submitted(cohort=cohort, date_of_birth=date(2008, 8, 2))
    turns_22 = submitted(cohort=cohort, date_of_birth=date(2004, 8, 1))
    still_21 = submitted(cohort=cohort, date_of_birth=date(2004, 8, 2))
    turns_26 = submitted(cohort=cohort, date_of_birth=date(2000, 8, 1))
    still_25 = submitted(cohort=cohort, date_of_birth=date(2000, 8, 2))

    assert filtered(age="under_18") == {still_17}
    assert filtered(age="18_21") == {turns_18, still_21}
    assert filtered(age="22_25") == {turns_22, still_25}
    assert filtered(age="over_25") == {turns_26}


def test_application_filter_age_band_counts_on_each_cohorts_own_reference_date():
    summer = CohortFactory(age_reference_date=date(2026, 8, 1))
    winter = CohortFactory(age_reference_date=date(2027, 1, 15))
    # Born 1 Oct 2008: 17 on 1 Aug 2026, 18 on 15 Jan 2027.
    in_summer = submitted(cohort=summer, date_of_birth=date(2008, 10, 1))
    in_winter = submitted(cohort=winter, date_of_birth=date(2008, 10, 1))

    assert filtered(age="under_18") == {in_summer}
    assert filtered(age="18_21") == {in_winter}


def test_application_filter_age_band_on_a_29_february_reference_date_agrees_with_the_model():
    cohort = CohortFactory(age_reference_date=date(2028, 2, 29))
    born_28_february = submitted(cohort=cohort, date_of_birth=date(2010, 2, 28))
    born_1_march = submitted(cohort=cohort, date_of_birth=date(2010, 3, 1))

    assert cohort.age_on_reference_date(date(2010, 2, 28)) == 18
    assert cohort.age_on_reference_date(date(2010, 3, 1)) == 17
    assert filtered(age="18_21") == {born_28_february}
    assert filtered(age="under_18") == {born_1_march}


def test_born_by_for_age_on_29_february_falls_back_to_28_february():
    assert born_by_for_age(date(2028, 2, 29), 18) == date(2010, 2, 28)
    assert born_by_for_age(date(2028, 2, 29), 20) == date(2008, 2, 29)


def test_born_by_for_age_before_year_one_is_none():
    assert born_by_for_age(date(10, 8, 1), 22) is None
    assert born_by_for_age(date(10, 8, 1), 10) is None
    assert born_by_for_age(date(10, 8, 1), 9) == date(1, 8, 1)


def absurd_cohort():
    """A cohort saved, before dates were validated, with the reference date in year 10."""
    cohort = CohortFactory()
    Cohort.objects.filter(pk=cohort.pk).update(age_reference_date=date(10, 8, 1))
    cohort.refresh_from_db()
    return cohort


@pytest.mark.parametrize("band", ["under_18", "18_21", "22_25", "over_25"])
def test_application_filter_age_band_survives_a_cohort_with_a_reference_date_in_year_10(band):
    sound = CohortFactory(age_reference_date=date(2026, 8, 1))
    ages = {
        "under_18": date(2009, 1, 1),
        "18_21": date(2006, 1, 1),
        "22_25": date(2002, 1, 1),
        "over_25": date(1990, 1, 1),
    }
    in_band = submitted(cohort=sound, date_of_birth=ages[band])
    # Born in 2005, this applicant is -1995 years old on that date: under 18, as the model says.
    absurd = submitted(cohort=absurd_cohort(), date_of_birth=date(2005, 4, 12))

    assert absurd.cohort.age_on_reference_date(date(2005, 4, 12)) < 18
    assert filtered(age=band) == ({in_band, absurd} if band == "under_18" else {in_band})


def test_application_filter_missing_any_counts_a_consent_form_on_a_reference_date_in_year_10():
    absurd = submitted(cohort=absurd_cohort(), date_of_birth=date(2005, 4, 12))

    assert DocumentKind.CONSENT in missing_documents(absurd)
    assert filtered(missing="any") == {absurd}


@pytest.mark.parametrize(
    "data",
    [
        {"submitted_from": "0001-01-01"},
        {"submitted_to": "9999-12-31"},
        {"submitted_from": "1999-12-31"},
        {"submitted_to": "2101-01-01"},
    ],
)
def test_application_filter_refuses_a_date_outside_the_years_2000_to_2100(data):
    submitted()
    filterset = ApplicationFilter(data, queryset=selectors.applications_for_staff())

    assert not filterset.is_valid()
    assert filterset.errors == {
        name: ["Please give a date between the years 2000 and 2100."] for name in data
    }


def test_application_filter_takes_the_first_and_last_day_of_the_years_2000_to_2100():
    application = submitted()

    assert filtered(submitted_from="2000-01-01", submitted_to="2100-12-31") == {application}
    assert filtered(submitted_from="2100-12-31") == set()
    assert filtered(submitted_to="2000-01-01") == set()


def test_application_filter_age_band_leaves_out_an_unknown_birth_date():
    cohort = CohortFactory(age_reference_date=date(2026, 8, 1))
    submitted(cohort=cohort, date_of_birth=None)

    assert filtered(age="under_18") == set()
    assert filtered(age="over_25") == set()


def test_application_filter_submitted_dates_are_korea_days():
    cohort = CohortFactory()
    late_on_the_first = submitted(
        cohort=cohort, submitted_at=datetime(2026, 3, 1, 23, 30, tzinfo=KOREA)
    )
    early_on_the_second = submitted(
        cohort=cohort, submitted_at=datetime(2026, 3, 2, 0, 10, tzinfo=KOREA)
    )
    submitted(cohort=cohort, submitted_at=datetime(2026, 2, 28, 23, 59, tzinfo=KOREA))

    assert filtered(submitted_from="2026-03-01", submitted_to="2026-03-01") == {late_on_the_first}
    assert filtered(submitted_from="2026-03-02") == {early_on_the_second}
    assert filtered(submitted_from="2026-03-01") == {late_on_the_first, early_on_the_second}


def test_application_filter_missing_a_kind_returns_those_without_it():
    cohort = CohortFactory()
    no_portfolio = submitted(cohort=cohort, documents=[DocumentKind.CV, DocumentKind.PASSPORT])
    submitted(cohort=cohort)

    assert filtered(missing="portfolio") == {no_portfolio}


def test_application_filter_missing_any_counts_a_minors_consent_form():
    cohort = CohortFactory(age_reference_date=date(2026, 8, 1))
    no_cv = submitted(cohort=cohort, documents=[DocumentKind.PORTFOLIO, DocumentKind.PASSPORT])
    minor_without_consent = submitted(cohort=cohort, date_of_birth=date(2009, 1, 1))
    submitted(
        cohort=cohort,
        date_of_birth=date(2009, 1, 1),
        documents=[*ALL_REQUIRED, DocumentKind.CONSENT],
    )
    submitted(cohort=cohort, date_of_birth=date(2004, 1, 1))  # adult, all required there

    assert filtered(missing="any") == {no_cv, minor_without_consent}


def test_missing_documents_agrees_with_the_missing_filter():
    cohort = CohortFactory(age_reference_date=date(2026, 8, 1))
    minor = submitted(cohort=cohort, date_of_birth=date(2009, 1, 1), documents=[DocumentKind.CV])

    assert missing_documents(minor) == [
        DocumentKind.PORTFOLIO,
        DocumentKind.PASSPORT,
        DocumentKind.CONSENT,
    ]


def test_application_filter_search_finds_a_khmer_name():
    cohort = CohortFactory()
    sokha = submitted(cohort=cohort, native_name="ចាន់ សុខា")
    submitted(cohort=cohort, native_name="ហេង ដារ៉ា")

    assert filtered(q="សុខា") == {sokha}


def test_application_filter_search_finds_a_thai_name():
    cohort = CohortFactory()
    somchai = submitted(cohort=cohort, native_name="สมชาย ใจดี")
    submitted(cohort=cohort, native_name="ចាន់ សុខា")

    assert filtered(q="ใจดี") == {somchai}


def test_application_filter_search_finds_korean_typed_decomposed():
    cohort = CohortFactory()
    minji = submitted(cohort=cohort, native_name="김민지")
    submitted(cohort=cohort, native_name="이서준")
    decomposed = "\u1100\u1175\u11b7"  # 김 as conjoining jamo, as some keyboards send it

    assert filtered(q=decomposed) == {minji}


def test_application_filter_search_matches_legal_preferred_name_and_email():
    cohort = CohortFactory()
    by_legal = submitted(cohort=cohort, legal_name="Nguyen Van An", preferred_name="")
    by_preferred = submitted(cohort=cohort, legal_name="Aung Kyaw", preferred_name="Nguyen")
    by_email = submitted(cohort=cohort, legal_name="Siti Rahman", email="nguyen.fan@example.org")
    submitted(cohort=cohort, legal_name="Malai Phommachanh", preferred_name="Malai")

    assert filtered(q="nguyen") == {by_legal, by_preferred, by_email}


def test_application_filter_search_needs_every_word_in_any_field():
    cohort = CohortFactory()
    both = submitted(cohort=cohort, legal_name="Chan Sokha", preferred_name="")
    submitted(cohort=cohort, legal_name="Chan Dara", preferred_name="")

    assert filtered(q="sokha chan") == {both}


def test_application_filter_search_takes_percent_and_underscore_literally():
    submitted(legal_name="Chan Sokha")

    assert filtered(q="%") == set()
    assert filtered(q="_") == set()


def test_application_filter_sorts_by_legal_name_and_country():
    cohort = CohortFactory()
    thailand = CountryFactory(code="TH", name="Thailand")
    laos = CountryFactory(code="LA", name="Laos")
    zaw = submitted(cohort=cohort, legal_name="Zaw Min", nationality=laos)
    anong = submitted(cohort=cohort, legal_name="Anong Sri", nationality=thailand)
    bopha = submitted(cohort=cohort, legal_name="Bopha Keo")  # Cambodia

    by_name = ApplicationFilter({"o": "name"}, queryset=selectors.applications_for_staff()).qs
    by_country = ApplicationFilter(
        {"o": "-country"}, queryset=selectors.applications_for_staff()
    ).qs

    assert list(by_name) == [anong, bopha, zaw]
    assert list(by_country) == [anong, zaw, bopha]


def test_application_filter_never_returns_a_draft():
    cohort = CohortFactory()
    submitted(cohort=cohort, status=ApplicationStatus.DRAFT, native_name="ចាន់ សុខា")
    submitted(
        cohort=cohort,
        status=ApplicationStatus.WITHDRAWN,
        submitted_at=None,
        native_name="ចាន់ ដារ៉ា",
    )

    assert filtered() == set()
    assert filtered(q="ចាន់", cohort=cohort.pk) == set()
    assert filtered(status="withdrawn") == set()


def test_application_filter_returns_an_application_withdrawn_after_it_was_submitted():
    withdrawn = submitted(status=ApplicationStatus.WITHDRAWN)

    assert filtered(status="withdrawn") == {withdrawn}
