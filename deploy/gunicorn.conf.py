"""gunicorn settings for Industry Brain (docs/deployment.md). Command-line options override these."""

import multiprocessing
import os

# Behind the reverse proxy on the same machine (or the private network of several web machines).
bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
# Sync workers: the platform's requests are short and database-bound; 2 per core plus one is gunicorn's advice.
workers = int(os.environ.get("GUNICORN_WORKERS", multiprocessing.cpu_count() * 2 + 1))
worker_class = "sync"
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))
graceful_timeout = 30
keepalive = 5
# Recycle workers now and then so that no slow leak can grow for weeks.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "2000"))
max_requests_jitter = 200
# The proxy adds X-Forwarded-For/-Proto; trust it only from the proxy's own address.
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1")
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-")
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "warning")
