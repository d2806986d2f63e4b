"""What `mo serve` loads before its first answer: only what that answer needs.

Every module imported at start-up costs start-up time (the target is the first
GraphQL answer within 1.5 s of the launch), so the ones only some requests or
other commands need are imported where they are used. These tests fail when a
top-level import brings one of them back.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

#: Modules a local-mode server on SQLite must not have loaded once it is ready,
#: and who needs them instead.
DEFERRED = {
    "aio_pika": "mo relay",
    "keycloak": "an identity provider (MO_KEYCLOAK_URL)",
    "jwcrypto": "an identity provider (MO_KEYCLOAK_URL)",
    "psycopg": "PostgreSQL",
    "alembic": "migrations (mo db upgrade, mo serve --upgrade)",
    "prometheus_client": "GET /metrics and mo relay",
    "cryptography": "the first CPR number sealed or opened",
    "strawberry.http.ides": "GET /graphql (GraphiQL)",
    "mo.sample": "mo load-sample",
}

#: Starts the app (its lifespan: schema, engine, authenticator) on a new SQLite
#: file in local mode, then prints which of the modules named in argv are loaded.
STARTED = """
import asyncio, json, sys
from mo.app import create_app
from mo.config import Settings

app = create_app(Settings(database_url=sys.argv[1], keycloak_url=None))

async def start() -> None:
    async with app.router.lifespan_context(app):
        pass

asyncio.run(start())
print(json.dumps(sorted(name for name in sys.argv[2:] if name in sys.modules)))
"""


def loaded_after_start_up(database_url: str, modules: list[str]) -> list[str]:
    out = subprocess.run(
        [sys.executable, "-c", STARTED, database_url, *modules], cwd=ROOT, capture_output=True, text=True, check=True
    )
    return list(json.loads(out.stdout.strip().splitlines()[-1]))


def test_start_up_on_sqlite_loads_none_of_the_deferred_modules(tmp_path: Path) -> None:
    loaded = loaded_after_start_up(f"sqlite+aiosqlite:///{tmp_path / 'mo.sqlite'}", list(DEFERRED))
    assert not loaded, {name: f"only needed by {DEFERRED[name]}" for name in loaded}


def test_cpr_numbers_still_seal_and_open_once_the_cipher_is_loaded() -> None:
    from mo.security.cpr import decrypt, encrypt, new_key_entry, parse_ring

    keys = parse_ring(new_key_entry("k9"))
    sealed = encrypt("0101011234", keys)
    assert sealed.startswith("k9$") and "0101011234" not in sealed
    assert decrypt(sealed, keys) == "0101011234"
    assert encrypt("0101011234", keys) != sealed  # a fresh nonce every time
