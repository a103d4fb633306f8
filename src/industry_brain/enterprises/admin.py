from django.contrib import admin

from .models import ConfidentialReadLog, Enterprise, Recognition, YearlyFigures


class FiguresInline(admin.TabularInline):
    model = YearlyFigures
    extra = 0


@admin.register(Enterprise)
class EnterpriseAdmin(admin.ModelAdmin):
    list_display = ["name", "uscc", "district", "industry", "is_above_scale", "top_tier"]
    list_filter = ["district", "is_above_scale", "top_tier"]
    search_fields = ["name", "uscc"]
    inlines = [FiguresInline]
    list_select_related = ["district", "industry"]


@admin.register(Recognition)
class RecognitionAdmin(admin.ModelAdmin):
    list_display = ["enterprise", "tier", "level", "year", "valid_until"]
    list_filter = ["tier", "level", "year"]
    raw_id_fields = ["enterprise"]


@admin.register(ConfidentialReadLog)
class ConfidentialReadLogAdmin(admin.ModelAdmin):
    list_display = ["at", "user", "enterprise", "channel", "what"]
    raw_id_fields = ["enterprise", "user"]

    def has_change_permission(self, request, obj=None):
        return False
