"""Partner suggestions: the pure scoring rules, with no database."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from trellis.organisations.domain import matching
from trellis.organisations.domain.matching import (
    ADJACENT_SERVICES,
    MAX_SCORE,
    Labels,
    Need,
    OrgProfile,
    adjacent_to,
    rank,
    score,
)
from trellis.organisations.domain.sizes import IncomeBand

W1, W2, W3, W4, W5, W6 = (f"E0509900{i}" for i in range(1, 7))
LABELS = Labels(
    service_types={
        "food_support": "Food support",
        "advice_guidance": "Advice and guidance",
        "befriending": "Befriending",
    },
    client_groups={"older_people": "Older people", "carers": "Unpaid carers", "families": "Families and parents"},
    wards={W1: "Castlegate", W2: "Mill Hill", W3: "Riverside"},
)


def org(id: int, **kw) -> OrgProfile:
    for key in ("service_types", "client_groups", "wards"):
        if key in kw:
            kw[key] = frozenset(kw[key])
    return OrgProfile(id=id, **kw)


def need(**kw) -> Need:
    return Need(**{k: frozenset(v) for k, v in kw.items()})


PANTRY = org(1, service_types={"food_support"}, wards={W1}, client_groups={"families"}, income_band=IncomeBand.SMALL)


# Services -----------------------------------------------------------------------------------------


def test_a_requested_service_the_seeker_lacks_scores_and_is_explained():
    cand = org(2, service_types={"advice_guidance"})
    result = score(PANTRY, need(service_types={"advice_guidance"}), cand, LABELS)
    assert result is not None
    assert result.score == 15
    assert result.reasons == ("Offers Advice and guidance, which the request asks for",)


def test_a_service_next_to_the_request_scores_less_than_the_requested_one():
    requested = score(PANTRY, need(service_types={"advice_guidance"}), org(2, service_types={"advice_guidance"}))
    adjacent = score(PANTRY, need(service_types={"advice_guidance"}), org(3, service_types={"legal_advocacy"}))
    assert adjacent is not None and requested is not None
    assert (adjacent.score, requested.score) == (5, 15)
    assert adjacent.reasons == ("Offers related services you do not: legal_advocacy",)


def test_with_no_services_requested_services_next_to_the_seekers_count():
    cand = org(2, service_types={"advice_guidance", "youth_work"})
    result = score(PANTRY, Need(), cand, LABELS)
    assert result is not None
    assert result.score == 5  # youth work is not next to food support
    assert result.reasons == ("Offers related services you do not: Advice and guidance",)


def test_a_requested_service_the_seeker_also_has_still_counts_but_less():
    cand = org(2, service_types={"food_support", "advice_guidance"})
    wanted = need(service_types={"food_support", "advice_guidance"})
    result = score(PANTRY, wanted, cand, LABELS)
    assert result is not None
    assert result.score == 15 + 10  # advice lacked by the seeker, food support held by it
    assert result.reasons == ("Offers Advice and guidance; Food support, which the request asks for",)


def test_with_no_services_requested_a_service_both_provide_counts_a_little_as_capacity():
    result = score(PANTRY, Need(), org(2, service_types={"food_support"}), LABELS)
    assert result is not None
    assert result.score == 3
    assert result.reasons == ("Also provides Food support, so could add capacity",)


def test_with_services_requested_other_shared_services_do_not_count():
    wanted = need(service_types={"advice_guidance"})
    assert score(PANTRY, wanted, org(2, service_types={"food_support"})) is None


def test_lists_of_names_read_clearly():
    listing = matching._listing
    assert listing([]) == ""
    assert listing(["Castlegate"]) == "Castlegate"
    assert listing(["Castlegate", "Mill Hill"]) == "Castlegate and Mill Hill"
    assert listing(["A", "B", "C"]) == "A, B and C"
    assert listing(["A", "B", "C", "D", "E", "F"]) == "A, B, C, D and 2 more"
    assert listing(["Advice and guidance", "Food support"]) == "Advice and guidance; Food support"
    assert listing(["Arts and culture", "B", "C", "D", "E"]) == "Arts and culture; B; C; D; and 1 more"


def test_an_unrelated_service_alone_is_no_overlap_and_the_candidate_is_left_out():
    assert score(PANTRY, need(service_types={"advice_guidance"}), org(2, service_types={"youth_work"})) is None


def test_service_points_are_capped():
    wanted = {"advice_guidance", "legal_advocacy", "homelessness_housing", "employment_skills"}
    cand = org(2, service_types=wanted | {"digital_inclusion", "refugee_migrant_support"})
    result = score(PANTRY, need(service_types=wanted), cand)
    assert result is not None
    assert result.score == 45  # four requested (60) and two related (10), capped


def test_adjacency_reads_both_ways_and_never_includes_the_code_itself():
    for code, neighbours in ADJACENT_SERVICES.items():
        assert code not in neighbours
        for other in neighbours:
            assert code in ADJACENT_SERVICES[other]
    assert adjacent_to({"food_support", "advice_guidance"}) >= {"legal_advocacy", "health_wellbeing"}
    assert "food_support" not in adjacent_to({"food_support", "advice_guidance"})
    assert adjacent_to({"not-a-code"}) == frozenset()


# Wards --------------------------------------------------------------------------------------------


def test_shared_wards_score_per_ward_and_name_them():
    seeker = org(1, wards={W1, W2, W3})
    result = score(seeker, Need(), org(2, wards={W2, W3, W4}), LABELS)
    assert result is not None
    assert result.score == 2 * 5
    assert result.reasons == ("Works in Mill Hill and Riverside wards",)


def test_one_shared_ward_reads_naturally():
    result = score(org(1, wards={W1}), Need(), org(2, wards={W1}), LABELS)
    assert result is not None and result.reasons == ("Works in Castlegate ward",)


def test_the_requests_wards_replace_the_seekers_own():
    seeker = org(1, wards={W1})
    assert score(seeker, need(wards={W2}), org(2, wards={W1})) is None
    result = score(seeker, need(wards={W2}), org(3, wards={W2}))
    assert result is not None and result.score == 5


def test_a_borough_wide_candidate_covers_every_ward_named():
    result = score(org(1), need(wards={W1, W2}), org(2, borough_wide=True), LABELS)
    assert result is not None
    assert result.score == 2 * 5
    assert result.reasons == ("Works across the whole borough, including every ward you named",)


def test_two_borough_wide_organisations_share_the_whole_place():
    result = score(org(1, borough_wide=True), Need(), org(2, borough_wide=True))
    assert result is not None
    assert result.score == 25
    assert result.reasons == ("Works across the whole borough, as you do",)


def test_any_ward_is_shared_with_a_borough_wide_seeker():
    result = score(org(1, borough_wide=True), Need(), org(2, wards={W5}))
    assert result is not None and result.score == 5


def test_a_borough_wide_candidate_shares_nothing_with_a_seeker_that_names_no_wards():
    assert score(org(1), Need(), org(2, borough_wide=True)) is None


def test_ward_points_are_capped():
    wards = {W1, W2, W3, W4, W5, W6}
    result = score(org(1, wards=wards), Need(), org(2, wards=wards))
    assert result is not None and result.score == 25  # six wards (30), capped


def test_long_ward_lists_are_shortened_in_the_reason():
    wards = {W1, W2, W3, W4, W5, W6}
    result = score(org(1, wards=wards), Need(), org(2, wards=wards), LABELS)
    assert result is not None
    assert result.reasons[0].endswith("and 2 more wards")


# Client groups ------------------------------------------------------------------------------------


def test_shared_client_groups_score_and_are_named():
    seeker = org(1, client_groups={"older_people", "carers"})
    result = score(seeker, Need(), org(2, client_groups={"carers", "older_people", "families"}), LABELS)
    assert result is not None
    assert result.score == 2 * 5
    assert result.reasons == ("Also works with Older people and Unpaid carers",)


def test_the_requests_client_groups_replace_the_seekers_own():
    seeker = org(1, client_groups={"families"})
    assert score(seeker, need(client_groups={"carers"}), org(2, client_groups={"families"})) is None
    assert score(seeker, need(client_groups={"carers"}), org(3, client_groups={"carers"})) is not None


def test_client_group_points_are_capped():
    groups = {"a", "b", "c", "d", "e"}
    result = score(org(1, client_groups=groups), Need(), org(2, client_groups=groups))
    assert result is not None and result.score == 15  # five groups (25), capped


# Size mix and locality ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("seeker_band", "candidate_band", "mixed"),
    [
        (IncomeBand.MICRO, IncomeBand.LARGE, True),
        (IncomeBand.SMALL, IncomeBand.MEDIUM, True),
        (IncomeBand.SMALL, IncomeBand.MAJOR, True),
        (IncomeBand.MAJOR, IncomeBand.MICRO, True),
        (IncomeBand.MEDIUM, IncomeBand.SMALL, True),
        (IncomeBand.SMALL, IncomeBand.SMALL, False),
        (IncomeBand.MICRO, IncomeBand.SMALL, False),
        (IncomeBand.LARGE, IncomeBand.MEDIUM, False),
        (IncomeBand.UNKNOWN, IncomeBand.LARGE, False),
        (IncomeBand.SMALL, IncomeBand.UNKNOWN, False),
    ],
)
def test_size_mix_pairs_small_with_larger(seeker_band, candidate_band, mixed):
    seeker = org(1, wards={W1}, income_band=seeker_band)
    result = score(seeker, Need(), org(2, wards={W1}, income_band=candidate_band))
    assert result is not None
    assert result.score == 5 + (10 if mixed else 0)  # one shared ward, and the size mix
    assert any("organisation: could bring" in r for r in result.reasons) is mixed


def test_size_mix_reasons_say_what_each_side_brings():
    small, large = IncomeBand.SMALL, IncomeBand.LARGE
    up = score(org(1, wards={W1}, income_band=small), Need(), org(2, wards={W1}, income_band=large))
    down = score(org(1, wards={W1}, income_band=large), Need(), org(2, wards={W1}, income_band=small))
    assert up is not None and down is not None
    assert "A large organisation: could bring the capacity to hold a contract" in up.reasons[-1]
    assert "A small organisation: could bring local reach" in down.reasons[-1]


def test_a_local_candidate_scores_more_but_locality_alone_is_not_overlap():
    seeker = org(1, wards={W1})
    local = score(seeker, Need(), org(2, wards={W1}, local=True))
    elsewhere = score(seeker, Need(), org(3, wards={W1}, local=False))
    assert local is not None and elsewhere is not None
    assert (local.score, elsewhere.score) == (5 + 5, 5)
    assert local.reasons[-1] == "Has its registered office in the area"
    assert score(seeker, Need(), org(4, local=True, income_band=IncomeBand.LARGE)) is None


# Ranking ------------------------------------------------------------------------------------------


def test_rank_orders_by_score_then_id_and_leaves_out_the_seeker_and_strangers():
    seeker = org(5, service_types={"food_support"}, wards={W1, W2}, income_band=IncomeBand.SMALL)
    wanted = need(service_types={"advice_guidance"})
    candidates = [
        seeker,
        org(9, wards={W1}),  # 5
        org(3, wards={W2}),  # 5: ties with 9, lower id first
        org(7, service_types={"advice_guidance"}, wards={W1}, income_band=IncomeBand.LARGE),  # 15 + 5 + 10
        org(8, service_types={"youth_work"}, wards={W6}),  # nothing in common
    ]
    ranked = rank(seeker, wanted, candidates)
    assert [(s.candidate_id, s.score) for s in ranked] == [(7, 30), (3, 5), (9, 5)]


def test_rank_respects_the_limit_and_counts_a_repeated_candidate_once():
    seeker = org(1, wards={W1})
    candidates = [org(i, wards={W1}) for i in range(2, 12)] + [org(2, wards={W1})]
    assert [s.candidate_id for s in rank(seeker, Need(), candidates, limit=3)] == [2, 3, 4]
    assert len(rank(seeker, Need(), candidates)) == 10


def test_rank_of_nothing_is_empty():
    assert rank(org(1, wards={W1}), Need(), []) == []


def test_a_full_house_reaches_the_maximum_score():
    wanted = {"advice_guidance", "legal_advocacy", "homelessness_housing"}
    groups = {"a", "b", "c"}
    seeker = org(1, borough_wide=True, client_groups=groups, income_band=IncomeBand.MICRO)
    cand = org(
        2, service_types=wanted, borough_wide=True, client_groups=groups, income_band=IncomeBand.MAJOR, local=True
    )
    result = score(seeker, need(service_types=wanted), cand)
    assert result is not None and result.score == MAX_SCORE == 100
    assert len(result.reasons) == 5


# Properties ---------------------------------------------------------------------------------------

SERVICE_CODES = sorted(ADJACENT_SERVICES)[:12]
WARD_CODES = [f"E05099{n:03d}" for n in range(10)]
GROUP_CODES = ["older_people", "carers", "families", "young_people"]

codes = st.frozensets
profiles = st.builds(
    OrgProfile,
    id=st.integers(min_value=1, max_value=50),
    service_types=codes(st.sampled_from(SERVICE_CODES), max_size=4),
    client_groups=codes(st.sampled_from(GROUP_CODES), max_size=3),
    wards=codes(st.sampled_from(WARD_CODES), max_size=5),
    borough_wide=st.booleans(),
    income_band=st.sampled_from(list(IncomeBand)),
    local=st.booleans(),
)
needs = st.builds(
    Need,
    service_types=codes(st.sampled_from(SERVICE_CODES), max_size=3),
    client_groups=codes(st.sampled_from(GROUP_CODES), max_size=2),
    wards=codes(st.sampled_from(WARD_CODES), max_size=4),
)


def _points(result) -> int:
    return -1 if result is None else result.score


@given(seeker=profiles, wanted=needs, cand=profiles, ward=st.sampled_from(WARD_CODES))
def test_adding_a_ward_of_the_area_to_a_candidate_never_lowers_its_score(seeker, wanted, cand, ward):
    area = wanted.wards or seeker.wards
    if not (ward in area or (not wanted.wards and seeker.borough_wide)):
        return
    more = OrgProfile(**{**cand.__dict__, "wards": cand.wards | {ward}})
    assert _points(score(seeker, wanted, more)) >= _points(score(seeker, wanted, cand))


@given(seeker=profiles, wanted=needs, cand=profiles, ward=st.sampled_from(WARD_CODES))
def test_adding_a_new_shared_ward_to_both_sides_never_lowers_the_score(seeker, wanted, cand, ward):
    if wanted.wards:
        wanted_more, seeker_more = Need(wanted.service_types, wanted.client_groups, wanted.wards | {ward}), seeker
    else:
        wanted_more, seeker_more = wanted, OrgProfile(**{**seeker.__dict__, "wards": seeker.wards | {ward}})
    cand_more = OrgProfile(**{**cand.__dict__, "wards": cand.wards | {ward}})
    assert _points(score(seeker_more, wanted_more, cand_more)) >= _points(score(seeker, wanted, cand))


@given(seeker=profiles, wanted=needs, candidates=st.lists(profiles, max_size=8), limit=st.integers(0, 10))
def test_ranking_is_bounded_sorted_excludes_the_seeker_and_ignores_input_order(seeker, wanted, candidates, limit):
    ranked = rank(seeker, wanted, candidates, limit=limit)
    assert len(ranked) <= limit
    assert all(0 < s.score <= 100 and s.reasons for s in ranked)
    assert seeker.id not in {s.candidate_id for s in ranked}
    keys = [(-s.score, s.candidate_id) for s in ranked]
    assert keys == sorted(keys) and len({s.candidate_id for s in ranked}) == len(ranked)
    unique = {c.id: c for c in candidates}.values()  # the same id twice is one organisation
    assert rank(seeker, wanted, list(unique)[::-1], limit=limit) == rank(seeker, wanted, list(unique), limit=limit)
