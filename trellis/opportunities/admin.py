"""The admin site shows opportunities read-only: every change goes through the services, which check the
lifecycle, validate and record the audit trail."""

from django.contrib import admin

from trellis.opportunities.models import (
    AlertSubscription,
    Clarification,
    Criterion,
    EligibilityItem,
    FrameworkMember,
    Lot,
    Opportunity,
)


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class LotInline(ReadOnlyInline):
    model = Lot


class EligibilityInline(ReadOnlyInline):
    model = EligibilityItem


class CriterionInline(ReadOnlyInline):
    model = Criterion


class FrameworkMemberInline(ReadOnlyInline):
    model = FrameworkMember
    fk_name = "framework"


@admin.register(Opportunity)
class OpportunityAdmin(ReadOnlyAdmin):
    list_display = ["reference", "title", "kind", "status", "closes_at", "place"]
    list_filter = ["status", "kind", "place"]
    search_fields = ["reference", "title", "summary"]
    inlines = [LotInline, EligibilityInline, CriterionInline, FrameworkMemberInline]


@admin.register(Clarification)
class ClarificationAdmin(ReadOnlyAdmin):
    list_display = ["opportunity", "status", "created_at", "published_at"]
    list_filter = ["status"]


@admin.register(AlertSubscription)
class AlertSubscriptionAdmin(ReadOnlyAdmin):
    list_display = ["person", "email", "created_at"]
