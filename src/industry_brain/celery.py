"""Celery application. In the embedded default tasks run eagerly (CELERY_TASK_ALWAYS_EAGER)."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "industry_brain.settings")

app = Celery("industry_brain")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
