"""WSGI entry point (gunicorn industry_brain.wsgi)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "industry_brain.settings")
application = get_wsgi_application()
