from django.contrib import admin

from .models import Chain, ChainMaster, ChainMembership, ChainNode, Ecosystem, NodeLink, TeamMember


class ChainInline(admin.TabularInline):
    model = Chain
    extra = 0


@admin.register(Ecosystem)
class EcosystemAdmin(admin.ModelAdmin):
    list_display = ["name", "leader", "order"]
    inlines = [ChainInline]


class NodeInline(admin.TabularInline):
    model = ChainNode
    extra = 0
    fields = ["name", "segment", "order", "is_key"]


@admin.register(Chain)
class ChainAdmin(admin.ModelAdmin):
    list_display = ["name", "ecosystem", "leader"]
    list_filter = ["ecosystem"]
    inlines = [NodeInline]


@admin.register(NodeLink)
class NodeLinkAdmin(admin.ModelAdmin):
    list_display = ["supplier", "customer"]


@admin.register(ChainMembership)
class ChainMembershipAdmin(admin.ModelAdmin):
    list_display = ["enterprise", "node", "main_product"]
    raw_id_fields = ["enterprise"]
    list_select_related = ["enterprise", "node", "node__chain"]


@admin.register(ChainMaster)
class ChainMasterAdmin(admin.ModelAdmin):
    list_display = ["chain", "enterprise", "status", "designated_on"]
    list_filter = ["status", "chain"]
    raw_id_fields = ["enterprise"]


@admin.register(TeamMember)
class TeamMemberAdmin(admin.ModelAdmin):
    list_display = ["ecosystem", "position", "title", "unit"]
