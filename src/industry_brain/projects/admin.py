from django.contrib import admin

from .models import ProgressReport, Project, ProjectWarning, SupervisionOrder, WarningRule


@admin.register(Project)
class ProjectAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "district", "stage", "warning_level", "total_investment"]
    list_filter = ["stage", "warning_level", "district"]
    search_fields = ["code", "name"]
    raw_id_fields = ["enterprise"]


@admin.register(ProgressReport)
class ProgressReportAdmin(admin.ModelAdmin):
    list_display = ["project", "period", "investment"]
    raw_id_fields = ["project"]


@admin.register(WarningRule)
class WarningRuleAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "level", "is_active", "version"]


@admin.register(ProjectWarning)
class ProjectWarningAdmin(admin.ModelAdmin):
    list_display = ["project", "rule", "level", "opened_at", "cleared_at"]
    list_filter = ["level"]
    raw_id_fields = ["project"]


@admin.register(SupervisionOrder)
class SupervisionOrderAdmin(admin.ModelAdmin):
    list_display = ["project", "status", "level", "due_date"]
    list_filter = ["status", "level"]
    raw_id_fields = ["project"]
