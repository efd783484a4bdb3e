"""Evaluation URLs, composed from each area's views module: setting up, scoring, moderation, the decision, and
the assessment summaries and report."""

from trellis.evaluation.views import decision, low_prices, moderation, scoring, setup, summaries

app_name = "evaluation"
urlpatterns = (
    setup.urlpatterns
    + scoring.urlpatterns
    + moderation.urlpatterns
    + low_prices.urlpatterns
    + decision.urlpatterns
    + summaries.urlpatterns
)
