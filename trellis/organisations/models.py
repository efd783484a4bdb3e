"""The provider directory: organisations, their evidence, consortia and partner requests."""

from __future__ import annotations

import uuid

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone

from trellis.core.models import BaseModel, Person
from trellis.organisations.domain.accreditation import EVIDENCE_LABELS, EvidenceKind, Tier, review_status_shown
from trellis.organisations.domain.sizes import BAND_INFO, IncomeBand
from trellis.organisations.listing import ListingLabels


class LegalForm(models.TextChoices):
    UNINCORPORATED_ASSOCIATION = "unincorporated_association", "Unincorporated association (community group)"
    CIO = "cio", "Charitable incorporated organisation (CIO)"
    CHARITABLE_COMPANY = "charitable_company", "Charitable company limited by guarantee"
    CHARITABLE_TRUST = "charitable_incorporated_trust", "Charitable trust"
    CIC = "cic", "Community interest company (CIC)"
    COMPANY_LIMITED_BY_GUARANTEE = "company_limited_by_guarantee", "Company limited by guarantee (not a charity)"
    COMMUNITY_BENEFIT_SOCIETY = "community_benefit_society", "Community benefit society"
    COOPERATIVE = "cooperative", "Co-operative society"
    HOUSING_ASSOCIATION = "registered_society_housing", "Housing association (registered provider)"
    PRIVATE_COMPANY = "private_company", "Private limited company"
    PLC = "public_limited_company", "Public limited company"
    LOCAL_AUTHORITY = "local_authority", "Local authority"
    NHS_BODY = "nhs_body", "NHS body"
    SCHOOL = "school", "School or college"
    GOVERNMENT_BODY = "government_body", "Government body"
    CONSORTIUM = "consortium", "Consortium (unincorporated partnership)"


class Sector(models.TextChoices):
    VCSE = "vcse", "Voluntary, community or social enterprise"
    PRIVATE = "private", "Private sector"
    PUBLIC = "public", "Public sector"


class Vocabulary(models.Model):
    code = models.SlugField(max_length=50, primary_key=True)
    name = models.CharField(max_length=120)
    description = models.CharField(max_length=300, blank=True)
    sort_order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        abstract = True
        ordering = ["sort_order", "name"]

    def __str__(self) -> str:
        return self.name


class ServiceType(Vocabulary):
    """What an organisation does (controlled vocabulary, admin-editable)."""


class ClientGroup(Vocabulary):
    """Whom an organisation serves (controlled vocabulary, admin-editable)."""


class Organisation(BaseModel):
    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=220, unique=True)
    org_id = models.CharField("organisation identifier", max_length=120, unique=True)
    legal_form = models.CharField(max_length=40, choices=LegalForm.choices)
    sector = models.CharField(max_length=10, choices=Sector.choices, default=Sector.VCSE)
    description = models.TextField(blank=True)
    vat_number = models.CharField(max_length=20, blank=True)

    annual_income = models.DecimalField(max_digits=14, decimal_places=0, null=True, blank=True)
    income_band = models.CharField(
        max_length=10, choices=[(b.value, BAND_INFO[b].label) for b in IncomeBand], default=IncomeBand.UNKNOWN
    )
    staff_count = models.PositiveIntegerField(null=True, blank=True)
    volunteer_count = models.PositiveIntegerField(null=True, blank=True)
    founded_year = models.PositiveSmallIntegerField(null=True, blank=True)

    # Where it works and whom it serves.
    place = models.ForeignKey("places.Place", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    wards = models.ManyToManyField("places.Ward", blank=True, related_name="organisations")
    borough_wide = models.BooleanField(default=False, help_text="Works across the whole place.")
    works_outside_place = models.BooleanField(default=False)
    client_groups = models.ManyToManyField(ClientGroup, blank=True, related_name="organisations")
    service_types = models.ManyToManyField(ServiceType, blank=True, related_name="organisations")

    # Local rootedness.
    registered_office_in_place = models.BooleanField(default=False)
    active_locally_since = models.PositiveSmallIntegerField(null=True, blank=True, help_text="Year")
    staff_local_pct = models.PositiveSmallIntegerField(null=True, blank=True, validators=[MaxValueValidator(100)])
    trustees_local_pct = models.PositiveSmallIntegerField(null=True, blank=True, validators=[MaxValueValidator(100)])

    # Public contact details.
    website = models.URLField(blank=True)
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=40, blank=True)
    address = models.CharField(max_length=300, blank=True)
    postcode = models.CharField(max_length=10, blank=True)
    # Private: seen only by the organisation and commissioners.
    contact_name = models.CharField(max_length=200, blank=True)
    contact_email = models.EmailField(blank=True)
    contact_phone = models.CharField(max_length=40, blank=True)

    accreditation_tier = models.PositiveSmallIntegerField(choices=[(t.value, t.label) for t in Tier], default=Tier.NONE)
    is_consortium = models.BooleanField(default=False)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["name"]
        indexes = [
            models.Index(fields=["income_band", "name"]),
            models.Index(fields=["accreditation_tier", "name"]),
            models.Index(fields=["is_active", "name"]),
            models.Index(fields=["sector", "name"]),
        ]

    # What lists of organisations show with each: read for a whole page in one query (listing.py).
    listing = ListingLabels()

    def __str__(self) -> str:
        return self.name

    @property
    def listed_service_types(self) -> list[ServiceType]:
        return self.listing.service_types

    @property
    def listed_wards(self) -> list:
        return self.listing.wards

    @property
    def listed_client_groups(self) -> list[ClientGroup]:
        return self.listing.client_groups

    @property
    def tier(self) -> Tier:
        return Tier(self.accreditation_tier)

    @property
    def band_info(self):
        return BAND_INFO[IncomeBand(self.income_band)]

    def years_active_locally(self, year: int | None = None) -> int | None:
        if self.active_locally_since is None:
            return None
        return max(0, (year or timezone.localdate().year) - self.active_locally_since)


class OtherIdentifier(models.Model):
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="other_identifiers")
    identifier = models.CharField(max_length=120, unique=True)

    class Meta:
        ordering = ["identifier"]

    def __str__(self) -> str:
        return self.identifier


class UploadedDocument(models.Model):
    """What every document attached to a record has: checked by content before it is stored (the upload service
    ``services.uploaded_document_store`` fills these fields), kept outside the web root under a random prefix and
    a sanitised name, and served only through a permission-checked view.

    Each kind of document is its own table with its own owner and access rules (an opportunity's documents are
    published; a bid's are sealed until the bids are opened), so this is abstract: a subclass adds the owner and
    declares ``file`` again with the folder it is stored in (see docs/adr/0007-one-document-base-two-tables.md).
    """

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    title = models.CharField(max_length=200)
    file = models.FileField(max_length=300)
    original_filename = models.CharField(max_length=200, blank=True)
    content_type = models.CharField(max_length=120)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        abstract = True
        ordering = ["uploaded_at", "id"]


def evidence_upload_to(instance: EvidenceDocument, filename: str) -> str:
    return f"evidence/{instance.organisation_id}/{uuid.uuid4().hex}-{filename}"


class EvidenceStatus(models.TextChoices):
    PENDING = "pending", "Awaiting verification"
    VERIFIED = "verified", "Verified"
    REJECTED = "rejected", "Not accepted"


class EvidenceDocument(BaseModel):
    """A document held once and reused everywhere: insurance, policies, accounts."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="evidence")
    kind = models.CharField(max_length=40, choices=[(k.value, EVIDENCE_LABELS[k]) for k in EvidenceKind])
    title = models.CharField(max_length=200)
    file = models.FileField(upload_to=evidence_upload_to, max_length=300)
    original_filename = models.CharField(max_length=200)
    content_type = models.CharField(max_length=120)
    size_bytes = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    expires_on = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=10, choices=EvidenceStatus.choices, default=EvidenceStatus.PENDING)
    uploaded_by = models.ForeignKey(Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    reviewed_by = models.ForeignKey(Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    reviewed_at = models.DateTimeField(null=True, blank=True)
    review_note = models.TextField(blank=True)
    superseded_at = models.DateTimeField(null=True, blank=True)
    last_reminder_days = models.SmallIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["kind", "-created_at"]
        indexes = [
            models.Index(fields=["organisation", "kind", "superseded_at"]),
            models.Index(fields=["status", "created_at"]),
            models.Index(fields=["expires_on"]),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.organisation})"

    def status_shown(self, audience: str = "") -> tuple[str, str]:
        """The label and tag colour of its review status (the same for everyone who may see it)."""
        return review_status_shown(self.status)

    @property
    def kind_label(self) -> str:
        return EVIDENCE_LABELS[EvidenceKind(self.kind)]


class LeadModel(models.TextChoices):
    NEW_ENTITY = "new_entity", "A new legal entity formed by the members"
    MEMBER_LEAD = "member_lead", "One member leads and holds the contract"
    EXTERNAL_LEAD = "external_lead", "An external lead body (e.g. the CVS) holds the contract"


class Consortium(BaseModel):
    """Organisations bidding and delivering together. Its own Organisation record puts it in
    the directory and lets it bid later."""

    organisation = models.OneToOneField(Organisation, on_delete=models.CASCADE, related_name="consortium")
    lead_model = models.CharField(max_length=20, choices=LeadModel.choices)
    lead = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="consortia_led")
    created_by = models.ForeignKey(Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name_plural = "consortia"

    def __str__(self) -> str:
        return self.organisation.name


class ConsortiumMember(models.Model):
    consortium = models.ForeignKey(Consortium, on_delete=models.CASCADE, related_name="members")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="consortium_memberships")
    role = models.CharField(max_length=200)
    share_pct = models.DecimalField(
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )

    class Meta:
        constraints = [models.UniqueConstraint(fields=["consortium", "organisation"], name="uniq_consortium_member")]
        ordering = ["-share_pct", "organisation__name"]

    def __str__(self) -> str:
        return f"{self.organisation} in {self.consortium}"


class PartnerRequest(BaseModel):
    """An organisation looking for partners for a service or an upcoming opportunity."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="partner_requests")
    title = models.CharField(max_length=200)
    description = models.TextField()
    service_types = models.ManyToManyField(ServiceType, blank=True, related_name="+")
    client_groups = models.ManyToManyField(ClientGroup, blank=True, related_name="+")
    wards = models.ManyToManyField("places.Ward", blank=True, related_name="+")
    opportunity_reference = models.CharField(max_length=200, blank=True)
    closes_on = models.DateField(null=True, blank=True)
    is_open = models.BooleanField(default=True)
    created_by = models.ForeignKey(Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.title


class PartnerInterest(models.Model):
    request = models.ForeignKey(PartnerRequest, on_delete=models.CASCADE, related_name="interests")
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="partner_interests")
    message = models.TextField()
    created_by = models.ForeignKey(Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["request", "organisation"], name="uniq_partner_interest")]
        ordering = ["created_at"]

    def __str__(self) -> str:
        return f"{self.organisation} → {self.request}"


def import_upload_to(instance: ImportJob, filename: str) -> str:
    return f"imports/{instance.public_id.hex}-{filename}"


class ImportStatus(models.TextChoices):
    VALIDATED = "validated", "Checked: ready to import"
    FAILED = "failed", "Not imported: the file has problems"
    QUEUED = "queued", "Waiting to start"
    RUNNING = "running", "Importing"
    DONE = "done", "Imported"
    ERROR = "error", "Stopped by an error: nothing was imported"


class ImportJob(BaseModel):
    """One uploaded organisations file: its check, then (if confirmed) its import."""

    created_by = models.ForeignKey(Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    file_name = models.CharField(max_length=200)
    file = models.FileField(upload_to=import_upload_to, max_length=300, blank=True)
    file_type = models.CharField(max_length=10)
    sha256 = models.CharField(max_length=64)
    size_bytes = models.PositiveIntegerField(default=0)
    update_existing = models.BooleanField(default=False)
    status = models.CharField(max_length=10, choices=ImportStatus.choices, default=ImportStatus.VALIDATED)
    total_rows = models.PositiveIntegerField(default=0)
    processed_rows = models.PositiveIntegerField(default=0)
    problems = models.JSONField(default=list, blank=True, help_text="[{row, column, message}]")
    preview = models.JSONField(default=list, blank=True, help_text="The first rows: [{row, name, org_id, action}]")
    results = models.JSONField(default=list, blank=True, help_text="The first organisations written")
    to_create = models.PositiveIntegerField(default=0)
    to_update = models.PositiveIntegerField(default=0)
    created_count = models.PositiveIntegerField(default=0)
    updated_count = models.PositiveIntegerField(default=0)
    unchanged_count = models.PositiveIntegerField(default=0)
    error_message = models.TextField(blank=True)
    queued_at = models.DateTimeField(null=True, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["created_by", "-created_at"]), models.Index(fields=["status"])]

    def __str__(self) -> str:
        return f"Import of {self.file_name} ({self.get_status_display()})"

    @property
    def is_finished(self) -> bool:
        return self.status in {ImportStatus.FAILED, ImportStatus.DONE, ImportStatus.ERROR}

    @property
    def is_in_progress(self) -> bool:
        return self.status in {ImportStatus.QUEUED, ImportStatus.RUNNING}

    @property
    def percent_done(self) -> int:
        if self.status == ImportStatus.DONE:
            return 100
        return min(100, self.processed_rows * 100 // self.total_rows) if self.total_rows else 0
