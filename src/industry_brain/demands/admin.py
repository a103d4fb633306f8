from django.contrib import admin

from .models import Cadre, DemandCategory


@admin.register(DemandCategory)
class DemandCategoryAdmin(admin.ModelAdmin):
    """The city bureau extends the taxonomy here (codes are stable API identifiers: never rename one)."""

    list_display = ["code", "name", "parent", "order", "is_active"]
    list_filter = ["is_active", "parent"]
    search_fields = ["code", "name"]


@admin.register(Cadre)
class CadreAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "organisation", "phone", "user"]
    search_fields = ["code", "name"]
    raw_id_fields = ["user"]
