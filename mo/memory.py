"""Giving memory back to the operating system after large answers.

A large answer (the 10k-person page) makes hundreds of thousands of objects,
many in reference cycles that wait for the collector (paused while requests
run, ``mo.graphapi.view.collector_paused``), and the memory they free stays in
the allocator's arenas. ``release()`` collects them and asks glibc to return
its free pages (``malloc_trim``); ``mo.graphapi.view`` runs it after an answer
over ``LARGE_ANSWER`` bytes, once no request is in flight.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import gc
from collections.abc import Callable
from functools import cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sqlalchemy import Engine

LARGE_ANSWER = 256 * 1024
"""Answers at least this large (bytes of JSON) are followed by ``release()``: a
list of ~3,000 units with their names, or ~1,000 persons with engagements."""


@cache
def _malloc_trim() -> Callable[[int], int] | None:
    """glibc's ``malloc_trim``; None on other C libraries (musl, macOS)."""
    name = ctypes.util.find_library("c")
    if name is None:
        return None
    try:
        trim = ctypes.CDLL(name).malloc_trim
    except (OSError, AttributeError):
        return None
    trim.argtypes = [ctypes.c_size_t]
    trim.restype = ctypes.c_int
    return trim


def release(engine: Engine | None = None) -> bool:
    """Collect unreachable cycles and return free heap pages to the OS.

    With ``engine``, its cache of compiled statements is emptied first: a cached
    statement keeps the statement it was compiled from, with the values bound
    to it (the uuids of a 10k page), and those few survivors among the freed
    objects keep whole allocator arenas from being returned. The statements are
    compiled again on first use (about a millisecond each).

    Takes a full collection (~0.1–0.3 s after a 10k-person page, less for
    smaller answers: the modules and schema are frozen, ``mo.app.prepare_schema``).
    Returns whether glibc gave memory back.
    """
    if engine is not None:
        engine.clear_compiled_cache()
    gc.collect()
    trim = _malloc_trim()
    return bool(trim(0)) if trim is not None else False
