"""`trellis organisations import FILE`: every problem printed, exit status 1 and nothing written;
otherwise all rows imported with a progress bar on stderr and a summary."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from openpyxl import Workbook

from trellis.core.models import AuditEvent
from trellis.organisations.models import ImportJob, ImportStatus, Organisation

pytestmark = pytest.mark.django_db

GOOD_CSV = (
    "name,org_id,legal_form,wards,service_types\n"
    "Brookfield Community Pantry,GB-CHC-1164883,cio,Castlegate,Food support\n"
    "Hollin Bank Tenants,GB-CHC-1100001,unincorporated_association,all,\n"
    "Mill Hill Youth,GB-COH-6368740,cic,Mill Hill; E05099003,youth_work\n"
)


def run(*args):
    out, err = io.StringIO(), io.StringIO()
    call_command("organisations", "import", *[str(a) for a in args], stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def run_failing(*args):
    err = io.StringIO()
    with pytest.raises(CommandError) as failure:
        call_command("organisations", "import", *[str(a) for a in args], stdout=io.StringIO(), stderr=err)
    assert failure.value.returncode == 1
    return str(failure.value), err.getvalue()


@pytest.fixture
def good_csv(tmp_path, wards):
    path = tmp_path / "suppliers.csv"
    path.write_text(GOOD_CSV, encoding="utf-8")
    return path


def test_a_good_csv_is_imported_with_a_progress_bar(good_csv, commissioner):
    before_orgs, before_events = Organisation.objects.count(), AuditEvent.objects.count()
    out, err = run(good_csv, "--as", commissioner.email.upper())
    assert "Imported suppliers.csv: 3 added, 0 updated, 0 already up to date." in out
    assert "100% 3/3 rows" in err and "[" in err
    assert Organisation.objects.count() == before_orgs + 3
    youth = Organisation.objects.get(org_id="GB-COH-06368740")
    assert sorted(youth.wards.values_list("gss_code", flat=True)) == ["E05099002", "E05099003"]
    assert Organisation.objects.get(org_id="GB-CHC-1100001").borough_wide
    events = AuditEvent.objects.filter(seq__gt=before_events)
    assert events.filter(verb="organisation.created").count() == 3
    summary = events.get(verb="organisations.imported")
    assert summary.actor == commissioner and summary.data["created"] == 3
    job = ImportJob.objects.get()
    assert job.status == ImportStatus.DONE and job.created_by == commissioner


def test_a_good_xlsx_is_imported_by_the_system(tmp_path, wards):
    book = Workbook()
    for row in (
        ["Organisation name", "Charity number", "Legal form", "Annual income"],
        ["Brookfield Community Pantry", 1164883, "CIO", 45000],
        ["Hollin Bank Carers", 1100001.0, "charitable company", 2_500_000],
    ):
        book.active.append(row)
    path = tmp_path / "suppliers.xlsx"
    book.save(path)
    before_events = AuditEvent.objects.count()
    out, _ = run(path)
    assert "2 added" in out
    assert Organisation.objects.get(org_id="GB-CHC-1100001").income_band == "large"
    summary = AuditEvent.objects.get(seq__gt=before_events, verb="organisations.imported")
    assert summary.actor is None and summary.actor_label == "system"


def test_a_dry_run_checks_and_writes_nothing(good_csv):
    before = Organisation.objects.count()
    out, _ = run(good_csv, "--dry-run")
    assert "suppliers.csv is valid: 3 organisations would be added and 0 updated" in out
    assert "Nothing was written" in out
    assert Organisation.objects.count() == before
    assert ImportJob.objects.count() == 0


def test_every_problem_is_printed_and_nothing_is_written(tmp_path, wards):
    path = tmp_path / "bad.csv"
    path.write_text(
        "name,org_id,legal_form,wards,email\n"
        "Good,GB-CHC-1164883,cio,Castlegate,\n"
        "Bad Id,GB-CHC-12,cio,,\n"
        "Bad Ward,GB-CHC-1100001,cio,Atlantis,\n"
        "Dup,GB-CHC-1164883,cio,,nope\n",
        encoding="utf-8",
    )
    before_orgs, before_events = Organisation.objects.count(), AuditEvent.objects.count()
    message, err = run_failing(path)
    lines = err.strip().splitlines()
    assert lines[0].startswith("row 3, column org_id: “GB-CHC-12” is not a valid Charity Commission")
    assert lines[1].startswith("row 4, column wards: Not a known ward: “Atlantis”")
    assert lines[2].startswith("row 5, column email: “nope” is not a valid e-mail address")
    assert lines[3] == "row 5, column org_id: GB-CHC-1164883 is already used in row 2."
    assert len(lines) == 4
    assert "4 problems found: nothing was imported" in message
    assert Organisation.objects.count() == before_orgs
    assert AuditEvent.objects.count() == before_events


def test_a_dry_run_reports_problems_too(tmp_path, wards):
    path = tmp_path / "cols.csv"
    path.write_text("Supplier,Colour\nA,blue\n", encoding="utf-8")
    message, err = run_failing(path, "--dry-run")
    assert "row 1, column Colour: This column is not recognised: “Colour”" in err
    assert "row 1, column org_id:" in err and "row 1, column legal_form:" in err
    assert "3 problems" in message


@pytest.mark.parametrize(
    "name, content, fragment",
    [
        ("suppliers.csv", b"MZ\x90\x00" + b"\x00" * 64, "a Windows program"),
        ("suppliers.xlsx", GOOD_CSV.encode(), "content is not a Excel file"),
        ("suppliers.csv", b"", "empty"),
        ("suppliers.txt", b"name\n", "must be one of these types"),
    ],
)
def test_files_that_are_not_what_they_claim_are_refused(tmp_path, wards, name, content, fragment):
    path = tmp_path / name
    path.write_bytes(content)
    before = Organisation.objects.count()
    message, _ = run_failing(path)
    assert fragment in message
    assert Organisation.objects.count() == before and ImportJob.objects.count() == 0


def test_existing_entries_are_problems_unless_updating(tmp_path, wards, charity):
    path = tmp_path / "update.csv"
    path.write_text(f"name,org_id,legal_form,annual_income\nNew Name,{charity.org_id},cio,150000\n", encoding="utf-8")
    _, err = run_failing(path)
    assert f"row 2, column org_id: {charity.org_id} is already in the directory" in err
    charity.refresh_from_db()
    assert charity.name == "Brookfield Community Pantry"

    out, _ = run(path, "--update-existing")
    assert "0 added, 1 updated" in out
    charity.refresh_from_db()
    assert charity.name == "New Name" and charity.income_band == "medium"


def test_the_actor_must_be_able_to_manage_the_directory(good_csv, provider_admin):
    before = Organisation.objects.count()
    message, _ = run_failing(good_csv, "--as", provider_admin.email)
    assert "cannot import organisations" in message
    message, _ = run_failing(good_csv, "--as", "nobody@example.org")
    assert "No active person" in message
    assert Organisation.objects.count() == before and ImportJob.objects.count() == 0


def test_a_missing_file(tmp_path):
    message, _ = run_failing(tmp_path / "nowhere.csv")
    assert "There is no file" in message


def test_the_help_says_who_is_recorded_as_the_actor():
    parser = (
        __import__("trellis.organisations.management.commands.organisations", fromlist=["Command"])
        .Command()
        .create_parser("trellis", "organisations")
    )
    sub = next(a for a in parser._actions if a.dest == "action")
    text = sub.choices["import"].format_help()
    assert "--as EMAIL" in text and "system" in text and "--dry-run" in text and "--update-existing" in text
