"""EVALUATION.json in and out: ``parse_evaluation(data)`` builds a checked ``EvaluationInput`` from JSON-like data,
collecting every problem by its path; ``result_as_json(result)`` and ``input_as_json(input)`` write JSON-ready dicts.

    {"criteria": [{"key": "safeguarding", "name": "Safeguarding policy", "scale": "pass_fail"},
                  {"key": "delivery", "name": "Delivery plan", "section": "Quality", "weight": 60, "scale": "0-5",
                   "min_mark": 2},
                  {"key": "price", "name": "Price", "section": "Price", "weight": 40, "scale": "0-100",
                   "is_price": true}],
     "price_method": "relative_to_lowest", "min_quality_percent": 40, "exclusion": "exclude",
     "tie_break": "highest_quality", "divergence_threshold": 0.25,
     "bids": {"Alpha": {"price": 100000, "full_cost": 96000}, "Beta": 120000},
     "marks": {"Evaluator 1": {"Alpha": {"safeguarding": "pass", "delivery": 4}, "Beta": {...}}, ...},
     "consensus": {"Alpha": {"delivery": 4}}}

The format is described field by field in docs/evaluation-methods.md. Floats in the output are unrounded.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from trellis.core.domain.numbers import parse_number
from trellis.core.errors import ValidationFailed
from trellis.evaluation.domain.price import PriceMethod
from trellis.evaluation.domain.results import BidResult, ChangeTheWinner, EvaluationResult, Route
from trellis.evaluation.domain.scheme import (
    DEFAULT_DIVERGENCE,
    MAX_BIDS,
    MAX_CRITERIA,
    MAX_EVALUATORS,
    MAX_KEY,
    BidInput,
    CriterionSpec,
    EvaluationInput,
    Exclusion,
    Scheme,
    TieBreak,
    input_errors,
    scheme_errors,
)
from trellis.opportunities.domain.criteria import Scale

TOP_KEYS = (
    "criteria",
    "price_method",
    "min_quality_percent",
    "exclusion",
    "tie_break",
    "divergence_threshold",
    "bids",
    "marks",
    "consensus",
)
CRITERION_KEYS = ("key", "name", "section", "weight", "scale", "is_price", "min_mark")
BID_KEYS = ("price", "full_cost")
#: The longest reason for disregarding a bid that the input takes.
MAX_REASON = 2_000
_GATE_WORDS = {"pass": Decimal(1), "fail": Decimal(0), "passed": Decimal(1), "failed": Decimal(0)}


def number(raw: Any) -> Decimal | None:
    """A finite Decimal from a JSON number or a numeric string ("1,520.50", "£1520"); None if it is not one."""
    return parse_number(raw)


class _Reader:
    def __init__(self) -> None:
        self.errors: dict[str, list[str]] = {}

    def fail(self, path: str, message: str) -> None:
        self.errors.setdefault(path, []).append(message)

    def unknown(self, data: Mapping, allowed: tuple[str, ...], prefix: str, what: str) -> None:
        for key in data:
            if key not in allowed:
                name = str(key)[:60]
                self.fail(f"{prefix}{name}", f"Unknown field “{name}”. Fields {what} may have: {', '.join(allowed)}.")

    def choice(self, raw: Any, path: str, kind: type, default: Any) -> Any:
        if raw is None:
            return default
        try:
            return kind(raw)
        except ValueError:
            self.fail(path, f"Choose one of: {', '.join(m.value for m in kind)}.")  # type: ignore[attr-defined]
            return default

    def read(self, data: Any) -> EvaluationInput:
        if not isinstance(data, Mapping):
            self.fail("input", "The input must be a JSON object with criteria, bids and marks.")
            raise self.failure()
        self.unknown(data, TOP_KEYS, "", "the input")
        criteria = self.criteria(data.get("criteria"))
        min_quality = None
        if data.get("min_quality_percent") is not None:
            min_quality = number(data["min_quality_percent"])
            if min_quality is None:
                self.fail("min_quality_percent", "The minimum quality score must be a percentage, such as 50.")
        threshold = DEFAULT_DIVERGENCE
        if data.get("divergence_threshold") is not None:
            parsed = number(data["divergence_threshold"])
            threshold = Decimal(-1) if parsed is None else parsed  # -1: the scheme check names the field
        scheme = Scheme(
            criteria=tuple(criteria or ()),
            price_method=self.choice(
                data.get("price_method"), "price_method", PriceMethod, PriceMethod.RELATIVE_TO_LOWEST
            ),
            min_quality_percent=min_quality,
            exclusion=self.choice(data.get("exclusion"), "exclusion", Exclusion, Exclusion.EXCLUDE),
            tie_break=self.choice(data.get("tie_break"), "tie_break", TieBreak, TieBreak.HIGHEST_QUALITY),
            divergence_threshold=threshold,
        )
        scales = {c.key: c.scale for c in scheme.criteria}
        bids = self.bids(data.get("bids"))
        marks = self.evaluators(data.get("marks", {}), scales)
        consensus = self.marks(data.get("consensus", {}), "consensus", scales)
        if criteria is not None:
            for path, messages in scheme_errors(scheme).items():
                if path not in self.errors:
                    self.errors[path] = messages
        result = EvaluationInput(scheme=scheme, bids=tuple(bids), marks=marks, consensus=consensus)
        if not self.errors:
            self.errors.update(input_errors(result))
        if self.errors:
            raise self.failure()
        return result

    def failure(self) -> ValidationFailed:
        count = sum(len(m) for m in self.errors.values())
        noun = "problem" if count == 1 else "problems"
        return ValidationFailed.of(
            self.errors, message=f"The evaluation cannot be worked out: {count} {noun} to put right."
        )

    def criteria(self, raw: Any) -> list[CriterionSpec] | None:
        if not isinstance(raw, list) or not raw:
            self.fail("criteria", "Give the criteria as a list, each with a key, a weight and a scale.")
            return None
        if len(raw) > MAX_CRITERIA:
            self.fail("criteria", f"Give at most {MAX_CRITERIA} criteria.")
            return None
        out: list[CriterionSpec] = []
        ok = True
        for i, item in enumerate(raw):
            path = f"criteria[{i}]"
            if not isinstance(item, Mapping):
                self.fail(path, "Each criterion must be an object with a key, a weight and a scale.")
                ok = False
                continue
            self.unknown(item, CRITERION_KEYS, f"{path}.", "a criterion")
            key = item.get("key")
            if not isinstance(key, str):
                self.fail(f"{path}.key", "Give the criterion a key, such as “delivery”.")
                ok = False
                continue
            scale = self.choice(item.get("scale"), f"{path}.scale", Scale, None)
            if scale is None:
                if item.get("scale") is None:
                    self.fail(f"{path}.scale", "Choose a scale: " + ", ".join(s.value for s in Scale) + ".")
                ok = False
                continue
            weight = (
                Decimal(0) if item.get("weight") is None and scale == Scale.PASS_FAIL else number(item.get("weight"))
            )
            if weight is None:
                self.fail(f"{path}.weight", "The weight must be a number of per cent, such as 20.")
                ok = False
                continue
            min_mark = None
            if item.get("min_mark") is not None:
                min_mark = self.mark(item["min_mark"], f"{path}.min_mark", scale)
                if min_mark is None:
                    ok = False
                    continue
            is_price = item.get("is_price", False)
            if not isinstance(is_price, bool):
                self.fail(f"{path}.is_price", "is_price must be true or false.")
                ok = False
                continue
            name = item.get("name")
            out.append(
                CriterionSpec(
                    key=key.strip(),
                    name=name.strip() if isinstance(name, str) and name.strip() else key.strip(),
                    section=str(item.get("section") or "").strip(),
                    weight=weight,
                    scale=scale,
                    is_price=is_price,
                    min_mark=min_mark,
                )
            )
        return out if ok else None

    def bids(self, raw: Any) -> list[BidInput]:
        if not isinstance(raw, Mapping) or not raw:
            self.fail("bids", "Give the bids as an object: each bid's name with its price, or with {price, full_cost}.")
            return []
        if len(raw) > MAX_BIDS:
            self.fail("bids", f"Give at most {MAX_BIDS:,} bids.")
            return []
        out = []
        for key, value in raw.items():
            path = f"bids.{key}"
            fields = value if isinstance(value, Mapping) else {"price": value}
            if isinstance(value, Mapping):
                self.unknown(value, (*BID_KEYS, "disregarded"), f"{path}.", "a bid")
            price = full_cost = None
            for name in BID_KEYS:
                if fields.get(name) is not None:
                    parsed = number(fields[name])
                    if parsed is None:
                        what = "price" if name == "price" else "full cost"
                        self.fail(f"{path}.{name}", f"The {what} of {key}'s bid must be an amount of pounds.")
                    elif name == "price":
                        price = parsed
                    else:
                        full_cost = parsed
            out.append(
                BidInput(key=str(key), price=price, full_cost=full_cost, disregarded=self.disregarded(fields, path))
            )
        return out

    def disregarded(self, fields: Mapping[str, Any], path: str) -> str:
        """Why a bid was disregarded for an abnormally low price (s.19(4)): a sentence, or absent."""
        raw = fields.get("disregarded")
        if raw is None:
            return ""
        if not isinstance(raw, str) or not raw.strip() or len(raw) > MAX_REASON:
            self.fail(
                f"{path}.disregarded",
                f"Say in words, in {MAX_REASON:,} characters or fewer, why the bid was disregarded for an abnormally "
                "low price, or leave it out.",
            )
            return ""
        return raw.strip()

    def evaluators(self, raw: Any, scales: Mapping[str, Scale]) -> dict[str, dict[str, dict[str, Decimal]]]:
        if not isinstance(raw, Mapping):
            self.fail("marks", "The marks must be an object: each evaluator's name with their marks for each bid.")
            return {}
        if len(raw) > MAX_EVALUATORS:
            self.fail("marks", f"Give the marks of at most {MAX_EVALUATORS} evaluators.")
            return {}
        out = {}
        for evaluator, per_bid in raw.items():
            if not isinstance(evaluator, str) or not 0 < len(evaluator.strip()) <= MAX_KEY:
                self.fail("marks", f"Each evaluator needs a name of 1 to {MAX_KEY} characters.")
                continue
            out[evaluator] = self.marks(per_bid, f"marks.{evaluator}", scales)
        return out

    def marks(self, raw: Any, prefix: str, scales: Mapping[str, Scale]) -> dict[str, dict[str, Decimal]]:
        if not isinstance(raw, Mapping):
            self.fail(prefix, "The marks must be an object: each bid's name with a mark for each criterion.")
            return {}
        out: dict[str, dict[str, Decimal]] = {}
        for bid, per_criterion in raw.items():
            path = f"{prefix}.{bid}"
            if not isinstance(per_criterion, Mapping):
                self.fail(path, "The marks for a bid must be an object: each criterion's key with its mark.")
                continue
            row: dict[str, Decimal] = {}
            for key, raw_mark in per_criterion.items():
                mark = self.mark(raw_mark, f"{path}.{key}", scales.get(key))
                if mark is not None:
                    row[key] = mark
            out[bid] = row
        return out

    def mark(self, raw: Any, path: str, scale: Scale | None) -> Decimal | None:
        if scale == Scale.PASS_FAIL:
            if isinstance(raw, bool):
                return Decimal(int(raw))
            if isinstance(raw, str) and raw.strip().lower() in _GATE_WORDS:
                return _GATE_WORDS[raw.strip().lower()]
        value = number(raw)
        if value is None:
            hint = "1 (pass) or 0 (fail)" if scale == Scale.PASS_FAIL else "a number on the criterion's scale"
            self.fail(path, f"The mark must be {hint}.")
        return value


def parse_evaluation(data: Any) -> EvaluationInput:
    """A checked ``EvaluationInput`` from EVALUATION.json data; ``ValidationFailed`` names every problem by path."""
    return _Reader().read(data)


# Output --------------------------------------------------------------------------------------------------------------


def _money(value: Decimal | None) -> int | float | None:
    if value is None:
        return None
    return int(value) if value == value.to_integral_value() else float(value)


def bid_as_json(bid: BidResult) -> dict[str, Any]:
    return {
        "key": bid.key,
        "rank": bid.rank,
        "total": bid.total,
        "quality_points": bid.quality_points,
        "quality_percent": bid.quality_percent,
        "price": _money(bid.price),
        "full_cost": _money(bid.full_cost),
        "price_points": bid.price_points,
        "sections": bid.sections,
        "excluded": bid.excluded,
        "reasons": list(bid.reasons),
        "failed_gates": list(bid.failed_gates),
        "failed_thresholds": list(bid.failed_thresholds),
        "abnormally_low": bid.abnormally_low,
        "abnormally_low_reasons": list(bid.abnormally_low_reasons),
        "criteria": [
            {
                "criterion": line.criterion,
                "mark": line.mark,
                "source": line.source,
                "points": line.points,
                "marked_by": line.marked_by,
                "spread": line.spread,
                "divergent": line.divergent,
                "passed": line.passed,
            }
            for line in bid.lines
        ],
    }


def _route_as_json(route: Route | None) -> dict[str, Any] | None:
    if route is None:
        return None
    return {
        "steps": route.steps,
        "changes": [
            {"bid": c.bid, "criterion": c.criterion, "from": c.before, "to": c.after, "steps": c.steps}
            for c in route.changes
        ],
        "new_winner": route.new_winner,
        "excludes_winner": route.excludes_winner,
    }


def change_the_winner_as_json(analysis: ChangeTheWinner) -> dict[str, Any]:
    """What it would take to change the winner (for the authority's own assurance: not for bidders)."""
    return {
        "winner": analysis.winner,
        "smallest": _route_as_json(analysis.smallest),
        "rivals": [
            {"rival": r.rival, "route": _route_as_json(r.route), "complete": r.complete} for r in analysis.rivals
        ],
        "exclusion": _route_as_json(analysis.exclusion),
        "note": analysis.note,
        "certain": analysis.certain,
    }


def result_as_json(result: EvaluationResult) -> dict[str, Any]:
    """The result as JSON-ready data (floats unrounded; prices as numbers of pounds)."""
    return {
        "winner": result.winner,
        "price_method": result.price_method.value if result.price_method else None,
        "tie_break": result.tie_break.value,
        "exclusion": result.exclusion.value,
        "bids": [bid_as_json(b) for b in result.bids],
        "divergences": [
            {
                "bid": d.bid,
                "criterion": d.criterion,
                "marks": d.marks,
                "spread": d.spread,
                "allowed": d.allowed,
                "consensus": d.consensus,
            }
            for d in result.divergences
        ],
        "change_the_winner": change_the_winner_as_json(result.change_the_winner),
        "notes": list(result.notes),
    }


def input_as_json(data: EvaluationInput) -> dict[str, Any]:
    """The input as EVALUATION.json data (what ``parse_evaluation`` reads), so a result can be recomputed."""
    scheme = data.scheme
    criteria = []
    for c in scheme.criteria:
        item: dict[str, Any] = {"key": c.key, "name": c.name, "section": c.section, "weight": _money(c.weight)}
        item["scale"] = c.scale.value
        if c.is_price:
            item["is_price"] = True
        if c.min_mark is not None:
            item["min_mark"] = _money(c.min_mark)
        criteria.append(item)
    return {
        "criteria": criteria,
        "price_method": scheme.price_method.value,
        "min_quality_percent": _money(scheme.min_quality_percent),
        "exclusion": scheme.exclusion.value,
        "tie_break": scheme.tie_break.value,
        "divergence_threshold": _money(scheme.divergence_threshold),
        "bids": {
            b.key: {"price": _money(b.price), "full_cost": _money(b.full_cost)}
            | ({"disregarded": b.disregarded} if b.disregarded else {})
            for b in data.bids
        },
        "marks": {
            ev: {bid: {k: _money(m) for k, m in row.items()} for bid, row in per_bid.items()}
            for ev, per_bid in data.marks.items()
        },
        "consensus": {bid: {k: _money(m) for k, m in row.items()} for bid, row in data.consensus.items()},
    }
