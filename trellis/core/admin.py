from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from trellis.core.models import ApiToken, AuditEvent, Membership, Notification, Person


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["organisation"]


@admin.register(Person)
class PersonAdmin(UserAdmin):
    ordering = ["email"]
    list_display = ["email", "full_name", "job_title", "is_active", "is_staff"]
    search_fields = ["email", "full_name"]
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        ("Details", {"fields": ("full_name", "job_title")}),
        ("Access", {"fields": ("is_active", "is_staff", "is_superuser")}),
    )
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("email", "password1", "password2")}),)
    inlines = [MembershipInline]


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    """Read-only: the audit log is append-only."""

    list_display = ["seq", "occurred_at", "actor_label", "verb", "target_type", "target_id", "target_label"]
    list_filter = ["verb", "target_type"]
    search_fields = ["target_label", "verb", "target_id"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["recipient", "subject", "created_at", "read_at", "emailed_at"]
    readonly_fields = ["recipient", "subject", "body", "url", "created_at", "read_at", "emailed_at"]


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ["person", "name", "prefix", "created_at", "last_used_at", "revoked_at"]
    readonly_fields = ["prefix", "key_hash", "created_at", "last_used_at"]
