import factory

from trellis.organisations.models import LegalForm, Organisation, Sector
from trellis.places.models import Place, Ward


class PlaceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Place
        django_get_or_create = ("gss_code",)

    name = "Northbridge"
    slug = "northbridge"
    authority_name = "Northbridge Metropolitan Borough Council"
    gss_code = "E08000099"
    authority_org_id = "GB-LAE-NBR"


class WardFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Ward
        django_get_or_create = ("gss_code",)

    place = factory.SubFactory(PlaceFactory)
    name = factory.Sequence(lambda n: f"Ward {n}")
    gss_code = factory.Sequence(lambda n: f"E0509{n:04d}")


class OrganisationFactory(factory.django.DjangoModelFactory):
    """A small local charity by default. Income band follows annual_income via the service rules."""

    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Riverside Community Project {n}")
    slug = factory.Sequence(lambda n: f"riverside-community-project-{n}")
    org_id = factory.Sequence(lambda n: f"GB-CHC-{1100000 + n}")
    legal_form = LegalForm.CIO
    sector = Sector.VCSE
    description = "Runs a community pantry and welfare advice sessions for families."
    annual_income = 45000
    income_band = "small"
    place = factory.SubFactory(PlaceFactory)
    registered_office_in_place = True
