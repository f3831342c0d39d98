"""Settings: one frozen object read once from ``JINLIN_*`` environment variables."""

from __future__ import annotations

import base64
import binascii
import ipaddress
import os
import secrets
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from urllib.parse import urlparse

REPO_ROOT = Path(__file__).resolve().parents[3]
LOCALES = ("zh_CN", "en")
# docker-compose.yml's placeholder: a server started with it would sign sessions with a public secret.
DEFAULT_COMPOSE_SECRET = "change-me-to-a-long-random-secret-of-48-chars"


class SettingsError(ValueError):
    """A ``JINLIN_*`` variable holds a malformed value; the message names it."""


@dataclass(frozen=True, slots=True)
class Settings:
    database_url: str
    redis_url: str | None
    secret_key: str
    locale: str
    var_dir: Path
    debug: bool
    match_run_fanout_threshold: int
    login_attempts_per_minute: int
    trusted_proxies: tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...] = ()
    secure_cookies: bool = False
    time_zone: str = "Asia/Shanghai"
    report_photo_dir: Path = REPO_ROOT / "var" / "report-photos"
    report_reminder_shares: tuple[float, ...] = (0.5, 0.9)
    # Seconds a running matching run (or one of its fan-out parts) may go without a heartbeat before the
    # reaper takes it for dead and hands it to another worker (or fails it after a few attempts).
    run_reaper_bound_s: int = 120
    pii_keys: tuple[bytes, ...] = ()  # AES-256-GCM keys for residents' records; the first encrypts
    pii_hash_key: bytes = b""  # HMAC-SHA256 key for exact-match search (ID numbers)
    pii_retention_days: int = 1095  # personal fields of moved-out residents are cleared after this
    # An upload with more data rows than this is imported as a background job (202 and a progress page).
    import_background_rows: int = 2000
    # Imports one account may start per hour (its own token bucket; a refused one answers 429).
    imports_per_hour: int = 30

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite:")

    @property
    def sqlite_path(self) -> Path:
        """``sqlite:///rel`` is relative to the working directory, ``sqlite:////abs`` absolute."""
        return Path(self.database_url.removeprefix("sqlite:///"))

    @property
    def celery_eager(self) -> bool:
        return self.redis_url is None


def _check_database_url(value: str) -> str:
    if value.startswith("sqlite:///"):
        if not value.removeprefix("sqlite:///"):
            raise SettingsError("JINLIN_DATABASE_URL: an sqlite URL needs a file path (sqlite:///var/jinlin.db)")
        return value
    parsed = urlparse(value)
    if parsed.scheme in ("postgresql", "postgres") and parsed.hostname and parsed.path.strip("/"):
        return value
    raise SettingsError(
        "JINLIN_DATABASE_URL: expected sqlite:///relative/path, sqlite:////absolute/path "
        f"or postgresql://user:pass@host:port/db, got {value!r}"
    )


def _check_redis_url(value: str) -> str:
    parsed = urlparse(value)
    if parsed.scheme not in ("redis", "rediss") or not parsed.hostname:
        raise SettingsError(f"JINLIN_REDIS_URL: expected redis://host:port/db, got {value!r}")
    try:
        parsed.port  # noqa: B018 - raises on a malformed port
    except ValueError as exc:
        raise SettingsError(f"JINLIN_REDIS_URL: bad port in {value!r}") from exc
    return value


def _int(env: dict[str, str], name: str, default: int, minimum: int = 1) -> int:
    raw = env.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError as exc:
        raise SettingsError(f"{name}: expected a whole number, got {raw!r}") from exc
    if value < minimum:
        raise SettingsError(f"{name}: must be at least {minimum}, got {value}")
    return value


def _shares(env: dict[str, str], name: str, default: tuple[float, ...]) -> tuple[float, ...]:
    """Comma-separated fractions of a deadline, each strictly between 0 and 1 ("0.5,0.9")."""
    raw = env.get(name)
    if not raw:
        return default
    try:
        values = tuple(sorted({float(part) for part in raw.split(",") if part.strip()}))
    except ValueError as exc:
        raise SettingsError(f"{name}: expected fractions like 0.5,0.9, got {raw!r}") from exc
    if not values or not all(0 < v < 1 for v in values):
        raise SettingsError(f"{name}: each share must lie strictly between 0 and 1, got {raw!r}")
    return values


def _secret_key(env: dict[str, str], var_dir: Path) -> str:
    value = env.get("JINLIN_SECRET_KEY")
    if value is not None:
        if len(value) < 32:
            raise SettingsError("JINLIN_SECRET_KEY: must be at least 32 characters")
        if value == DEFAULT_COMPOSE_SECRET:
            raise SettingsError("JINLIN_SECRET_KEY: still docker-compose.yml's placeholder; set a random secret")
        return value
    # Kept under var/ so sessions survive restarts of the embedded shape.
    key_file = var_dir / "secret_key"
    if key_file.exists():
        return key_file.read_text().strip()
    var_dir.mkdir(parents=True, exist_ok=True)
    value = secrets.token_urlsafe(48)
    key_file.write_text(value)
    key_file.chmod(0o600)
    return value


def _flag(env: dict[str, str], name: str, default: bool = False) -> bool:
    raw = (env.get(name) or ("1" if default else "0")).lower()
    if raw not in ("0", "1", "true", "false", "yes", "no"):
        raise SettingsError(f"{name}: expected 0 or 1, got {raw!r}")
    return raw in ("1", "true", "yes")


def _proxies(env: dict[str, str]) -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]:
    """Addresses whose X-Forwarded-For is believed (none by default: anyone can send the header)."""
    raw = env.get("JINLIN_TRUSTED_PROXIES") or ""
    try:
        return tuple(ipaddress.ip_network(p.strip(), strict=False) for p in raw.split(",") if p.strip())
    except ValueError as exc:
        raise SettingsError(
            f"JINLIN_TRUSTED_PROXIES: expected addresses or networks separated by commas ({exc})"
        ) from exc


def _time_zone(env: dict[str, str]) -> str:
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    value = env.get("JINLIN_TIME_ZONE") or "Asia/Shanghai"
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise SettingsError(f"JINLIN_TIME_ZONE: unknown time zone {value!r}") from exc
    return value


def _decode_key(name: str, text: str) -> bytes:
    try:
        key = base64.urlsafe_b64decode(text.strip() + "=" * (-len(text.strip()) % 4))
    except (binascii.Error, ValueError) as exc:
        raise SettingsError(f"{name}: expected URL-safe base64 of 32 random bytes") from exc
    if len(key) != 32:
        raise SettingsError(f"{name}: expected URL-safe base64 of 32 random bytes, got {len(key)} bytes")
    return key


def _keys_from_var(var_dir: Path, filename: str) -> str:
    """The embedded shape's key, generated once under var/ (docker-compose never relies on this)."""
    key_file = var_dir / filename
    if key_file.exists():
        return key_file.read_text().strip()
    var_dir.mkdir(parents=True, exist_ok=True)
    value = base64.urlsafe_b64encode(secrets.token_bytes(32)).decode()
    key_file.write_text(value + "\n")
    key_file.chmod(0o600)
    return value


def _pii_keys(env: dict[str, str], var_dir: Path) -> tuple[bytes, ...]:
    """``JINLIN_PII_KEY``: one key, or several comma-separated (the first encrypts, the rest only decrypt)."""
    raw = env.get("JINLIN_PII_KEY") or _keys_from_var(var_dir, "pii_key")
    keys = tuple(_decode_key("JINLIN_PII_KEY", part) for part in raw.replace("\n", ",").split(",") if part.strip())
    if not keys:
        raise SettingsError("JINLIN_PII_KEY: expected URL-safe base64 of 32 random bytes")
    return keys


def load_settings(env: dict[str, str] | None = None) -> Settings:
    """Build settings from ``env`` (default: the process environment); raise SettingsError by name."""
    env = dict(os.environ if env is None else env)
    var_dir = Path(env.get("JINLIN_VAR_DIR") or REPO_ROOT / "var")
    database_url = _check_database_url(env.get("JINLIN_DATABASE_URL") or f"sqlite:///{var_dir / 'jinlin.db'}")
    redis_raw = env.get("JINLIN_REDIS_URL") or None
    locale = env.get("JINLIN_LOCALE") or "zh_CN"
    if locale not in LOCALES:
        raise SettingsError(f"JINLIN_LOCALE: expected one of {', '.join(LOCALES)}, got {locale!r}")
    debug_raw = (env.get("JINLIN_DEBUG") or "0").lower()
    if debug_raw not in ("0", "1", "true", "false", "yes", "no"):
        raise SettingsError(f"JINLIN_DEBUG: expected 0 or 1, got {debug_raw!r}")
    return Settings(
        database_url=database_url,
        redis_url=_check_redis_url(redis_raw) if redis_raw else None,
        secret_key=_secret_key(env, var_dir),
        locale=locale,
        var_dir=var_dir,
        debug=debug_raw in ("1", "true", "yes"),
        match_run_fanout_threshold=_int(env, "JINLIN_MATCH_FANOUT_THRESHOLD", 5000),
        login_attempts_per_minute=_int(env, "JINLIN_LOGIN_ATTEMPTS_PER_MINUTE", 5),
        trusted_proxies=_proxies(env),
        secure_cookies=_flag(env, "JINLIN_SECURE_COOKIES"),
        time_zone=_time_zone(env),
        report_photo_dir=Path(env.get("JINLIN_REPORT_PHOTO_DIR") or var_dir / "report-photos"),
        report_reminder_shares=_shares(env, "JINLIN_REPORT_REMINDER_SHARES", (0.5, 0.9)),
        run_reaper_bound_s=_int(env, "JINLIN_RUN_REAPER_BOUND_S", 120, minimum=2),
        pii_keys=_pii_keys(env, var_dir),
        pii_hash_key=_decode_key(
            "JINLIN_PII_HASH_KEY", env.get("JINLIN_PII_HASH_KEY") or _keys_from_var(var_dir, "pii_hash_key")
        ),
        pii_retention_days=_int(env, "JINLIN_PII_RETENTION_DAYS", 1095),
        import_background_rows=_int(env, "JINLIN_IMPORT_BACKGROUND_ROWS", 2000),
        imports_per_hour=_int(env, "JINLIN_IMPORTS_PER_HOUR", 30, minimum=1),
    )


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return load_settings()
