"""Channel settings: one frozen object read once from ``JINLIN_*`` variables (documented in docs/notifications.md).

Kept apart from ``core.settings`` because only delivery reads them. Secrets live here and in the
organisations' robot configuration; nothing prints them (``__repr__`` hides them).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from functools import lru_cache

from jinlin.core.settings import SettingsError

TLS_MODES = ("none", "starttls", "ssl")
SMS_PROVIDERS = ("none", "aliyun", "gateway")


@dataclass(frozen=True, slots=True)
class ChannelSettings:
    public_url: str = "http://127.0.0.1:8000"
    timeout_s: float = 10.0
    smtp_host: str = ""
    smtp_port: int = 25
    smtp_user: str = ""
    smtp_password: str = field(default="", repr=False)
    smtp_sender: str = "jinlin@localhost"
    smtp_tls: str = "none"
    sms_provider: str = "none"
    sms_endpoint: str = "https://dysmsapi.aliyuncs.com"
    sms_region: str = "cn-hangzhou"
    sms_access_key_id: str = ""
    sms_access_key_secret: str = field(default="", repr=False)
    sms_sign_name: str = ""
    sms_templates: dict[str, str] = field(default_factory=dict)  # notification kind -> template code
    sms_gateway_url: str = ""
    sms_gateway_token: str = field(default="", repr=False)
    wecom_base_url: str = "https://qyapi.weixin.qq.com"
    dingtalk_base_url: str = "https://oapi.dingtalk.com"
    feishu_base_url: str = "https://open.feishu.cn"
    sms_per_recipient_per_hour: int = 10
    email_per_recipient_per_hour: int = 30
    per_channel_per_minute: int = 600
    digest_hour: int = 8  # China time

    @property
    def email_enabled(self) -> bool:
        return bool(self.smtp_host)

    @property
    def sms_enabled(self) -> bool:
        return self.sms_provider != "none"


def _int(env: dict[str, str], name: str, default: int, lo: int, hi: int) -> int:
    raw = env.get(name) or ""
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError as exc:
        raise SettingsError(f"{name}: expected a whole number, got {raw!r}") from exc
    if not lo <= value <= hi:
        raise SettingsError(f"{name}: must be between {lo} and {hi}, got {value}")
    return value


def _choice(env: dict[str, str], name: str, default: str, choices: tuple[str, ...]) -> str:
    value = env.get(name) or default
    if value not in choices:
        raise SettingsError(f"{name}: expected one of {', '.join(choices)}, got {value!r}")
    return value


def _templates(raw: str) -> dict[str, str]:
    """``kind=CODE,kind=CODE`` (``*=CODE`` for every kind without its own)."""
    out: dict[str, str] = {}
    for part in filter(None, (p.strip() for p in raw.split(","))):
        kind, sep, code = part.partition("=")
        if not sep or not kind.strip() or not code.strip():
            raise SettingsError(f"JINLIN_SMS_TEMPLATES: expected kind=CODE pairs separated by commas, got {part!r}")
        out[kind.strip()] = code.strip()
    return out


def _url(env: dict[str, str], name: str, default: str) -> str:
    value = (env.get(name) or default).rstrip("/")
    if value and not value.startswith(("http://", "https://")):
        raise SettingsError(f"{name}: expected an http:// or https:// URL, got {value!r}")
    return value


def load_channel_settings(env: dict[str, str] | None = None) -> ChannelSettings:
    env = dict(os.environ if env is None else env)
    provider = _choice(env, "JINLIN_SMS_PROVIDER", "none", SMS_PROVIDERS)
    settings = ChannelSettings(
        public_url=_url(env, "JINLIN_PUBLIC_URL", "http://127.0.0.1:8000"),
        timeout_s=float(_int(env, "JINLIN_DELIVERY_TIMEOUT_S", 10, 1, 120)),
        smtp_host=env.get("JINLIN_SMTP_HOST", ""),
        smtp_port=_int(env, "JINLIN_SMTP_PORT", 25, 1, 65535),
        smtp_user=env.get("JINLIN_SMTP_USER", ""),
        smtp_password=env.get("JINLIN_SMTP_PASSWORD", ""),
        smtp_sender=env.get("JINLIN_SMTP_SENDER") or "jinlin@localhost",
        smtp_tls=_choice(env, "JINLIN_SMTP_TLS", "none", TLS_MODES),
        sms_provider=provider,
        sms_endpoint=_url(env, "JINLIN_SMS_ENDPOINT", "https://dysmsapi.aliyuncs.com"),
        sms_region=env.get("JINLIN_SMS_REGION") or "cn-hangzhou",
        sms_access_key_id=env.get("JINLIN_SMS_ACCESS_KEY_ID", ""),
        sms_access_key_secret=env.get("JINLIN_SMS_ACCESS_KEY_SECRET", ""),
        sms_sign_name=env.get("JINLIN_SMS_SIGN_NAME", ""),
        sms_templates=_templates(env.get("JINLIN_SMS_TEMPLATES", "")),
        sms_gateway_url=_url(env, "JINLIN_SMS_GATEWAY_URL", ""),
        sms_gateway_token=env.get("JINLIN_SMS_GATEWAY_TOKEN", ""),
        wecom_base_url=_url(env, "JINLIN_WECOM_BASE_URL", "https://qyapi.weixin.qq.com"),
        dingtalk_base_url=_url(env, "JINLIN_DINGTALK_BASE_URL", "https://oapi.dingtalk.com"),
        feishu_base_url=_url(env, "JINLIN_FEISHU_BASE_URL", "https://open.feishu.cn"),
        sms_per_recipient_per_hour=_int(env, "JINLIN_SMS_PER_RECIPIENT_PER_HOUR", 10, 1, 1000),
        email_per_recipient_per_hour=_int(env, "JINLIN_EMAIL_PER_RECIPIENT_PER_HOUR", 30, 1, 10000),
        per_channel_per_minute=_int(env, "JINLIN_DELIVERY_PER_CHANNEL_PER_MINUTE", 600, 1, 1_000_000),
        digest_hour=_int(env, "JINLIN_DIGEST_HOUR", 8, 0, 23),
    )
    if provider == "aliyun" and not (
        settings.sms_access_key_id and settings.sms_access_key_secret and settings.sms_sign_name
    ):
        raise SettingsError(
            "JINLIN_SMS_PROVIDER=aliyun needs JINLIN_SMS_ACCESS_KEY_ID, "
            "JINLIN_SMS_ACCESS_KEY_SECRET and JINLIN_SMS_SIGN_NAME"
        )
    if provider == "gateway" and not settings.sms_gateway_url:
        raise SettingsError("JINLIN_SMS_PROVIDER=gateway needs JINLIN_SMS_GATEWAY_URL")
    return settings


_override: ChannelSettings | None = None


@lru_cache(maxsize=1)
def _from_env() -> ChannelSettings:
    return load_channel_settings()


def channel_settings() -> ChannelSettings:
    return _override or _from_env()


def override(settings: ChannelSettings | None) -> None:
    """Use ``settings`` instead of the environment's (tests point channels at local servers)."""
    global _override
    _override = settings
