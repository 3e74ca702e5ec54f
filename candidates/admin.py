"""The technical admin: only the Partnership's reference list; candidates' records are never edited here."""

from django.contrib import admin

from candidates.models import Level2Qualification


@admin.register(Level2Qualification)
class Level2QualificationAdmin(admin.ModelAdmin):
    list_display = ["name", "subject", "minimum", "needs_rpa_decision", "active"]
    list_filter = ["subject", "active"]
    search_fields = ["name"]
