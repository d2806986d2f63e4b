"""CPR numbers at rest: encrypted with AES-GCM, found through a keyed hash.

Keys come from ``MO_CPR_KEYS``: comma-separated ``id:base64key`` entries (32-byte
keys), the first one current. Without it, a key is generated once into
``var/cpr.key`` so that a local installation works out of the box.

A stored value is ``<key id>$<base64(nonce || ciphertext)>``, so values encrypted
under an older key still decrypt while it stays in the ring. Look-ups and
uniqueness use ``HMAC-SHA256`` under a key derived from the current key, so the
database never holds a CPR number in clear text, not even in an index.

Rotation: put a new key first in ``MO_CPR_KEYS`` (keep the old one after it), then
run ``mo cpr-rotate``, which re-encrypts and re-hashes every stored value in one
transaction; then the old key can be removed.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import secrets
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

LOCAL_KEY_FILE = Path("var/cpr.key")


class CPRKeyError(RuntimeError):
    """The key ring is missing or malformed, or a value was encrypted under an unknown key."""


@dataclass(frozen=True, slots=True)
class KeyRing:
    keys: tuple[tuple[str, bytes], ...]

    @property
    def current(self) -> tuple[str, bytes]:
        return self.keys[0]

    def key(self, key_id: str) -> bytes:
        for candidate, key in self.keys:
            if candidate == key_id:
                return key
        raise CPRKeyError(f"a CPR number is encrypted under key {key_id!r}, which is not in MO_CPR_KEYS")

    def hash_key(self) -> bytes:
        return _hash_key(self.current[1])


@lru_cache(maxsize=4)
def _hash_key(key: bytes) -> bytes:
    return hmac.new(key, b"mo cpr lookup v1", hashlib.sha256).digest()


def parse_ring(spec: str) -> KeyRing:
    keys = []
    for entry in (part.strip() for part in spec.split(",") if part.strip()):
        key_id, sep, encoded = entry.partition(":")
        if not sep or not key_id or "$" in key_id:
            raise CPRKeyError("MO_CPR_KEYS entries are id:base64key, separated by commas")
        key = base64.b64decode(encoded)
        if len(key) != 32:
            raise CPRKeyError(f"CPR key {key_id!r} must be 32 bytes (base64 of 32 random bytes)")
        keys.append((key_id, key))
    if not keys:
        raise CPRKeyError("MO_CPR_KEYS is empty")
    return KeyRing(tuple(keys))


def new_key_entry(key_id: str = "k1") -> str:
    return f"{key_id}:{base64.b64encode(secrets.token_bytes(32)).decode()}"


@lru_cache
def ring() -> KeyRing:
    spec = os.environ.get("MO_CPR_KEYS")
    if spec:
        return parse_ring(spec)
    if not LOCAL_KEY_FILE.exists():
        LOCAL_KEY_FILE.parent.mkdir(parents=True, exist_ok=True)
        LOCAL_KEY_FILE.write_text(new_key_entry() + "\n", encoding="ascii")
        LOCAL_KEY_FILE.chmod(0o600)
    return parse_ring(LOCAL_KEY_FILE.read_text(encoding="ascii"))


@lru_cache(maxsize=16)
def _cipher(key: bytes) -> AESGCM:
    """The AES-GCM cipher of ``key``, made once per key.

    ``cryptography`` is imported here, on the first CPR number sealed or opened,
    rather than when the tables are defined: ``mo serve`` need not load it
    (~7 ms) before its first answer.
    """
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    return AESGCM(key)


def encrypt(number: str, keys: KeyRing | None = None) -> str:
    key_id, key = (keys or ring()).current
    nonce = secrets.token_bytes(12)
    sealed = _cipher(key).encrypt(nonce, number.encode(), key_id.encode())
    return f"{key_id}${base64.b64encode(nonce + sealed).decode()}"


def decrypt(stored: str, keys: KeyRing | None = None) -> str:
    key_id, sep, payload = stored.partition("$")
    if not sep:
        raise CPRKeyError("a stored CPR number is not in the encrypted form")
    raw = base64.b64decode(payload)
    key = (keys or ring()).key(key_id)
    return _cipher(key).decrypt(raw[:12], raw[12:], key_id.encode()).decode()


def lookup_hash(number: str, keys: KeyRing | None = None) -> str:
    mac = _lookup_mac((keys or ring()).hash_key()).copy()
    mac.update(number.encode())
    return mac.hexdigest()


@lru_cache(maxsize=4)
def _lookup_mac(hash_key: bytes) -> hmac.HMAC:
    """The lookup hash's HMAC with its key set up, copied for each number (a person
    page by CPR hashes one number per request)."""
    return hmac.new(hash_key, digestmod=hashlib.sha256)
