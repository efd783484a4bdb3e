"""The evaluation engine: pure rules for criteria, scales, price scoring, totals, ranking, flags and what it would
take to change the winner.

    from trellis.evaluation.domain import evaluate, parse_evaluation, result_as_json
    result = evaluate(parse_evaluation(data))

Modules: ``scheme`` (criteria, weights, gates, thresholds, settings and their checks), ``price`` (price scoring
methods), ``marks`` (marks used, spread, divergence), ``totals`` (points, exclusion, ranking, abnormally low prices),
``winner_margin`` (the fewest changes of marks that change the winner), ``engine`` (``evaluate``), ``results`` and
``io`` (EVALUATION.json in and out). The methods and their sources are described in docs/evaluation-methods.md.
"""

from trellis.evaluation.domain.engine import evaluate
from trellis.evaluation.domain.io import input_as_json, parse_evaluation, result_as_json
from trellis.evaluation.domain.price import PriceMethod, score_prices
from trellis.evaluation.domain.results import (
    BidResult,
    ChangeTheWinner,
    CriterionLine,
    Divergence,
    EvaluationResult,
    MarkChange,
    RivalRoute,
    Route,
)
from trellis.evaluation.domain.scheme import (
    BidInput,
    CriterionSpec,
    EvaluationInput,
    Exclusion,
    Scheme,
    TieBreak,
    check_marks,
    check_scheme,
)

__all__ = [
    "BidInput",
    "BidResult",
    "ChangeTheWinner",
    "CriterionLine",
    "CriterionSpec",
    "Divergence",
    "EvaluationInput",
    "EvaluationResult",
    "Exclusion",
    "MarkChange",
    "PriceMethod",
    "RivalRoute",
    "Route",
    "Scheme",
    "TieBreak",
    "check_marks",
    "check_scheme",
    "evaluate",
    "input_as_json",
    "parse_evaluation",
    "result_as_json",
    "score_prices",
]
