"""gunicorn settings for production: `gunicorn wsgi:app` reads this file.

The access log records the path without its query string (%(U)s): OIDC
callbacks carry an authorization code there, and no token or id may reach
the logs.
"""

import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
# Two single-threaded worker processes per core. A request is mostly Python
# (templates, the ORM), so a second thread in a process only waits for the
# GIL and lengthens the tail: on the 2-core test machine (bench/pages.py,
# 32 connections, 2,000 households, 2 December 2026), 4 workers x 1 thread
# kept the req/s of /score, /household and /me of 5 x 2 (280/298/326 against
# 277/302/321, and 274/300/329 against 244/208/183 in a second pass) and cut
# their p95 from 171/193/126 ms (up to 312/257/214) to 122/114/106 ms.
# The proxy in front (README) buffers slow clients, so a single-threaded
# worker is never held by one.
workers = int(os.environ.get("GUNICORN_WORKERS", multiprocessing.cpu_count() * 2))
threads = int(os.environ.get("GUNICORN_THREADS", "1"))
timeout = 30
graceful_timeout = 30
accesslog = "-"
access_log_format = '%(h)s "%(m)s %(U)s" %(s)s %(B)s %(M)sms'
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
