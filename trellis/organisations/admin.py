from django.contrib import admin

from trellis.organisations.models import (
    ClientGroup,
    Consortium,
    ConsortiumMember,
    EvidenceDocument,
    Organisation,
    OtherIdentifier,
    PartnerInterest,
    PartnerRequest,
    ServiceType,
)


class OtherIdentifierInline(admin.TabularInline):
    model = OtherIdentifier
    extra = 0


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "org_id", "legal_form", "income_band", "accreditation_tier", "is_active"]
    list_filter = ["income_band", "accreditation_tier", "legal_form", "sector", "is_consortium"]
    search_fields = ["name", "org_id"]
    readonly_fields = ["income_band", "accreditation_tier", "public_id", "created_at", "updated_at"]
    filter_horizontal = ["wards", "client_groups", "service_types"]
    inlines = [OtherIdentifierInline]


@admin.register(ServiceType, ClientGroup)
class VocabularyAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "sort_order"]
    list_editable = ["sort_order"]


@admin.register(EvidenceDocument)
class EvidenceDocumentAdmin(admin.ModelAdmin):
    """Metadata only: documents are downloaded through the permission-checked page."""

    list_display = ["organisation", "kind", "title", "status", "expires_on", "superseded_at"]
    list_filter = ["status", "kind"]
    exclude = ["file"]
    readonly_fields = [
        "organisation",
        "kind",
        "title",
        "original_filename",
        "content_type",
        "size_bytes",
        "sha256",
        "uploaded_by",
        "reviewed_by",
        "reviewed_at",
        "status",
        "review_note",
    ]

    def has_add_permission(self, request):
        return False


class ConsortiumMemberInline(admin.TabularInline):
    model = ConsortiumMember
    extra = 0


@admin.register(Consortium)
class ConsortiumAdmin(admin.ModelAdmin):
    list_display = ["organisation", "lead", "lead_model"]
    inlines = [ConsortiumMemberInline]


admin.site.register(PartnerRequest)
admin.site.register(PartnerInterest)
