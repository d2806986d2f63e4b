"""The code ``dataclasses`` compiles for the schema's classes, kept between starts.

Every strawberry type and input is a dataclass, and ``dataclasses`` makes each
class's ``__init__``, ``__repr__`` and ``__eq__`` (and a frozen class's
``__setattr__``, ``__delattr__`` and ``__hash__``) by writing their Python source
and compiling it. For the ~450 dataclasses ``mo serve`` defines before its first
answer (ours, graphql-core's and pydantic's), compiling was about an eighth of the
start-up: 0.59 of 4.97 billion instructions under callgrind. The source depends
only on the fields, so its code can be kept as Python keeps a module's bytecode in
``__pycache__``.

:func:`install` gives ``dataclasses`` an ``exec`` of its own (a module global
shadows the builtin) that takes the code compiled from the same text from this
cache, else compiles the text itself as the builtin would: with the file name
``<string>`` and none of this module's ``__future__`` flags. The text is the key,
so a changed class is only a miss. Nothing else about ``dataclasses`` changes.

:func:`save` writes the cache next to this module's bytecode: ``mo warm`` does
(``scripts/bootstrap.sh`` and the image build run it), and so does a start that
compiled something new, unless bytecode writing is off (``PYTHONDONTWRITEBYTECODE``).
``MO_DATACLASS_CACHE=0`` leaves ``dataclasses`` alone.
"""

from __future__ import annotations

import builtins
import contextlib
import dataclasses
import marshal
import os
import sys
from importlib.util import MAGIC_NUMBER
from pathlib import Path
from types import CodeType
from typing import Any

PATH = Path(__file__).resolve().parent / "__pycache__" / f"dataclasses.{sys.implementation.cache_tag}.marshal"
"""The cache file: this interpreter's bytecode version first, then a marshalled ``{source: code}``."""


class Cache:
    """Code by source text: ``loaded`` from the file, ``used`` by this process."""

    def __init__(self, path: Path | None) -> None:
        self.path = path
        self.loaded = load(path) if path is not None else {}
        self.used: dict[str, CodeType] = {}
        self.compiled = 0
        """How many texts this process had to compile (0: a warm start)."""

    def exec(self, source: Any, globals: Any = None, locals: Any = None, /, **kwargs: Any) -> None:  # noqa: A002
        if not isinstance(source, str) or globals is None:
            # not what dataclasses does; the builtin, in the caller's namespaces as it would
            if globals is None:
                caller = sys._getframe(1)  # noqa: SLF001
                globals, locals = caller.f_globals, caller.f_locals if locals is None else locals  # noqa: A001
            return builtins.exec(source, globals, locals, **kwargs)
        code = self.used.get(source) or self.loaded.get(source)
        if code is None:
            code = compile(source, "<string>", "exec", dont_inherit=True)
            self.compiled += 1
        self.used[source] = code
        return builtins.exec(code, globals, locals, **kwargs)

    def save(self, *, prune: bool = False) -> bool:
        """Write the code used (with ``prune``) or known (without) to the file; False
        when there is no file or it cannot be written."""
        if self.path is None:
            return False
        codes = self.used if prune else {**self.loaded, **self.used}
        temporary = self.path.with_name(f"{self.path.name}.{os.getpid()}.tmp")
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            temporary.write_bytes(MAGIC_NUMBER + marshal.dumps(codes))
            os.replace(temporary, self.path)
        except OSError:
            with contextlib.suppress(OSError):
                temporary.unlink(missing_ok=True)
            return False
        self.loaded = dict(codes)
        return True


def load(path: Path) -> dict[str, CodeType]:
    """The cache in ``path``; empty when it is missing, unreadable, of another
    bytecode version or not a cache."""
    try:
        data = path.read_bytes()
    except OSError:
        return {}
    if not data.startswith(MAGIC_NUMBER):
        return {}
    try:
        codes = marshal.loads(data[len(MAGIC_NUMBER) :])
    except (EOFError, ValueError, TypeError):
        return {}
    if not isinstance(codes, dict):
        return {}
    return {source: code for source, code in codes.items() if isinstance(source, str) and isinstance(code, CodeType)}


_CACHE: Cache | None = None


def install(path: Path | None = PATH) -> Cache | None:
    """Make ``dataclasses`` compile through a cache read from ``path`` (None: kept in
    memory only); the cache, or None when ``MO_DATACLASS_CACHE=0``. Installing again
    returns the cache already installed."""
    global _CACHE  # noqa: PLW0603
    if os.environ.get("MO_DATACLASS_CACHE", "1") == "0":
        return None
    if _CACHE is None:
        _CACHE = Cache(path)
        dataclasses.exec = _CACHE.exec  # type: ignore[attr-defined]
    return _CACHE


def uninstall() -> None:
    """Give ``dataclasses`` the builtin ``exec`` back."""
    global _CACHE  # noqa: PLW0603
    if _CACHE is not None and getattr(dataclasses, "exec", None) == _CACHE.exec:
        del dataclasses.exec  # type: ignore[attr-defined]
    _CACHE = None


def save() -> bool:
    """After start-up: keep what this start compiled, if it compiled anything and
    bytecode may be written."""
    if _CACHE is None or not _CACHE.compiled or sys.dont_write_bytecode:
        return False
    return _CACHE.save()
