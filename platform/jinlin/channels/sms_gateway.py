"""SMS through a generic HTTP gateway (a county's own SMS platform, or another provider behind a relay).

``POST {JINLIN_SMS_GATEWAY_URL}`` with ``Authorization: Bearer {JINLIN_SMS_GATEWAY_TOKEN}`` and JSON
``{"phone", "template", "params", "sign_name", "text"}``; a 2xx answer with ``{"id": "..."}`` is success,
5xx/429/timeouts are retried, other 4xx are final. The contract is spelled out in docs/notifications.md.
"""

from __future__ import annotations

from jinlin.channels.base import Message, PermanentFailure, json_of, post
from jinlin.channels.settings import ChannelSettings


class GatewaySmsChannel:
    name = "sms"

    def __init__(self, settings: ChannelSettings) -> None:
        self.settings = settings

    async def send(self, address: str, message: Message) -> str:
        s = self.settings
        template = s.sms_templates.get(message.template) or s.sms_templates.get("*") or message.template
        headers = {"Authorization": f"Bearer {s.sms_gateway_token}"} if s.sms_gateway_token else {}
        response = await post(
            s.sms_gateway_url,
            timeout=s.timeout_s,
            headers=headers,
            json={
                "phone": address,
                "template": template,
                "params": message.params,
                "sign_name": s.sms_sign_name,
                "text": message.body,
            },
        )
        data = json_of(response)
        if data.get("error"):
            raise PermanentFailure(f"gateway: {str(data['error'])[:200]}")
        return str(data.get("id", ""))
