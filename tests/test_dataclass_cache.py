"""The dataclass code cache (mo.dataclass_cache): the same classes as ``dataclasses``
makes itself, nothing compiled on a warm start, and a damaged or unwritable cache
file costs only the compiling."""

from __future__ import annotations

import dataclasses
import inspect
import json
import marshal
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from mo import dataclass_cache
from mo.dataclass_cache import MAGIC_NUMBER, Cache, install, load, uninstall

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def stock() -> Iterator[None]:
    """``dataclasses`` as it ships for the test; the suite's cache (conftest) after it."""
    before = dataclass_cache._CACHE
    uninstall()
    yield
    uninstall()
    if before is not None:
        dataclass_cache._CACHE = before
        dataclasses.exec = before.exec  # type: ignore[attr-defined]


def define() -> dict[str, type]:
    """Classes that between them make every method dataclasses writes."""

    @dataclasses.dataclass
    class Plain:
        name: str
        tags: list[str] = dataclasses.field(default_factory=list)
        size: int = 3

    @dataclasses.dataclass(frozen=True, order=True)
    class Frozen:
        a: int
        b: str = "b"

    @dataclasses.dataclass(kw_only=True, slots=True)
    class KeywordsOnly:
        self: int  # a field named self: the methods' own first parameter is renamed
        other: Any = None

    @dataclasses.dataclass(unsafe_hash=True, repr=False)
    class Hashed:
        x: float
        y: float = dataclasses.field(default=0.0, compare=False)

        def __post_init__(self) -> None:
            self.x = float(self.x)

    return {cls.__name__: cls for cls in (Plain, Frozen, KeywordsOnly, Hashed)}


def behaviour(classes: dict[str, type]) -> dict[str, Any]:
    """What the generated methods do, in plain values."""
    Plain, Frozen, KeywordsOnly, Hashed = (classes[n] for n in ("Plain", "Frozen", "KeywordsOnly", "Hashed"))
    frozen = Frozen(1)
    try:
        frozen.a = 2  # type: ignore[misc]
        assigned = "assigned"
    except dataclasses.FrozenInstanceError as error:
        assigned = str(error)
    return {
        "signatures": {name: str(inspect.signature(cls)) for name, cls in classes.items()},
        # the annotations of __init__ are the fields' types: none of the cache module's
        # `from __future__ import annotations` may reach the code it compiles
        "init_annotations": {name: inspect.get_annotations(cls.__init__) for name, cls in classes.items()},
        "docs": {name: cls.__doc__ for name, cls in classes.items()},
        "repr": [repr(Plain("p")), repr(Frozen(1, "c")), repr(KeywordsOnly(self=5))],
        "eq": [Plain("p") == Plain("p"), Plain("p") == Plain("q"), Hashed(1, 2) == Hashed(1, 3)],
        "order": [Frozen(1) < Frozen(2), Frozen(2, "a") <= Frozen(1, "z")],
        "hash": [hash(Frozen(1)) == hash(Frozen(1)), hash(Hashed(2)) == hash(Hashed(2.0, 9))],
        "post_init": type(Hashed(3).x).__name__,
        "frozen": assigned,
        "defaults": [Plain("p").tags is not Plain("p").tags, Plain("p").size],
    }


@pytest.mark.usefixtures("stock")
def test_the_classes_are_the_ones_dataclasses_makes_itself() -> None:
    expected = behaviour(define())
    cache = install(None)
    assert cache is not None
    assert behaviour(define()) == expected
    assert cache.compiled > 0
    compiled = cache.compiled
    assert behaviour(define()) == expected
    assert cache.compiled == compiled  # the same texts again: nothing more compiled


@pytest.mark.usefixtures("stock")
def test_a_warm_start_compiles_nothing(tmp_path: Path) -> None:
    path = tmp_path / "dataclasses.marshal"
    cache = install(path)
    assert cache is not None and cache.loaded == {}
    expected = behaviour(define())
    assert cache.save(prune=True)
    uninstall()

    warm = install(path)
    assert warm is not None and len(warm.loaded) == len(cache.used) > 0
    assert behaviour(define()) == expected
    assert warm.compiled == 0


@pytest.mark.usefixtures("stock")
def test_a_start_keeps_what_it_compiled_unless_bytecode_is_not_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "dataclasses.marshal"
    path.write_bytes(MAGIC_NUMBER + marshal.dumps({"x = 1": compile("x = 1", "<string>", "exec")}))
    install(path)
    define()
    monkeypatch.setattr(sys, "dont_write_bytecode", True)
    assert not dataclass_cache.save()
    assert set(load(path)) == {"x = 1"}
    monkeypatch.setattr(sys, "dont_write_bytecode", False)
    assert dataclass_cache.save()
    kept = load(path)
    assert "x = 1" in kept and len(kept) > 1  # a start adds to what is there; `mo warm` prunes
    assert not list(tmp_path.glob("*.tmp"))


@pytest.mark.usefixtures("stock")
def test_the_cache_can_be_turned_off(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MO_DATACLASS_CACHE", "0")
    assert install(None) is None
    assert not hasattr(dataclasses, "exec")
    assert not dataclass_cache.save()


@pytest.mark.parametrize(
    "content",
    [
        b"",
        b"not a cache",
        b"\x00\x00\r\n" + marshal.dumps({}),  # another bytecode version
        MAGIC_NUMBER + marshal.dumps({"a": 1})[:-3],  # cut short
        MAGIC_NUMBER + marshal.dumps(["a list"]),
    ],
)
def test_a_damaged_cache_is_an_empty_one(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "dataclasses.marshal"
    path.write_bytes(content)
    assert load(path) == {}


def test_only_code_is_taken_from_a_cache(tmp_path: Path) -> None:
    path = tmp_path / "dataclasses.marshal"
    code = compile("y = 2", "<string>", "exec")
    path.write_bytes(MAGIC_NUMBER + marshal.dumps({"y = 2": code, "z = 3": "not code", 4: code}))
    assert load(path) == {"y = 2": code}
    assert load(tmp_path / "missing") == {}


def test_an_unwritable_cache_is_not_an_error(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("a file where the cache's folder would be")
    cache = Cache(blocker / "__pycache__" / "dataclasses.marshal")
    cache.exec("v = 1", {})
    assert cache.compiled == 1
    assert not cache.save()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["file"]


def test_what_is_not_a_dataclass_source_runs_as_the_builtin_runs_it() -> None:
    cache = Cache(None)
    namespace: dict[str, Any] = {}
    cache.exec(compile("w = 4", "<string>", "exec"), namespace)
    assert namespace["w"] == 4 and cache.compiled == 0
    local = 5  # noqa: F841 - read by the executed text through the caller's namespaces
    cache.exec("seen = local")  # no namespaces: the caller's, as the builtin uses them
    assert cache.compiled == 0


#: Builds the schema with the cache in argv[1], saves it and prints what was compiled
#: and whether the SDL is the committed one.
BUILD = """
import json, sys
from pathlib import Path
from mo import dataclass_cache
cache = dataclass_cache.install(Path(sys.argv[1]))
import uvicorn
from mo.app import prepare_schema
from mo.graphapi.schema import sdl
prepare_schema()
cache.save(prune=True)
committed = (Path.cwd() / "graphql" / "schema.graphql").read_text()
print(json.dumps({"compiled": cache.compiled, "same_sdl": sdl() == committed}))
"""


def test_the_schema_built_from_a_warm_cache_is_the_committed_one(tmp_path: Path) -> None:
    def build() -> dict[str, Any]:
        out = subprocess.run(
            [sys.executable, "-c", BUILD, str(tmp_path / "cache.marshal")],
            cwd=ROOT, capture_output=True, text=True, check=True,
        )
        return dict(json.loads(out.stdout.strip().splitlines()[-1]))

    cold, warm = build(), build()
    assert cold["same_sdl"] and warm["same_sdl"]
    assert cold["compiled"] > 400  # the schema's classes and the libraries' under it
    assert warm["compiled"] == 0


def test_mo_warm_with_the_cache_off_compiles_the_bytecode_only() -> None:
    out = subprocess.run(
        [sys.executable, "-m", "mo", "warm"], cwd=ROOT, capture_output=True, text=True, check=True,
        env={**os.environ, "MO_DATACLASS_CACHE": "0"},
    )
    assert "bytecode compiled in mo, bitemporal" in out.stdout
    assert "MO_DATACLASS_CACHE=0: dataclass code not kept" in out.stdout
