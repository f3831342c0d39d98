"""Encryption at rest for personal data and secrets (PIPL: sensitive personal information): residents' records,
stored uploads of imports, delivery robots' secrets.

Values are AES-256-GCM encrypted as ``<key id>:<base64(nonce + ciphertext)>``; the key id says which key of
the keyring (``JINLIN_PII_KEY``) decrypts it, so a rotated keyring still reads old rows until
``jinlin pii rotate-key`` has re-encrypted them. Exact-match search uses a keyed hash (HMAC-SHA256 with a
separate key), so the database never holds an ID number in clear, nor an unkeyed hash one could brute-force.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
from dataclasses import dataclass

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM


class UndecryptableValue(Exception):
    """A stored value no key of the keyring opens (the message never includes the value)."""


def key_id(key: bytes) -> str:
    return hashlib.sha256(b"jinlin-pii-key-id" + key).hexdigest()[:8]


@dataclass(frozen=True, slots=True)
class Keyring:
    keys: tuple[bytes, ...]
    hash_key: bytes

    @property
    def current_id(self) -> str:
        return key_id(self.keys[0])

    def encrypt(self, text: str) -> str:
        """'' stays '' (an absent value is not a secret); anything else is sealed with the current key."""
        if not text:
            return ""
        nonce = os.urandom(12)
        sealed = AESGCM(self.keys[0]).encrypt(nonce, text.encode(), self.current_id.encode())
        return f"{self.current_id}:{base64.urlsafe_b64encode(nonce + sealed).decode()}"

    def decrypt(self, token: str | None) -> str:
        if not token:
            return ""
        kid, _, body = token.partition(":")
        for key in self.keys:
            if key_id(key) == kid:
                raw = base64.urlsafe_b64decode(body)
                try:
                    return AESGCM(key).decrypt(raw[:12], raw[12:], kid.encode()).decode()
                except InvalidTag as exc:
                    raise UndecryptableValue(f"a value sealed with key {kid} failed its check") from exc
        raise UndecryptableValue(f"no key with id {kid} in JINLIN_PII_KEY")

    def is_current(self, token: str | None) -> bool:
        return not token or token.startswith(self.current_id + ":")

    def search_hash(self, text: str) -> str:
        """The keyed hash of a normalised value ('' for none): equal inputs, equal hashes."""
        value = normalise_id(text)
        if not value:
            return ""
        return hmac.new(self.hash_key, value.encode(), hashlib.sha256).hexdigest()


def normalise_id(text: str) -> str:
    """ID numbers as people type them: spaces dropped, the check letter upper-case."""
    return "".join(text.split()).upper()


_override: Keyring | None = None


def keyring() -> Keyring:
    if _override is not None:
        return _override
    from jinlin.core.settings import get_settings

    settings = get_settings()
    return Keyring(settings.pii_keys, settings.pii_hash_key)


def use_keyring(ring: Keyring | None) -> None:
    """Replace the keyring (tests and the rotate command); ``None`` restores the one from settings."""
    global _override
    _override = ring
