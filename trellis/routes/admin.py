from django import forms
from django.contrib import admin, messages

from trellis.core.errors import ValidationFailed
from trellis.routes import permissions as perms
from trellis.routes import services
from trellis.routes.models import CostAssumption, RouteDecision


class CostAssumptionForm(forms.ModelForm):
    class Meta:
        model = CostAssumption
        fields = ["value", "assumption", "source"]

    def clean_value(self):
        value = self.cleaned_data["value"]
        if value is not None and value < 0:
            raise forms.ValidationError("Enter a number that is 0 or more.")
        return value


@admin.register(CostAssumption)
class CostAssumptionAdmin(admin.ModelAdmin):
    """The defaults behind the cost of competing. Each change is recorded in the audit log through the service."""

    form = CostAssumptionForm

    list_display = ["key", "value", "unit", "assumption", "source", "updated_at", "updated_by"]
    search_fields = ["key", "assumption", "source"]
    fields = ["key", "value", "unit", "assumption", "source", "updated_at", "updated_by"]
    readonly_fields = ["key", "unit", "updated_at", "updated_by"]

    def has_add_permission(self, request):
        return False  # the keys are the engine's: they come from its data table

    def has_delete_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return bool(perms.can_edit_cost_assumptions(request.user))

    def has_view_permission(self, request, obj=None):
        return bool(request.user.is_active and request.user.is_staff)

    def save_model(self, request, obj, form, change):
        try:
            services.cost_assumption_update(
                actor=request.user,
                cost_assumption=obj,
                value=form.cleaned_data["value"],
                assumption=form.cleaned_data["assumption"],
                source=form.cleaned_data["source"],
            )
        except ValidationFailed as exc:  # the form checks the same things first; this is a backstop
            for field, texts in exc.errors.items():
                for text in texts:
                    messages.error(request, f"{field}: {text}. Nothing was changed.")


@admin.register(RouteDecision)
class RouteDecisionAdmin(admin.ModelAdmin):
    """Decision records are read-only: a decision is revised by saving a new one that replaces it."""

    list_display = ["need_title", "place", "chosen_route", "recommended_route", "decided_by", "decided_at"]
    list_filter = ["place", "chosen_route"]
    search_fields = ["need_title", "public_id"]
    readonly_fields = [f.name for f in RouteDecision._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
