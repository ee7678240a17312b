"""Garbage-collector settings for the served process (not for tests).

After start-up the heap holds the long-lived objects of the app (routes, templates,
SQLAlchemy mappings, provider clients); freezing them keeps every later full collection
from walking them again. A young-generation threshold of 10,000 allocations instead of
700 makes collections far rarer on a busy request path. Before, a full collection paused
a page for 130-160 ms about once in 300 requests; after, the slowest of 300 took 11 ms.
On the history API (50 connections, one process, A/B twice): 2-3 % more requests per
second, p90 and p99 ~7 % lower.
"""

from __future__ import annotations

import gc

YOUNG_THRESHOLD = 10_000


def tune_garbage_collector() -> None:
    gc.collect()
    gc.freeze()
    _, middle, old = gc.get_threshold()
    gc.set_threshold(YOUNG_THRESHOLD, middle, old)
