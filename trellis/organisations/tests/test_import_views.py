"""Importing organisations on the web: upload, every problem listed, preview, confirm, progress,
result — and nothing written unless the whole file is valid."""

from __future__ import annotations

import io
import uuid

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook

from trellis.core.errors import ValidationFailed
from trellis.core.models import AuditEvent, Notification
from trellis.organisations import importing, services
from trellis.organisations.models import ImportJob, ImportStatus, Organisation
from trellis.organisations.tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db

IMPORT_URL = reverse("organisations:import")

GOOD_CSV = (
    "Organisation name,Charity number,Legal form,Wards,Client groups,Service types,Annual income,Email\n"
    'Brookfield Community Pantry,1164883,CIO,Castlegate; Mill Hill,families,food_support,"£45,000",'
    "hello@brookfield.org.uk\n"
    "Hollin Bank Tenants,1100001,Unincorporated association,*,older_people; Carers,befriending,8500,\n"
).encode()


def xlsx(rows) -> bytes:
    book = Workbook()
    for row in rows:
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def upload(client, name, content, update_existing=False):
    data = {"file": SimpleUploadedFile(name, content)}
    if update_existing:
        data["update_existing"] = "on"
    return client.post(IMPORT_URL, data)


def job_url(job, name="organisations:import_job"):
    return reverse(name, args=[job.public_id])


@pytest.fixture
def officer_client(client, commissioner, wards):
    client.force_login(commissioner)
    return client


def confirm(client, job, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(job_url(job))
    assert response.status_code == 302 and response["Location"] == job_url(job)
    job.refresh_from_db()
    return job


# --- The page -----------------------------------------------------------------------------------


def test_the_import_page_explains_the_columns_and_codes(officer_client):
    response = officer_client.get(IMPORT_URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert "<h1" in html and html.count("<h1") == 1
    assert reverse("organisations:import_template") in html
    assert "Charity number" in html and "GB-CHC-&lt;number&gt;" in html
    for code in ("food_support", "older_people", "cio", "E05099001", "Castlegate"):
        assert code in html
    assert 'enctype="multipart/form-data"' in html
    assert 'for="id_file"' in html and 'for="id_update_existing"' in html


def test_the_template_downloads(officer_client):
    response = officer_client.get(reverse("organisations:import_template"))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv"
    assert "attachment" in response["Content-Disposition"]
    assert b"".join(response.streaming_content).startswith(b"name,org_id,legal_form,")


# --- Good files ---------------------------------------------------------------------------------


def test_a_good_csv_is_previewed_then_imported(officer_client, commissioner, django_capture_on_commit_callbacks):
    before_orgs, before_events = Organisation.objects.count(), AuditEvent.objects.count()
    response = upload(officer_client, "suppliers.csv", GOOD_CSV)
    job = ImportJob.objects.get()
    assert response.status_code == 302 and response["Location"] == job_url(job)
    assert job.status == ImportStatus.VALIDATED and job.created_by == commissioner
    assert (job.to_create, job.to_update, job.total_rows) == (2, 0, 2)
    assert job.file.name.startswith("imports/")

    page = officer_client.get(job_url(job)).content.decode()
    assert "Brookfield Community Pantry" in page and "GB-CHC-1164883" in page
    assert "Import 2 organisations" in page
    assert Organisation.objects.count() == before_orgs  # a preview writes nothing
    assert AuditEvent.objects.count() == before_events

    job = confirm(officer_client, job, django_capture_on_commit_callbacks)
    assert job.status == ImportStatus.DONE
    assert (job.created_count, job.updated_count, job.processed_rows) == (2, 0, 2)
    assert Organisation.objects.count() == before_orgs + 2

    pantry = Organisation.objects.get(org_id="GB-CHC-1164883")
    assert pantry.name == "Brookfield Community Pantry"
    assert pantry.legal_form == "cio" and pantry.income_band == "small" and pantry.annual_income == 45000
    assert sorted(pantry.wards.values_list("name", flat=True)) == ["Castlegate", "Mill Hill"]
    assert list(pantry.client_groups.values_list("code", flat=True)) == ["families"]
    assert list(pantry.service_types.values_list("code", flat=True)) == ["food_support"]
    assert pantry.email == "hello@brookfield.org.uk" and not pantry.borough_wide
    tenants = Organisation.objects.get(org_id="GB-CHC-1100001")
    assert tenants.borough_wide and tenants.legal_form == "unincorporated_association"
    assert sorted(tenants.client_groups.values_list("code", flat=True)) == ["carers", "older_people"]
    assert tenants.income_band == "micro"

    events = AuditEvent.objects.filter(seq__gt=before_events)
    assert sorted(events.filter(verb="organisation.created").values_list("data__org_id", flat=True)) == [
        "GB-CHC-1100001",
        "GB-CHC-1164883",
    ]
    summary = events.get(verb="organisations.imported")
    assert summary.actor == commissioner
    assert summary.data["created"] == 2 and summary.data["sha256"] == job.sha256
    assert Notification.objects.filter(recipient=commissioner, subject__startswith="Import finished").count() == 1

    result = officer_client.get(job_url(job)).content.decode()
    assert "Import complete" in result
    assert reverse("organisations:detail", args=[pantry.slug]) in result


def test_a_good_xlsx_is_imported(officer_client, django_capture_on_commit_callbacks):
    content = xlsx(
        [
            ["name", "org_id", "legal_form", "Company number", "Founded", "Registered office in the place"],
            ["Northbridge Care CIC", "GB-COH-6368740", "CIC", None, 2011, True],
            ["Mill Hill Youth Club", None, "community group", "SC123456", 1987.0, "no"],
        ]
    )
    upload(officer_client, "list.xlsx", content)
    job = ImportJob.objects.get()
    assert job.status == ImportStatus.VALIDATED, job.problems
    job = confirm(officer_client, job, django_capture_on_commit_callbacks)
    assert job.status == ImportStatus.DONE and job.created_count == 2
    care = Organisation.objects.get(org_id="GB-COH-06368740")
    assert care.founded_year == 2011 and care.registered_office_in_place
    club = Organisation.objects.get(org_id="GB-COH-SC123456")
    assert club.legal_form == "unincorporated_association" and club.founded_year == 1987
    assert not club.registered_office_in_place


# --- Bad files: every problem listed, nothing written ---------------------------------------


def assert_failed_and_nothing_written(client, response, before, expected_fragments):
    job = ImportJob.objects.latest("created_at")
    assert response["Location"] == job_url(job)
    assert job.status == ImportStatus.FAILED
    assert not job.file  # a refused file is not kept
    page = client.get(job_url(job)).content.decode()
    assert "Nothing has been imported" in page
    assert "govuk-error-summary" in page
    for fragment in expected_fragments:
        assert fragment in page
    assert Organisation.objects.count() == before
    # and it cannot be confirmed
    client.post(job_url(job))
    job.refresh_from_db()
    assert job.status == ImportStatus.FAILED
    assert Organisation.objects.count() == before
    return job


def test_wrong_columns_are_listed(officer_client):
    before = Organisation.objects.count()
    response = upload(officer_client, "bad.csv", b"Organisation,Colour,Size\nA,blue,9\n")
    job = assert_failed_and_nothing_written(
        officer_client, response, before, ["“Colour”", "“Size”", "not recognised", "org_id", "legal_form"]
    )
    assert {p["row"] for p in job.problems} == {1}


def test_several_bad_rows_are_all_listed_with_row_numbers(officer_client):
    before = Organisation.objects.count()
    content = (
        b"name,org_id,legal_form,email,staff_local_pct\n"
        b"Good Org,GB-CHC-1164883,cio,a@example.org,50\n"
        b"Bad Id,GB-CHC-12,cio,,\n"
        b"Bad Email,GB-CHC-1100001,cio,not-an-email,\n"
        b"Bad Pct,GB-CHC-1100002,cio,,150\n"
        b",GB-CHC-1100003,pirate,,\n"
    )
    job = assert_failed_and_nothing_written(
        officer_client,
        upload(officer_client, "rows.csv", content),
        before,
        ["not a valid Charity Commission", "not a valid e-mail address", "not a percentage", "Enter the organisation"],
    )
    assert [(p["row"], p["column"]) for p in job.problems] == [
        (3, "org_id"),
        (4, "email"),
        (5, "staff_local_pct"),
        (6, "name"),
        (6, "legal_form"),
    ]
    page = officer_client.get(job_url(job)).content.decode()
    assert "5 problems" in page


def test_duplicate_org_ids_in_the_file(officer_client):
    before = Organisation.objects.count()
    content = b"name,org_id,legal_form\nA,GB-CHC-1164883,cio\nB,gb-chc-1164883,cio\n"
    job = assert_failed_and_nothing_written(
        officer_client, upload(officer_client, "dup.csv", content), before, ["already used in row 2"]
    )
    assert job.problems == [{"row": 3, "column": "org_id", "message": "GB-CHC-1164883 is already used in row 2."}]


def test_an_unknown_ward(officer_client):
    before = Organisation.objects.count()
    content = b"name,org_id,legal_form,wards\nA,GB-CHC-1164883,cio,Castlegate; Atlantis\n"
    job = assert_failed_and_nothing_written(
        officer_client, upload(officer_client, "ward.csv", content), before, ["Not a known ward", "Atlantis"]
    )
    assert job.problems[0]["row"] == 2 and job.problems[0]["column"] == "wards"


def test_an_org_id_already_in_the_directory_is_a_problem_unless_updating(officer_client, charity):
    before = Organisation.objects.count()
    content = f"name,org_id,legal_form\nNew Name,{charity.org_id},cio\n".encode()
    assert_failed_and_nothing_written(
        officer_client,
        upload(officer_client, "existing.csv", content),
        before,
        [f"{charity.org_id} is already in the directory", "Update organisations already in the directory"],
    )
    charity.refresh_from_db()
    assert charity.name == "Brookfield Community Pantry"


def test_an_identifier_used_by_another_entry_is_a_problem(officer_client, charity):
    before = Organisation.objects.count()
    content = f"name,org_id,legal_form,other_identifiers\nNew,GB-CHC-1164883,cio,{charity.org_id}\n".encode()
    assert_failed_and_nothing_written(
        officer_client, upload(officer_client, "other.csv", content), before, ["already used by"]
    )


def test_many_problems_are_paginated_and_all_reachable(officer_client):
    rows = "".join(f"Org {i},GB-CHC-{i},cio\n" for i in range(1, 251))  # 1-digit to 3-digit: all invalid
    upload(officer_client, "many.csv", f"name,org_id,legal_form\n{rows}".encode())
    job = ImportJob.objects.get()
    assert len(job.problems) == 250
    first = officer_client.get(job_url(job)).content.decode()
    second = officer_client.get(job_url(job) + "?page=2").content.decode()
    assert "GB-CHC-1”" in first and "GB-CHC-250”" in second
    assert "See all 250 problems" in first


@pytest.mark.parametrize(
    "name, content, message",
    [
        ("suppliers.csv", b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 64, "Windows program"),
        ("suppliers.xlsx", b"\x7fELF\x02\x01\x01" + b"\x00" * 64, "Linux program"),
        ("suppliers.csv", b"#!/bin/sh\nrm -rf /\n", "a script"),
        ("suppliers.xlsx", b"name,org_id,legal_form\nA,GB-CHC-1164883,cio\n", "content is not a Excel file"),
        ("suppliers.csv", xlsx([["name"], ["A"]]), "content is not a CSV file"),
        ("suppliers.pdf", b"%PDF-1.4 hello", "must be one of these types"),
        ("suppliers.csv", b"", "The selected file is empty"),
        ("suppliers.csv", b"\n\n\n", "empty"),
    ],
)
def test_files_that_are_not_what_they_claim_are_refused(officer_client, name, content, message):
    before = Organisation.objects.count()
    response = upload(officer_client, name, content)
    assert response.status_code == 200
    html = response.content.decode()
    assert "There is a problem" in html and message in html
    assert 'href="#id_file"' in html
    assert ImportJob.objects.count() == 0  # nothing stored, not even the job
    assert Organisation.objects.count() == before


def test_no_file_chosen(officer_client):
    response = officer_client.post(IMPORT_URL, {})
    assert "Select a CSV or Excel file to import" in response.content.decode()
    assert ImportJob.objects.count() == 0


# --- Updating existing entries --------------------------------------------------------------


def test_updating_existing_entries(officer_client, charity, commissioner, django_capture_on_commit_callbacks):
    before = Organisation.objects.count()
    before_events = AuditEvent.objects.count()
    content = (
        "name,org_id,legal_form,annual_income,website\n"
        f"Brookfield Community Pantry,{charity.org_id},cio,250000,\n"
        f"Another,GB-CHC-1164883,cio,,\n"
    ).encode()
    upload(officer_client, "update.csv", content, update_existing=True)
    job = ImportJob.objects.get()
    assert (job.status, job.to_create, job.to_update) == (ImportStatus.VALIDATED, 1, 1)
    assert "Update" in officer_client.get(job_url(job)).content.decode()
    job = confirm(officer_client, job, django_capture_on_commit_callbacks)
    assert (job.status, job.created_count, job.updated_count) == (ImportStatus.DONE, 1, 1)
    assert Organisation.objects.count() == before + 1
    charity.refresh_from_db()
    assert charity.annual_income == 250000 and charity.income_band == "medium"
    assert charity.description  # an empty cell leaves a field as it was
    update = AuditEvent.objects.get(seq__gt=before_events, verb="organisation.updated")
    assert update.data["changes"]["annual_income"] == ["45000", "250000"]
    assert update.data["source"] == "import"


def test_an_unchanged_entry_is_counted_as_up_to_date(officer_client, charity, django_capture_on_commit_callbacks):
    content = f"name,org_id,legal_form\n{charity.name},{charity.org_id},{charity.legal_form}\n".encode()
    upload(officer_client, "same.csv", content, update_existing=True)
    job = confirm(officer_client, ImportJob.objects.get(), django_capture_on_commit_callbacks)
    assert (job.created_count, job.updated_count, job.unchanged_count) == (0, 0, 1)
    assert not AuditEvent.objects.filter(verb="organisation.updated").exists()


# --- All or nothing at run time -------------------------------------------------------------


def test_the_file_is_checked_again_when_the_import_runs(officer_client, django_capture_on_commit_callbacks):
    upload(officer_client, "suppliers.csv", GOOD_CSV)
    job = ImportJob.objects.get()
    OrganisationFactory(org_id="GB-CHC-1100001", name="Got There First")  # someone adds one meanwhile
    before = Organisation.objects.count()
    job = confirm(officer_client, job, django_capture_on_commit_callbacks)
    assert job.status == ImportStatus.FAILED
    assert "Got There First" in job.problems[0]["message"]
    assert Organisation.objects.count() == before
    assert not AuditEvent.objects.filter(verb="organisations.imported").exists()
    page = officer_client.get(job_url(job)).content.decode()
    assert "Nothing has been imported" in page


def test_a_failure_part_way_through_writes_nothing(officer_client, monkeypatch, django_capture_on_commit_callbacks):
    """Fault injection: the second row fails when written; the first must be rolled back."""
    upload(officer_client, "suppliers.csv", GOOD_CSV)
    job = ImportJob.objects.get()
    before_orgs, before_events = Organisation.objects.count(), AuditEvent.objects.count()
    real_create = services.organisation_create
    calls = []

    def create_then_fail(**kwargs):
        calls.append(kwargs["org_id"])
        if len(calls) == 2:
            raise ValidationFailed("Enter a valid e-mail address.", errors={"email": ["Enter a valid e-mail address."]})
        return real_create(**kwargs)

    monkeypatch.setattr(services, "organisation_create", create_then_fail)
    job = confirm(officer_client, job, django_capture_on_commit_callbacks)
    assert len(calls) == 2  # the first row really was written, then undone
    assert job.status == ImportStatus.FAILED
    assert job.problems == [{"row": 3, "column": "Email", "message": "Enter a valid e-mail address."}]
    assert Organisation.objects.count() == before_orgs
    assert AuditEvent.objects.count() == before_events


def test_an_unexpected_error_stops_the_import_cleanly(officer_client, monkeypatch, django_capture_on_commit_callbacks):
    upload(officer_client, "suppliers.csv", GOOD_CSV)
    job = ImportJob.objects.get()
    before = Organisation.objects.count()
    real_create = services.organisation_create

    def create_then_break(**kwargs):
        real_create(**kwargs)
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(services, "organisation_create", create_then_break)
    job = confirm(officer_client, job, django_capture_on_commit_callbacks)
    assert job.status == ImportStatus.ERROR
    assert "Nothing was imported" in job.error_message
    assert "disk on fire" not in officer_client.get(job_url(job)).content.decode()
    assert Organisation.objects.count() == before


def test_confirming_twice_imports_once(officer_client, django_capture_on_commit_callbacks):
    upload(officer_client, "suppliers.csv", GOOD_CSV)
    job = confirm(officer_client, ImportJob.objects.get(), django_capture_on_commit_callbacks)
    count = Organisation.objects.count()
    response = officer_client.post(job_url(job), follow=True)
    assert "already been started" in response.content.decode()
    assert Organisation.objects.count() == count
    assert AuditEvent.objects.filter(verb="organisations.imported").count() == 1


# --- Progress -------------------------------------------------------------------------------


def test_a_queued_import_shows_a_progress_bar_that_htmx_polls(officer_client):
    upload(officer_client, "suppliers.csv", GOOD_CSV)
    job = ImportJob.objects.get()
    officer_client.post(job_url(job))  # queued; the task starts once the transaction commits
    job.refresh_from_db()
    assert job.status == ImportStatus.QUEUED
    page = officer_client.get(job_url(job)).content.decode()
    assert "<progress" in page and 'for="import-progress-bar"' in page
    assert f'hx-get="{job_url(job, "organisations:import_progress")}"' in page
    assert 'hx-trigger="every 2s"' in page
    assert "Check progress again" in page  # without JavaScript
    assert "http-equiv" not in page

    fragment = officer_client.get(job_url(job, "organisations:import_progress"), HTTP_HX_REQUEST="true")
    assert fragment.status_code == 200
    assert "<progress" in fragment.content.decode() and "<html" not in fragment.content.decode()
    plain = officer_client.get(job_url(job, "organisations:import_progress"))
    assert plain.status_code == 302 and plain["Location"] == job_url(job)


def test_a_running_import_shows_rows_done_from_the_task_store(officer_client):
    from huey.contrib.djhuey import HUEY

    upload(officer_client, "suppliers.csv", GOOD_CSV)
    job = ImportJob.objects.get()
    ImportJob.objects.filter(pk=job.pk).update(status=ImportStatus.RUNNING)
    job.refresh_from_db()
    HUEY.put(importing._progress_key(job), 1)
    assert importing.import_job_progress(job) == (1, 2)
    fragment = officer_client.get(job_url(job, "organisations:import_progress"), HTTP_HX_REQUEST="true")
    html = fragment.content.decode()
    assert "1 of 2 rows imported (50%)" in html
    assert 'value="1"' in html and 'max="2"' in html


def test_a_finished_import_stops_polling(officer_client, django_capture_on_commit_callbacks):
    upload(officer_client, "suppliers.csv", GOOD_CSV)
    job = confirm(officer_client, ImportJob.objects.get(), django_capture_on_commit_callbacks)
    fragment = officer_client.get(job_url(job, "organisations:import_progress"), HTTP_HX_REQUEST="true")
    html = fragment.content.decode()
    assert "Import complete" in html and "hx-get" not in html


def test_progress_is_reported_as_rows_are_written(officer_client, commissioner):
    rows = "".join(f"Org {i},GB-CHC-{1100000 + i},cio\n" for i in range(7))
    job = importing.organisations_import_preview(
        actor=commissioner, file_name="seven.csv", content=f"name,org_id,legal_form\n{rows}".encode()
    )
    seen = []
    job = importing.organisations_import_run(
        job=job, progress=lambda done, total: seen.append((done, total)), progress_every=3
    )
    assert job.status == ImportStatus.DONE
    assert seen == [(3, 7), (6, 7), (7, 7)]
    assert importing.import_job_progress(job) == (7, 7)


# --- Who may import -------------------------------------------------------------------------


def test_procurement_officers_and_platform_admins_may_import(client, procurement_officer, platform_admin):
    for person in (procurement_officer, platform_admin):
        client.force_login(person)
        assert client.get(IMPORT_URL).status_code == 200


@pytest.mark.parametrize("who", ["provider_admin", "provider_member", "resident"])
def test_others_are_refused_and_nothing_is_written(client, request, who, commissioner, wards):
    client.force_login(commissioner)
    upload(client, "suppliers.csv", GOOD_CSV)
    job = ImportJob.objects.get()
    client.force_login(request.getfixturevalue(who))
    before = Organisation.objects.count()
    assert client.get(IMPORT_URL).status_code == 403
    assert client.get(reverse("organisations:import_template")).status_code == 403
    response = upload(client, "suppliers.csv", GOOD_CSV)
    assert response.status_code == 403
    assert "commissioners and procurement officers" in response.content.decode()
    assert client.get(job_url(job)).status_code == 403
    assert client.post(job_url(job)).status_code == 403
    assert client.get(job_url(job, "organisations:import_progress"), HTTP_HX_REQUEST="true").status_code == 403
    job.refresh_from_db()
    assert job.status == ImportStatus.VALIDATED
    assert ImportJob.objects.count() == 1
    assert Organisation.objects.count() == before


def test_anonymous_people_are_sent_to_sign_in(client, commissioner, wards):
    client.force_login(commissioner)
    upload(client, "suppliers.csv", GOOD_CSV)
    job = ImportJob.objects.get()
    client.logout()
    before = Organisation.objects.count()
    for response in (
        client.get(IMPORT_URL),
        upload(client, "suppliers.csv", GOOD_CSV),
        client.post(job_url(job)),
        client.get(reverse("organisations:import_template")),
    ):
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    job.refresh_from_db()
    assert job.status == ImportStatus.VALIDATED
    assert ImportJob.objects.count() == 1 and Organisation.objects.count() == before


def test_a_missing_job_is_not_found(officer_client):
    assert officer_client.get(reverse("organisations:import_job", args=[uuid.uuid4()])).status_code == 404


def test_the_service_refuses_those_who_cannot_manage_the_directory(provider_admin, wards):
    from trellis.core.errors import PermissionDenied

    with pytest.raises(PermissionDenied):
        importing.organisations_import_preview(actor=provider_admin, file_name="x.csv", content=GOOD_CSV)
    assert ImportJob.objects.count() == 0
