from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from .models import Organisation, User


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "district", "ecosystem"]
    list_filter = ["kind"]
    search_fields = ["name"]


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ["username", "title", "role", "organisation", "enterprise", "is_active"]
    list_filter = ["role", "is_active"]
    raw_id_fields = ["enterprise"]
    fieldsets = [*BaseUserAdmin.fieldsets, (_("Role and scope"), {"fields": ["role", "organisation", "enterprise",
                                                                          "title", "phone"]})]
