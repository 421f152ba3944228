"""A worker's long-lived objects, frozen once the app is up, so that garbage collection stays cheap.

MyPage's compiled pages, components and state classes keep about 160,000 objects alive for
the life of a worker. Python's full (generation 2) collection walks every tracked object:
measured at 0.7–1.5 s on the development machine under load, and while it runs the worker's
event loop answers nobody, which made the slowest events of `bench_load`. `gc.freeze()`
moves what exists at start-up into a permanent generation that collections skip; what the
tabs and events create later is collected as before.
"""

from __future__ import annotations

import gc
import logging

log = logging.getLogger("mypage.heap")


def freeze() -> None:
    """Collect once, then keep everything that is left out of later collections (at start-up)."""
    gc.collect()
    gc.freeze()
    log.info("froze %d objects out of garbage collection", gc.get_freeze_count())
