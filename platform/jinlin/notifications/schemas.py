"""Request and response shapes of the notification and delivery API."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

import msgspec
from msgspec import Meta

from jinlin.core.schemas import Body

Channel = Literal["email", "sms"]


class KindChoice(Body):
    kind: Annotated[str, Meta(min_length=1, max_length=40)]
    channels: Annotated[list[Channel], Meta(max_length=2)]
    digest: bool = False


class PreferencesIn(Body):
    kinds: Annotated[list[KindChoice], Meta(max_length=100)] = []
    quiet_hours: bool | None = None


class KindChoiceOut(msgspec.Struct):
    kind: str
    label: str
    channels: list[str]
    digest: bool
    chosen: bool


class PreferencesOut(msgspec.Struct):
    kinds: list[KindChoiceOut]
    quiet_hours: bool
    available_channels: list[str]


class ContactIn(Body):
    channel: Channel
    address: Annotated[str, Meta(min_length=1, max_length=120)]


class VerifyIn(Body):
    channel: Channel
    code: Annotated[str, Meta(min_length=1, max_length=12)]


class ContactOut(msgspec.Struct):
    id: int
    channel: str
    address: str  # masked
    verified: bool


class DeliveryOut(msgspec.Struct):
    id: int
    kind: str
    label: str
    channel: str
    recipient: str  # masked
    status: str
    attempts: int
    provider_id: str
    error: str
    created_at: datetime
    sent_at: datetime | None


class ChannelStats(msgspec.Struct):
    channel: str
    counts: dict[str, int]
    total: int


class DeliveryStatsOut(msgspec.Struct):
    channels: list[ChannelStats]
    failures: list[DeliveryOut]


class UnsubscribeIn(Body):
    token: Annotated[str, Meta(min_length=1, max_length=200)]


class UnsubscribeOut(msgspec.Struct):
    kind: str
    label: str
    channel: str


class RobotIn(Body):
    kind: Literal["wecom", "dingtalk", "feishu"]
    token: Annotated[str, Meta(min_length=1, max_length=200)]
    secret: Annotated[str, Meta(max_length=200)] = ""
    kinds: Annotated[list[Annotated[str, Meta(max_length=40)]], Meta(max_length=50)] = []


class RobotOut(msgspec.Struct):
    id: int
    organization_id: int
    kind: str
    token_hint: str
    signed: bool
    kinds: list[str]
    active: bool
    created_at: datetime
