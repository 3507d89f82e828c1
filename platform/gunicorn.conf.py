"""The web process's gunicorn settings (Procfile, Dockerfile and bench/campaign_page.py use this file).

Sized by the environment: WEB_CONCURRENCY worker processes (default: one per core, plus one),
WEB_THREADS threads each (default 4: `gthread` workers, so keep-alive connections and a worker
waiting on PostgreSQL or Redis do not hold a whole process; 1 gives plain `sync` workers).
Measured figures behind the defaults: bench/campaign_page.py and platform/README.md.
"""
import multiprocessing
import os

bind = os.environ.get("BIND", f"0.0.0.0:{os.environ.get('PORT', '8000')}")
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() + 1))
threads = int(os.environ.get("WEB_THREADS", "4"))
worker_class = "gthread" if threads > 1 else "sync"
wsgi_app = "config.wsgi"
keepalive = 5  # seconds a keep-alive connection may idle (behind a load balancer that reuses them)
accesslog = os.environ.get("ACCESS_LOG", "-") or None
errorlog = "-"
# A worker is replaced after this many requests (with jitter, so they do not restart together):
# bounds what per-connection catalogue caches and leaks can grow to.
max_requests = int(os.environ.get("WEB_MAX_REQUESTS", "5000"))
max_requests_jitter = max_requests // 10
