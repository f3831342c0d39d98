"""Work-chat group robots: 企业微信 (WeCom) group robot, 钉钉 (DingTalk) custom robot, 飞书 (Feishu) custom bot.

An organisation configures a robot with its webhook token (the ``key`` / ``access_token`` / hook id the
chat app shows) and, for DingTalk and Feishu, the signing secret. Signatures, as each vendor documents:

- DingTalk ("自定义机器人安全设置: 加签"): string_to_sign = ``timestamp + "\n" + secret`` (timestamp in
  milliseconds); sign = urlEncode(Base64(HMAC-SHA256(key = secret, string_to_sign))); sent as the
  ``timestamp`` and ``sign`` query parameters of ``/robot/send?access_token=…``.
- Feishu ("自定义机器人: 签名校验"): key = ``timestamp + "\n" + secret`` (timestamp in seconds); sign =
  Base64(HMAC-SHA256(key, empty message)); sent as ``timestamp`` and ``sign`` in the JSON body.
- WeCom group robots have no signature: the ``key`` in the URL is the secret.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import time
from urllib.parse import quote_plus

from jinlin.channels.base import Message, PermanentFailure, TemporaryFailure, json_of, post
from jinlin.channels.settings import ChannelSettings

ROBOT_KINDS = ("wecom", "dingtalk", "feishu")


def text_of(message: Message) -> str:
    return f"{message.subject}\n{message.body}" + (f"\n{message.link}" if message.link else "")


def dingtalk_sign(timestamp_ms: int, secret: str) -> str:
    string_to_sign = f"{timestamp_ms}\n{secret}".encode()
    digest = hmac.new(secret.encode(), string_to_sign, hashlib.sha256).digest()
    return quote_plus(base64.b64encode(digest))


def feishu_sign(timestamp_s: int, secret: str) -> str:
    digest = hmac.new(f"{timestamp_s}\n{secret}".encode(), b"", hashlib.sha256).digest()
    return base64.b64encode(digest).decode()


class Robot:
    """A robot of one organisation: ``address`` passed to ``send`` is unused (the group is the token's)."""

    name = "robot"

    def __init__(self, settings: ChannelSettings, token: str, secret: str = "", *, clock=time.time) -> None:
        self.settings = settings
        self.token = token
        self.secret = secret
        self.clock = clock

    async def send(self, address: str, message: Message) -> str:
        """Post ``message`` to the robot's group; the provider's message id (each platform's own)."""
        raise NotImplementedError


class WecomRobot(Robot):
    name = "wecom"

    async def send(self, address: str, message: Message) -> str:
        url = f"{self.settings.wecom_base_url}/cgi-bin/webhook/send?key={quote_plus(self.token)}"
        data = json_of(
            await post(
                url, timeout=self.settings.timeout_s, json={"msgtype": "text", "text": {"content": text_of(message)}}
            )
        )
        code = data.get("errcode", -1)
        if code == 0:
            return ""
        # -1 "system busy" and 45009 "api freq out of limit" pass; the rest (bad key, bad body) do not.
        raise (TemporaryFailure if code in (-1, 45009) else PermanentFailure)(f"WeCom errcode {code}")


class DingtalkRobot(Robot):
    name = "dingtalk"

    async def send(self, address: str, message: Message) -> str:
        url = f"{self.settings.dingtalk_base_url}/robot/send?access_token={quote_plus(self.token)}"
        if self.secret:
            ts = int(self.clock() * 1000)
            url += f"&timestamp={ts}&sign={dingtalk_sign(ts, self.secret)}"
        data = json_of(
            await post(
                url, timeout=self.settings.timeout_s, json={"msgtype": "text", "text": {"content": text_of(message)}}
            )
        )
        code = data.get("errcode", -1)
        if code == 0:
            return ""
        # 130101: sending too fast (20 a minute per robot).
        raise (TemporaryFailure if code in (-1, 130101) else PermanentFailure)(f"DingTalk errcode {code}")


class FeishuRobot(Robot):
    name = "feishu"

    async def send(self, address: str, message: Message) -> str:
        url = f"{self.settings.feishu_base_url}/open-apis/bot/v2/hook/{quote_plus(self.token)}"
        body: dict = {"msg_type": "text", "content": {"text": text_of(message)}}
        if self.secret:
            ts = int(self.clock())
            body |= {"timestamp": str(ts), "sign": feishu_sign(ts, self.secret)}
        data = json_of(await post(url, timeout=self.settings.timeout_s, json=body))
        code = data.get("code", data.get("StatusCode", -1))
        if code == 0:
            return ""
        # 11232: frequency limited.
        raise (TemporaryFailure if code == 11232 else PermanentFailure)(f"Feishu code {code}")


def robot(kind: str, settings: ChannelSettings, token: str, secret: str = "") -> Robot:
    cls = {"wecom": WecomRobot, "dingtalk": DingtalkRobot, "feishu": FeishuRobot}[kind]
    return cls(settings, token, secret)
