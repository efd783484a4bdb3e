"""Places (local authority areas) and their wards, identified by GSS codes."""

from django.core.validators import RegexValidator
from django.db import models

gss_code = RegexValidator(r"^[EWSN]\d{8}$", "A GSS code is a letter (E, W, S or N) and 8 digits, e.g. E08000003.")


class Place(models.Model):
    name = models.CharField(max_length=120)
    slug = models.SlugField(unique=True)
    authority_name = models.CharField(max_length=200)
    gss_code = models.CharField(max_length=9, unique=True, validators=[gss_code])
    authority_org_id = models.CharField(max_length=120, blank=True, help_text="e.g. GB-LAE-MAN")
    region = models.CharField(max_length=100, blank=True)
    population = models.PositiveIntegerField(null=True, blank=True)
    description = models.TextField(blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Ward(models.Model):
    place = models.ForeignKey(Place, on_delete=models.CASCADE, related_name="wards")
    name = models.CharField(max_length=120)
    gss_code = models.CharField(max_length=9, unique=True, validators=[gss_code])
    description = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["place", "name"], name="uniq_ward_name_in_place")]

    def __str__(self) -> str:
        return self.name
