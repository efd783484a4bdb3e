"""Thresholds from the dated table: boundaries on the value (a penny either side) and on the start date
(23/24 February 2025, 31 December 2025/1 January 2026), notifiable below-threshold contracts and notices."""

from __future__ import annotations

import csv
from datetime import date
from decimal import Decimal

import pytest

from trellis.routes.domain import Regime, ThresholdUnknown, threshold_check
from trellis.routes.domain.thresholds import THRESHOLDS_CSV, contract_regime, read_threshold_table

P = Decimal("0.01")
D2025 = date(2025, 12, 31)
D2026 = date(2026, 1, 1)
PA_DAY = date(2025, 2, 24)
PCR_DAY = date(2025, 2, 23)

# category, authority, start, expected threshold, expected regime, table_effective_from
CASES = [
    ("goods_services", "sub_central", D2025, "214904", "PA2023", "2025-02-24"),
    ("goods_services", "sub_central", D2026, "207720", "PA2023", "2026-01-01"),
    ("goods_services", "central", D2025, "139688", "PA2023", "2025-02-24"),
    ("goods_services", "central", D2026, "135018", "PA2023", "2026-01-01"),
    ("works", "sub_central", D2025, "5372609", "PA2023", "2025-02-24"),
    ("works", "central", D2026, "5193000", "PA2023", "2026-01-01"),
    ("light_touch", "sub_central", D2025, "663540", "PA2023", "2025-02-24"),
    ("light_touch", "central", D2026, "663540", "PA2023", "2026-01-01"),
    ("goods_services", "sub_central", PCR_DAY, "214904", "PCR2015", "2024-01-01"),
    ("goods_services", "sub_central", PA_DAY, "214904", "PA2023", "2025-02-24"),
    ("goods_services", "central", PCR_DAY, "139688", "PCR2015", "2024-01-01"),
    ("light_touch", "sub_central", PCR_DAY, "663540", "PCR2015", "2024-01-01"),
    ("goods_services", "sub_central", date(2023, 6, 1), "213477", "PCR2015", "2022-01-01"),
    ("goods_services", "sub_central", date(2021, 6, 1), "189330", "PCR2015", "2020-01-01"),
    ("goods_services", "sub_central", date(2015, 3, 1), "172514", "PCR2015", "2014-01-01"),
    ("health_care", "sub_central", date(2023, 12, 31), "663540", "PCR2015", "2022-01-01"),
]


@pytest.mark.parametrize(("category", "authority", "start", "threshold", "regime", "effective"), CASES)
@pytest.mark.parametrize(("delta", "above"), [(-P, False), (Decimal(0), True), (P, True)])
def test_value_at_a_penny_either_side_of_the_threshold(
    category, authority, start, threshold, regime, effective, delta, above
):
    check = threshold_check(
        category=category, authority_class=authority, value_gbp=Decimal(threshold) + delta, procurement_start=start
    )
    assert check.threshold_gbp == Decimal(threshold)
    assert check.above_threshold is above
    assert str(check.regime) == regime
    assert check.table_effective_from.isoformat() == effective
    assert check.source


@pytest.mark.parametrize("value", ["207720", "210000", "214903.99"])
def test_the_2026_change_applies_to_procurements_starting_on_or_after_1_january_2026(value):
    before = threshold_check(
        category="goods_services", authority_class="sub_central", value_gbp=value, procurement_start=D2025
    )
    after = threshold_check(
        category="goods_services", authority_class="sub_central", value_gbp=value, procurement_start=D2026
    )
    assert before.above_threshold is False
    assert after.above_threshold is True
    assert "S.I. 2025/1200" in after.source


def test_regime_by_start_date_and_category():
    assert contract_regime("goods_services", PCR_DAY) is Regime.PCR2015
    assert contract_regime("goods_services", PA_DAY) is Regime.PA2023
    assert contract_regime("health_care", date(2023, 12, 31)) is Regime.PCR2015
    assert contract_regime("health_care", date(2024, 1, 1)) is Regime.PSR
    assert contract_regime("health_care", D2026) is Regime.PSR


def test_health_care_under_the_psr_has_no_value_threshold():
    check = threshold_check(category="health_care", authority_class="sub_central", value_gbp=1, procurement_start=D2026)
    assert check.regime is Regime.PSR
    assert check.threshold_gbp == 0
    assert check.above_threshold is True
    assert check.notifiable is False
    assert check.contract_details_notice is False


@pytest.mark.parametrize(
    ("authority", "limit"),
    [("sub_central", Decimal(30000)), ("central", Decimal(12000))],
)
@pytest.mark.parametrize(("delta", "notifiable"), [(-P, False), (Decimal(0), True), (P, True)])
def test_notifiable_below_threshold_boundaries_including_vat(authority, limit, delta, notifiable):
    check = threshold_check(
        category="light_touch", authority_class=authority, value_gbp=limit + delta, procurement_start=D2026
    )
    assert check.above_threshold is False
    assert check.notifiable is notifiable
    assert check.notifiable_threshold_gbp == limit
    assert check.contract_details_notice is notifiable
    assert "VAT-inclusive" in check.notifiable_source


@pytest.mark.parametrize(
    ("value", "advertise", "tender_notice", "details_notice"),
    [
        (29999.99, True, False, False),  # not notifiable: no notices either way
        (30000, True, True, True),  # notifiable and advertised: BT notice, then contract details
        (30000, False, False, True),  # notifiable, not advertised (quotations): contract details only
        (207720, True, False, True),  # above threshold: a tender notice, not a below-threshold one
    ],
)
def test_below_threshold_notices(value, advertise, tender_notice, details_notice):
    check = threshold_check(
        category="goods_services",
        authority_class="sub_central",
        value_gbp=value,
        procurement_start=D2026,
        will_advertise=advertise,
    )
    assert check.below_threshold_tender_notice is tender_notice
    assert check.contract_details_notice is details_notice


def test_notifiable_contracts_are_a_procurement_act_idea():
    check = threshold_check(
        category="goods_services", authority_class="sub_central", value_gbp=50000, procurement_start=PCR_DAY
    )
    assert check.regime is Regime.PCR2015
    assert check.notifiable is False
    assert check.notifiable_threshold_gbp is None


def test_thresholds_before_2022_were_net_of_vat_and_the_check_says_so():
    assert (
        threshold_check(
            category="light_touch", authority_class="sub_central", value_gbp=1, procurement_start=date(2021, 1, 1)
        ).vat_included
        is False
    )
    assert (
        threshold_check(
            category="light_touch", authority_class="sub_central", value_gbp=1, procurement_start=date(2022, 1, 1)
        ).vat_included
        is True
    )


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"category": "catering"}, "not a category"),
        ({"authority_class": "parish"}, "not an authority class"),
        ({"authority_class": "central", "procurement_start": date(2019, 12, 31)}, "1 January 2020"),
    ],
)
def test_unknown_rows_raise(kwargs, message):
    args = {"category": "goods_services", "authority_class": "sub_central", "value_gbp": 1, "procurement_start": D2026}
    with pytest.raises(ThresholdUnknown, match=message):
        threshold_check(**(args | kwargs))


def test_negative_values_are_refused():
    with pytest.raises(ValueError, match="negative"):
        threshold_check(category="works", authority_class="central", value_gbp=-1, procurement_start=D2026)


def test_every_row_of_the_table_has_a_source_and_a_known_shape():
    rows = read_threshold_table()
    assert len(rows) >= 30
    with THRESHOLDS_CSV.open(encoding="utf-8") as handle:
        header = next(csv.reader(handle))
    assert header[:6] == ["effective_from", "regime", "authority_class", "category", "threshold_gbp", "vat_included"]
    for row in rows:
        assert row.source.strip()
        assert row.regime in {"PA2023", "PCR2015", "PSR"}
        assert row.authority_class in {"sub_central", "central", "any"}
        assert row.threshold_gbp >= 0


def test_a_table_row_without_a_source_is_rejected(tmp_path):
    path = tmp_path / "thresholds.csv"
    path.write_text(
        "effective_from,regime,authority_class,category,threshold_gbp,vat_included,source\n"
        "2026-01-01,PA2023,any,works,5193000,yes,\n",
        encoding="utf-8",
    )
    with pytest.raises(ValueError, match="no source"):
        read_threshold_table(path)


@pytest.mark.parametrize(
    ("row", "problem"),
    [
        ("2026-13-01,PA2023,any,works,5193000,yes,Cabinet Office", "month must be in 1..12"),
        ("2026-01-01,PA2023,any,works,five million,yes,Cabinet Office", "ConversionSyntax"),
    ],
)
def test_a_table_row_that_cannot_be_read_is_named_with_its_row_number(tmp_path, row, problem):
    path = tmp_path / "thresholds.csv"
    header = "effective_from,regime,authority_class,category,threshold_gbp,vat_included,source\n"
    path.write_text(header + "2026-01-01,PA2023,any,works,5193000,yes,Cabinet Office\n" + row + "\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"thresholds\.csv row 3 is not valid: ") as failure:
        read_threshold_table(path)
    assert problem in str(failure.value)


def test_a_table_without_a_column_is_refused(tmp_path):
    path = tmp_path / "thresholds.csv"
    path.write_text("effective_from,regime\n2026-01-01,PA2023\n", encoding="utf-8")
    with pytest.raises(ValueError, match="row 2 is not valid: 'authority_class'"):
        read_threshold_table(path)
