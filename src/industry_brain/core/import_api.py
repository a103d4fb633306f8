"""API of background import jobs (`core.imports`): `GET /api/v1/import-jobs/` and `/import-jobs/{id}/`.

Scope is the job's own (`ImportJob.scope`): the importing user sees their jobs, the city bureau every job (as with
every model, `restrict`), everyone else gets 404. A job whose worker stopped answering is failed when read, as on
its page, so the API never reports a dead job as running."""

from __future__ import annotations

import django_filters
from django.urls import reverse
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.response import Response

from .api import RestrictedReadOnlyViewSet
from .imports import WORKING, fail_if_stale, progress
from .models import ImportJob, ImportJobState


class ImportJobErrorSerializer(serializers.Serializer):
    row = serializers.IntegerField()
    column = serializers.CharField()
    message = serializers.CharField()


class ImportJobProgressSerializer(serializers.Serializer):
    done = serializers.IntegerField()
    total = serializers.IntegerField()
    percent = serializers.IntegerField()
    running = serializers.BooleanField()


class ImportJobSerializer(serializers.ModelSerializer):
    status = serializers.ChoiceField(source="state", choices=ImportJobState.choices, read_only=True)
    status_label = serializers.CharField(source="get_state_display", read_only=True)
    imported_by = serializers.CharField(source="user.username", read_only=True)
    progress = serializers.SerializerMethodField()
    error_count = serializers.SerializerMethodField()
    page = serializers.SerializerMethodField()

    class Meta:
        model = ImportJob
        fields = ["id", "title", "filename", "status", "status_label", "imported_by", "created", "finished",
                  "rows_total", "rows_checked", "rows_written", "created_count", "updated_count", "progress",
                  "error_count", "page"]
        read_only_fields = fields

    @extend_schema_field(ImportJobProgressSerializer)
    def get_progress(self, job: ImportJob) -> dict:
        return progress(job)

    def get_error_count(self, job: ImportJob) -> int:
        return len(job.errors or [])

    def get_page(self, job: ImportJob) -> str:
        return reverse("imports:job", args=[job.pk])


class ImportJobDetailSerializer(ImportJobSerializer):
    """One job adds every wrong row (row number, column, reason): none unless the job failed."""

    errors = ImportJobErrorSerializer(many=True, read_only=True)

    class Meta(ImportJobSerializer.Meta):
        fields = [*ImportJobSerializer.Meta.fields, "errors"]
        read_only_fields = fields


class ImportJobFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(field_name="state", choices=ImportJobState.choices)

    class Meta:
        model = ImportJob
        fields = ["status"]


class ImportJobViewSet(RestrictedReadOnlyViewSet):
    """Background Excel imports: the caller's own jobs (the city bureau: every job), newest first, with status,
    counts and progress; one job adds its wrong rows. `?status=` filters (queued, checking, writing, done,
    failed). Out of scope or missing: 404."""

    queryset = ImportJob.objects.select_related("user").order_by("-created", "-id")
    serializer_class = ImportJobSerializer
    filterset_class = ImportJobFilter

    def get_serializer_class(self):
        return ImportJobDetailSerializer if self.action == "retrieve" else ImportJobSerializer

    def list(self, request, *args, **kwargs):
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        for job in page:
            if job.state in WORKING:
                fail_if_stale(job)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def retrieve(self, request, *args, **kwargs):
        job = self.get_object()
        fail_if_stale(job)
        return Response(self.get_serializer(job).data)
