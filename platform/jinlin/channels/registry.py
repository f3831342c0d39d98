"""Which adapter serves a person's channel under the current settings."""

from __future__ import annotations

from jinlin.channels.aliyun_sms import AliyunSmsChannel
from jinlin.channels.base import Channel, PermanentFailure
from jinlin.channels.email import EmailChannel
from jinlin.channels.settings import ChannelSettings, channel_settings
from jinlin.channels.sms_gateway import GatewaySmsChannel

PERSON_CHANNELS = ("email", "sms")


def person_channel(name: str, settings: ChannelSettings | None = None) -> Channel:
    s = settings or channel_settings()
    if name == "email":
        return EmailChannel(s)
    if name == "sms":
        if s.sms_provider == "aliyun":
            return AliyunSmsChannel(s)
        if s.sms_provider == "gateway":
            return GatewaySmsChannel(s)
        raise PermanentFailure("SMS is not configured (JINLIN_SMS_PROVIDER)")
    raise PermanentFailure(f"unknown channel {name}")


def enabled_channels(settings: ChannelSettings | None = None) -> list[str]:
    s = settings or channel_settings()
    return [c for c, on in (("email", s.email_enabled), ("sms", s.sms_enabled)) if on]
