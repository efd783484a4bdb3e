# The award steps after approval: the award notice, the standstill from it, challenges, the exclusion checks and the
# notice due after the contract.

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def _person(related_name="+"):
    return models.ForeignKey(
        blank=True,
        null=True,
        on_delete=django.db.models.deletion.PROTECT,
        related_name=related_name,
        to=settings.AUTH_USER_MODEL,
    )


class Migration(migrations.Migration):
    dependencies = [
        ("evaluation", "0003_approver_declaration"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterField(
            model_name="evaluation",
            name="state",
            field=models.CharField(
                choices=[
                    ("setting_up", "Setting up the panel"),
                    ("scoring", "Scoring and moderation"),
                    ("recommended", "Recommendation made, awaiting approval"),
                    ("decided", "Decision approved, assessment summaries sent"),
                    ("standstill", "Award notice published"),
                    ("suspended", "Challenged: the contract is suspended"),
                    ("checked", "Exclusions and debarment checked"),
                    ("concluded", "Contract entered into"),
                ],
                default="setting_up",
                max_length=20,
            ),
        ),
        migrations.AddField(
            model_name="awarddecision", name="award_notice_published_on", field=models.DateField(blank=True, null=True)
        ),
        migrations.AddField(model_name="awarddecision", name="award_notice_recorded_by", field=_person()),
        migrations.AddField(
            model_name="awarddecision", name="standstill_kind", field=models.CharField(blank=True, max_length=12)
        ),
        migrations.AddField(model_name="awarddecision", name="standstill_source", field=models.TextField(blank=True)),
        migrations.AddField(
            model_name="awarddecision", name="exclusions_checked_on", field=models.DateField(blank=True, null=True)
        ),
        migrations.AddField(model_name="awarddecision", name="exclusions_checked_by", field=_person()),
        migrations.AddField(model_name="awarddecision", name="exclusions_note", field=models.TextField(blank=True)),
        migrations.AddField(
            model_name="awarddecision", name="contract_notice_name", field=models.CharField(blank=True, max_length=100)
        ),
        migrations.AddField(
            model_name="awarddecision", name="contract_notice_due", field=models.DateField(blank=True, null=True)
        ),
        migrations.AddField(
            model_name="awarddecision", name="contract_notice_source", field=models.TextField(blank=True)
        ),
        migrations.CreateModel(
            name="Challenge",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("claimant", models.CharField(max_length=200)),
                ("notified_on", models.DateField()),
                ("summary", models.TextField()),
                ("recorded_at", models.DateTimeField()),
                ("ended_on", models.DateField(blank=True, null=True)),
                ("ended_how", models.CharField(blank=True, max_length=20)),
                ("end_note", models.TextField(blank=True)),
                (
                    "decision",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="challenges",
                        to="evaluation.awarddecision",
                    ),
                ),
                ("ended_by", _person()),
                (
                    "recorded_by",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT, related_name="+", to=settings.AUTH_USER_MODEL
                    ),
                ),
            ],
            options={"ordering": ["notified_on", "id"]},
        ),
    ]
