"""The technical admin site: superusers maintain reference data; tenant records are never edited here."""

from django.contrib import admin

from hnap import models


@admin.register(models.RPA)
class RPAAdmin(admin.ModelAdmin):
    list_display = ["name", "contact_name", "contact_email", "active"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(models.Region)
class RegionAdmin(admin.ModelAdmin):
    search_fields = ["name"]


@admin.register(models.RegionCoverage)
class RegionCoverageAdmin(admin.ModelAdmin):
    list_display = ["rpa", "region", "local_authority"]


@admin.register(models.School)
class SchoolAdmin(admin.ModelAdmin):
    list_display = ["urn", "name", "local_authority", "region", "rpa"]
    search_fields = ["urn", "name"]
    list_select_related = ["region", "rpa"]


@admin.register(models.PreparationProvider)
class PreparationProviderAdmin(admin.ModelAdmin):
    search_fields = ["name"]


@admin.register(models.StandardFramework)
class StandardFrameworkAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "is_default"]


@admin.register(models.HLTAStandard)
class HLTAStandardAdmin(admin.ModelAdmin):
    list_display = ["framework", "number", "section", "short_title"]
    list_filter = ["framework"]


@admin.register(models.User)
class UserAdmin(admin.ModelAdmin):
    list_display = ["email", "full_name", "is_active", "is_staff"]
    search_fields = ["email", "full_name"]
    exclude = ["password", "user_permissions", "groups"]


@admin.register(models.Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "role", "rpa", "pop"]
    list_filter = ["role", "rpa"]
    list_select_related = ["user", "rpa", "pop"]
