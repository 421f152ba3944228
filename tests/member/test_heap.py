"""The app freezes its start-up objects out of garbage collection (mypage/heap.py)."""

from __future__ import annotations

import gc

import mypage.mypage
from mypage import heap


def test_freeze_keeps_the_objects_of_start_up_out_of_collections():
    try:
        heap.freeze()
        frozen = gc.get_freeze_count()
        assert frozen > 10_000  # the app imported above, at least
        garbage = [[] for _ in range(1000)]
        del garbage
        gc.collect()
        assert gc.get_freeze_count() == frozen  # later objects are collected as before
    finally:
        gc.unfreeze()


def test_the_app_freezes_when_it_starts():
    assert heap.freeze in mypage.mypage.app._lifespan_tasks
