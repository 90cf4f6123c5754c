"""gunicorn's settings for `make serve` and the Procfile; each can be overridden by the
environment (WEB_CONCURRENCY, PORT, HOST) or on the command line."""

import multiprocessing
import os

bind = f"{os.environ.get('HOST', '127.0.0.1')}:{os.environ.get('PORT', '8000')}"
# Sized to the machine: two per core and one more, as gunicorn's documentation suggests.
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2 + 1))
# Long work (the cohort report, large exports, mail) is the task worker's, never a request's.
timeout = 30
graceful_timeout = 20
# Behind the TLS proxy: trust its X-Forwarded-* headers (DJANGO_BEHIND_TLS_PROXY=1).
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
accesslog = "-"
wsgi_app = "commission.wsgi:application"
# No control socket: it would be one path in the home directory for every app server on a
# machine, and nothing here uses it.
control_socket_disable = True
