"""The admin site shows bids read-only and WITHOUT their content, before or after the opening: answers, documents,
prices, budgets, declarations and consortium shares are sealed, and the admin site is not a door to them (read them
through the bid pages, which apply the sealed rule). Answers, documents and consortium roles are not registered at
all. Every change goes through the services."""

from django.contrib import admin

from trellis.bids.models import Bid, Opening, Receipt


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


#: The only fields of a bid the admin site shows: who bid for what, and when. Never what they said.
BID_FIELDS = ("public_id", "opportunity", "organisation", "lot", "status", "created_at", "submitted_at", "withdrawn_at")


@admin.register(Bid)
class BidAdmin(ReadOnlyAdmin):
    fields = BID_FIELDS
    readonly_fields = BID_FIELDS
    list_display = ("public_id", "opportunity", "organisation", "status", "submitted_at")
    list_filter = ("status",)
    search_fields = ("opportunity__reference",)

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("opportunity", "organisation", "lot")
            .only(
                "id",
                *(f for f in BID_FIELDS if f not in ("opportunity", "organisation", "lot")),
                "opportunity__reference",
                "opportunity__title",
                "organisation__name",
                "lot__number",
                "lot__title",
            )
        )


RECEIPT_FIELDS = ("number", "bid", "submitted_at", "submitted_by", "content_sha256", "superseded_at")


@admin.register(Receipt)
class ReceiptAdmin(ReadOnlyAdmin):
    fields = RECEIPT_FIELDS
    readonly_fields = RECEIPT_FIELDS
    list_display = ("number", "submitted_at", "superseded_at")
    search_fields = ("number",)


OPENING_FIELDS = (
    "opportunity",
    "requested_by",
    "requested_at",
    "requires_two_openers",
    "second_opener",
    "opened_by",
    "opened_at",
)


@admin.register(Opening)
class OpeningAdmin(ReadOnlyAdmin):
    fields = OPENING_FIELDS
    readonly_fields = OPENING_FIELDS
    list_display = ("opportunity", "requested_at", "opened_at")
