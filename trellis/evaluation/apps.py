from django.apps import AppConfig


class EvaluationConfig(AppConfig):
    name = "trellis.evaluation"
    label = "evaluation"
    verbose_name = "Evaluation and award"
