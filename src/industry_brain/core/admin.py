from django.contrib import admin

from .models import District, Event, IndustryDivision, IndustrySection, ObjectChange


@admin.register(District)
class DistrictAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "kind"]


@admin.register(IndustrySection)
class IndustrySectionAdmin(admin.ModelAdmin):
    list_display = ["code", "name"]


@admin.register(IndustryDivision)
class IndustryDivisionAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "section"]
    list_filter = ["section"]


@admin.register(ObjectChange)
class ObjectChangeAdmin(admin.ModelAdmin):
    """Read-only: the change log is evidence and is never edited."""

    list_display = ["at", "actor_label", "action", "content_type", "object_repr", "request_id"]
    list_filter = ["action", "content_type"]
    search_fields = ["object_repr", "actor_label", "request_id"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Event)
class EventAdmin(ObjectChangeAdmin):
    list_display = ["at", "actor_label", "kind", "message"]
    list_filter = ["kind"]
    search_fields = ["message", "actor_label", "request_id"]
