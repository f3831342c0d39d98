"""SMS through Alibaba Cloud SMS (阿里云短信服务), API ``SendSms`` version 2017-05-25, RPC style.

Request signing, as documented in Alibaba Cloud's "Signature mechanism" for RPC APIs (the SMS guide's
"signature method" page, and the common reference at help.aliyun.com/en/document_detail/145075.html):

1. Take every request parameter except ``Signature``, sort by name, and percent-encode names and values
   with UTF-8 (RFC 3986: space as %20, ``*`` as %2A, ``~`` left as is).
2. Join as ``name=value`` with ``&``: the canonicalized query string.
3. StringToSign = ``HTTPMethod + "&" + percentEncode("/") + "&" + percentEncode(canonicalized)``.
4. Signature = Base64(HMAC-SHA1(key = AccessKeySecret + "&", StringToSign)).

Chinese SMS needs a pre-approved template per message kind (``TemplateCode``, variables in
``TemplateParam`` as JSON) and an approved signature name (``SignName``, e.g. 近邻社区).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import uuid
from datetime import UTC, datetime
from urllib.parse import quote

from jinlin.channels.base import Message, PermanentFailure, TemporaryFailure, json_of, post
from jinlin.channels.settings import ChannelSettings

# Codes Alibaba documents for throttling and its own trouble: worth retrying. Anything else is final.
TEMPORARY_CODES = (
    "isv.BUSINESS_LIMIT_CONTROL",
    "isp.SYSTEM_ERROR",
    "isp.GATEWAY_ERROR",
    "Throttling",
    "ServiceUnavailable",
    "isv.DAY_LIMIT_CONTROL",
)


def percent_encode(value: str) -> str:
    return quote(value, safe="~")


def canonical_query(params: dict[str, str]) -> str:
    return "&".join(f"{percent_encode(k)}={percent_encode(params[k])}" for k in sorted(params))


def signature(params: dict[str, str], access_key_secret: str, method: str = "POST") -> str:
    string_to_sign = f"{method}&{percent_encode('/')}&{percent_encode(canonical_query(params))}"
    digest = hmac.new(f"{access_key_secret}&".encode(), string_to_sign.encode(), hashlib.sha1).digest()
    return base64.b64encode(digest).decode()


class AliyunSmsChannel:
    name = "sms"

    def __init__(self, settings: ChannelSettings, *, now=None, nonce=None) -> None:
        self.settings = settings
        self._now = now or (lambda: datetime.now(UTC))
        self._nonce = nonce or (lambda: uuid.uuid4().hex)

    def template_code(self, kind: str) -> str:
        code = self.settings.sms_templates.get(kind) or self.settings.sms_templates.get("*")
        if not code:
            raise PermanentFailure(f"no SMS template is configured for {kind} (JINLIN_SMS_TEMPLATES)")
        return code

    def request_params(self, phone: str, message: Message) -> dict[str, str]:
        s = self.settings
        params = {
            "AccessKeyId": s.sms_access_key_id,
            "Action": "SendSms",
            "Format": "JSON",
            "RegionId": s.sms_region,
            "SignatureMethod": "HMAC-SHA1",
            "SignatureNonce": self._nonce(),
            "SignatureVersion": "1.0",
            "Timestamp": self._now().astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "Version": "2017-05-25",
            "PhoneNumbers": phone,
            "SignName": s.sms_sign_name,
            "TemplateCode": self.template_code(message.template),
            "TemplateParam": json.dumps(message.params, ensure_ascii=False, separators=(",", ":")),
        }
        params["Signature"] = signature(params, s.sms_access_key_secret)
        return params

    async def send(self, address: str, message: Message) -> str:
        params = self.request_params(address, message)
        response = await post(
            f"{self.settings.sms_endpoint}/",
            timeout=self.settings.timeout_s,
            content=canonical_query(params),
            headers={"Content-Type": "application/x-www-form-urlencoded; charset=utf-8"},
        )
        data = json_of(response)
        code = str(data.get("Code", ""))
        if code == "OK":
            return str(data.get("BizId", ""))
        failure = TemporaryFailure if code.startswith(TEMPORARY_CODES) else PermanentFailure
        raise failure(f"SendSms {code}")
