"""Org-id identifiers and VAT numbers: every scheme's valid and invalid forms, normalisation,
and messages that name the scheme's format."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from trellis.organisations.domain.identifiers import (
    InvalidIdentifier,
    OrgId,
    is_valid_org_id,
    parse_org_id,
    parse_vat_number,
    schemes,
)

# (raw, normalised) for every scheme we accept.
VALID = [
    ("GB-CHC-1164883", "GB-CHC-1164883"),
    ("GB-CHC-216250", "GB-CHC-216250"),
    ("GB-SC-SC012345", "GB-SC-SC012345"),
    ("GB-NIC-100012", "GB-NIC-100012"),
    ("GB-COH-06368740", "GB-COH-06368740"),
    ("GB-COH-SC123456", "GB-COH-SC123456"),
    ("GB-COH-R0000123", "GB-COH-R0000123"),
    ("GB-MPR-31234R", "GB-MPR-31234R"),
    ("GB-MPR-IP12345", "GB-MPR-IP12345"),
    ("GB-SHPE-L4321", "GB-SHPE-L4321"),
    ("GB-SHPE-LH1234", "GB-SHPE-LH1234"),
    ("GB-EDU-123456", "GB-EDU-123456"),
    ("GB-UKPRN-10001234", "GB-UKPRN-10001234"),
    ("GB-LAE-MAN", "GB-LAE-MAN"),
    ("GB-LAS-EDH", "GB-LAS-EDH"),
    ("GB-PLA-CRF", "GB-PLA-CRF"),
    ("GB-LANI-BFS", "GB-LANI-BFS"),
    ("GB-GOV-D6", "GB-GOV-D6"),
    ("GB-NHS-RX9", "GB-NHS-RX9"),
    ("GB-REV-XT12345", "GB-REV-XT12345"),
    ("GB-PPON-PMZV-4983-NRWL", "GB-PPON-PMZV-4983-NRWL"),
    ("360G-northbridge-hollinbank-tra", "360G-northbridge-hollinbank-tra"),
]

# (raw, the scheme named in the message)
INVALID = [
    ("GB-CHC-12345", "GB-CHC"),  # 5 digits
    ("GB-CHC-12345678", "GB-CHC"),  # 8 digits
    ("GB-CHC-SC012345", "GB-CHC"),
    ("GB-SC-012345", "GB-SC"),  # no SC prefix
    ("GB-SC-SC12345", "GB-SC"),
    ("GB-NIC-10001", "GB-NIC"),
    ("GB-NIC-1000123", "GB-NIC"),
    ("GB-COH-123456789", "GB-COH"),  # 9 digits
    ("GB-COH-S1234567", "GB-COH"),
    ("GB-COH-ABCDEFGH", "GB-COH"),
    ("GB-MPR-1234567", "GB-MPR"),
    ("GB-MPR-ABC", "GB-MPR"),
    ("GB-SHPE-X4321", "GB-SHPE"),
    ("GB-SHPE-L432", "GB-SHPE"),
    ("GB-EDU-12345", "GB-EDU"),
    ("GB-EDU-ABCDEF", "GB-EDU"),
    ("GB-UKPRN-20001234", "GB-UKPRN"),  # must start with 1
    ("GB-UKPRN-1000123", "GB-UKPRN"),
    ("GB-LAE-MA", "GB-LAE"),
    ("GB-LAE-MANCH", "GB-LAE"),
    ("GB-LAS-E1H", "GB-LAS"),
    ("GB-PLA-C", "GB-PLA"),
    ("GB-LANI-12", "GB-LANI"),
    ("GB-GOV-6", "GB-GOV"),
    ("GB-GOV-ABCD1", "GB-GOV"),
    ("GB-NHS-R9", "GB-NHS"),
    ("GB-NHS-RX9ABC", "GB-NHS"),
    ("GB-REV-12345", "GB-REV"),
    ("GB-REV-XT1", "GB-REV"),
    ("GB-PPON-PMZV4983NRWL", "GB-PPON"),
    ("GB-PPON-AMZV-4983-NRWL", "GB-PPON"),
    ("360G-", "360G"),
    ("360G-has spaces?!", "360G"),
]


def test_every_scheme_in_the_table_has_a_valid_example_here():
    assert {parse_org_id(raw).scheme for raw, _ in VALID} == set(schemes())
    assert {scheme for _, scheme in INVALID} == set(schemes())


@pytest.mark.parametrize("raw, normalised", VALID)
def test_valid_identifiers(raw, normalised):
    assert str(parse_org_id(raw)) == normalised
    assert is_valid_org_id(raw)


@pytest.mark.parametrize("code", sorted(schemes()))
def test_each_schemes_own_example_is_valid(code):
    scheme = schemes()[code]
    assert str(parse_org_id(scheme.example)) == scheme.example
    assert scheme.source  # every rule cites where it comes from


@pytest.mark.parametrize("raw, code", INVALID)
def test_invalid_identifiers_name_the_scheme_and_its_format(raw, code):
    with pytest.raises(InvalidIdentifier) as error:
        parse_org_id(raw)
    message = str(error.value)
    scheme = schemes()[code]
    assert f"{code} needs {scheme.format}" in message
    assert scheme.name in message
    assert not is_valid_org_id(raw)


@pytest.mark.parametrize(
    "raw, normalised",
    [
        ("gb-chc-1164883", "GB-CHC-1164883"),
        (" GB-CHC-1164883 ", "GB-CHC-1164883"),
        ("GB-CHC- 1164883", "GB-CHC-1164883"),
        ("GB-COH-6368740", "GB-COH-06368740"),  # Excel drops leading zeros; we put them back
        ("gb-coh-123", "GB-COH-00000123"),
        ("gb-coh-sc123456", "GB-COH-SC123456"),
        ("gb-lae-man", "GB-LAE-MAN"),
        ("gb-ppon-pmzv-4983-nrwl", "GB-PPON-PMZV-4983-NRWL"),
        ("360G-Northbridge-Ref_1.2", "360G-Northbridge-Ref_1.2"),  # a publisher's own reference keeps its case
    ],
)
def test_normalisation(raw, normalised):
    assert str(parse_org_id(raw)) == normalised


def test_padding_applies_only_to_digits_and_only_for_companies_house():
    with pytest.raises(InvalidIdentifier):
        parse_org_id("GB-COH-SC12345")  # letters are never padded
    assert str(parse_org_id("GB-CHC-216250")) == "GB-CHC-216250"  # 6-digit charity numbers stay as they are


def test_the_longest_scheme_code_wins():
    org_id = parse_org_id("GB-LANI-BFS")
    assert org_id == OrgId("GB-LANI", "BFS")
    assert org_id.scheme_name == "Local authorities in Northern Ireland"


@pytest.mark.parametrize("raw", ["", "   ", None])
def test_an_empty_identifier_asks_for_one(raw):
    with pytest.raises(InvalidIdentifier, match="Enter an organisation identifier"):
        parse_org_id(raw)


@pytest.mark.parametrize("raw", ["1164883", "XX-CHC-1164883", "GB-XYZ-123", "GBCHC1164883"])
def test_an_unknown_scheme_lists_the_schemes(raw):
    with pytest.raises(InvalidIdentifier) as error:
        parse_org_id(raw)
    message = str(error.value)
    assert "does not start with a known identifier scheme" in message
    for code in schemes():
        assert code in message


@given(st.integers(min_value=1, max_value=99_999_999))
def test_any_company_number_with_its_zeros_dropped_comes_back_padded(number):
    assert str(parse_org_id(f"GB-COH-{number}")) == f"GB-COH-{number:08d}"


@given(st.text(alphabet="0123456789", min_size=6, max_size=7))
def test_charity_numbers_round_trip(digits):
    org_id = parse_org_id(f"gb-chc-{digits}")
    assert str(org_id) == f"GB-CHC-{digits}"
    assert parse_org_id(str(org_id)) == org_id


# --- VAT ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "raw, normalised",
    [
        ("GB 980 7806 84", "GB980780684"),  # HMRC's published example (modulus 97)
        ("980780684", "GB980780684"),
        ("gb980780684", "GB980780684"),
        ("123456782", "GB123456782"),
        ("123 4567 82", "GB123456782"),
        ("GB999999973", "GB999999973"),
        ("100000034", "GB100000034"),  # passes the newer modulus 9755 check only
        ("980-780-684", "GB980780684"),
        ("980780684001", "GB980780684001"),  # a branch suffix
        ("XI 980 7806 84", "XI980780684"),  # Northern Ireland
        ("GD001", "GBGD001"),  # a government department: no check digits
        ("HA500", "GBHA500"),  # a health authority
    ],
)
def test_valid_vat_numbers(raw, normalised):
    assert parse_vat_number(raw) == normalised


@pytest.mark.parametrize("raw", ["GB 980 7806 85", "123456789", "980780648", "100000035", "999999974"])
def test_vat_numbers_with_wrong_check_digits(raw):
    with pytest.raises(InvalidIdentifier, match="check digits do not match"):
        parse_vat_number(raw)


@pytest.mark.parametrize("raw", ["", "12345678", "1234567890", "GB12345678A", "FR12345678901", "GD500", "HA499"])
def test_vat_numbers_of_the_wrong_shape(raw):
    with pytest.raises(InvalidIdentifier, match="9 digits, optionally after GB"):
        parse_vat_number(raw)


@given(st.integers(min_value=0, max_value=9_999_999))
def test_every_vat_stem_has_valid_check_digits_and_one_digit_off_is_caught(stem):
    digits = f"{stem:07d}"
    weighted = sum(int(d) * w for d, w in zip(digits, (8, 7, 6, 5, 4, 3, 2), strict=True))
    check = (-weighted) % 97
    assert parse_vat_number(f"{digits}{check:02d}") == f"GB{digits}{check:02d}"
    wrong = (check + 1) % 100
    if (weighted + wrong) % 97 != 0 and (weighted + wrong + 55) % 97 != 0:
        with pytest.raises(InvalidIdentifier):
            parse_vat_number(f"{digits}{wrong:02d}")
