"""Pure rules for bids: full cost recovery budgets."""

from trellis.bids.domain.fcr import CostInput, FullCost, calculate, full_cost

__all__ = ["CostInput", "FullCost", "calculate", "full_cost"]
