"""The channel interface, the message every adapter sends, and the two ways sending can fail."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any, Protocol

import httpx


@dataclass(frozen=True, slots=True)
class Message:
    """What one recipient gets on one channel: already translated into their language."""

    subject: str
    body: str
    link: str = ""  # absolute URL of the thing the message is about
    unsubscribe_url: str = ""  # absolute URL of the one-step unsubscribe page ("" for robots and codes)
    template: str = ""  # the notification kind: SMS providers need a pre-approved template per kind
    params: dict[str, str] = field(default_factory=dict)  # the template's variables
    locale: str = "zh_CN"


class DeliveryError(Exception):
    """Sending failed. ``str()`` is safe to store: no address, token or secret in it."""


class TemporaryFailure(DeliveryError):
    """Worth retrying later: the provider is down, slow, or throttling us."""


class PermanentFailure(DeliveryError):
    """Retrying will not help: a bad number, a rejected template, a revoked robot."""


class Channel(Protocol):
    name: str

    async def send(self, address: str, message: Message) -> str:
        """Send ``message`` to ``address``; return the provider's id for it (may be "")."""
        ...


class _RedactUrls(logging.Filter):
    """httpx logs every request's URL at INFO; robots carry their token in it (``?key=``, ``?access_token=``,
    ``/hook/<id>``), so logged URLs lose their query and the hook id."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple):
            record.args = tuple(_redact(a) for a in record.args)
        return True


def _redact(value: Any) -> Any:
    if isinstance(value, httpx.URL):
        path = value.path
        if "/hook/" in path:
            path = path.rsplit("/", 1)[0] + "/…"
        return f"{value.scheme}://{value.netloc.decode()}{path}" + ("?…" if value.query else "")
    return value


logging.getLogger("httpx").addFilter(_RedactUrls())


async def post(url: str, *, timeout: float, **kwargs) -> httpx.Response:
    """POST, mapping transport trouble and 5xx/429 to TemporaryFailure and other 4xx to PermanentFailure."""
    try:
        async with httpx.AsyncClient(timeout=timeout) as client:
            response = await client.post(url, **kwargs)
    except httpx.TimeoutException as exc:
        raise TemporaryFailure("timeout") from exc
    except httpx.TransportError as exc:
        # The class name only: httpx messages may quote the URL, which carries robot tokens.
        raise TemporaryFailure(f"transport error: {type(exc).__name__}") from exc
    if response.status_code >= 500 or response.status_code == 429:
        raise TemporaryFailure(f"HTTP {response.status_code}")
    if response.status_code >= 400:
        raise PermanentFailure(f"HTTP {response.status_code}")
    return response


def json_of(response: httpx.Response) -> dict:
    try:
        data = response.json()
    except ValueError as exc:
        raise TemporaryFailure("the provider answered something that is not JSON") from exc
    if not isinstance(data, dict):
        raise TemporaryFailure("the provider answered an unexpected JSON value")
    return data
