"""Opportunities' rules in pure Python: lifecycle, criteria and weights, aggregation, proportionate
pre-qualification and key dates. No Django here."""
