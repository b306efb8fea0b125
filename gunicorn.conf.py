"""Settings gunicorn reads from the project folder it is started in (its default
``./gunicorn.conf.py``); anything given on the command line still wins."""

from __future__ import annotations

import gc

# A page builds tens of thousands of short-lived objects (rows, template contexts). With
# Python's default threshold (700) the collector runs many times per page, and each full
# collection walks every object of the loaded app: under benchmarks/run.py the results
# page served 86 requests a second with the defaults and 120 with these settings.
GC_THRESHOLDS = (50_000, 20, 20)


def post_worker_init(worker) -> None:
    """Once the app is loaded in a worker: its modules, templates and compiled queries
    live as long as the worker, so keep them out of every collection, and collect the
    youngest objects less often."""
    gc.freeze()
    gc.set_threshold(*GC_THRESHOLDS)
