from django.contrib import admin

from trellis.places.models import Place, Ward


class WardInline(admin.TabularInline):
    model = Ward
    extra = 0


@admin.register(Place)
class PlaceAdmin(admin.ModelAdmin):
    list_display = ["name", "gss_code", "authority_name", "region"]
    inlines = [WardInline]


@admin.register(Ward)
class WardAdmin(admin.ModelAdmin):
    list_display = ["name", "gss_code", "place"]
    search_fields = ["name", "gss_code"]
