"""Each adapter against a real local server that checks the request as the provider documents it.

Signatures are computed here independently, straight from the documented algorithms, with a fixed
timestamp, nonce and secret.
"""

import base64
import hashlib
import hmac
import json
from datetime import UTC, datetime
from urllib.parse import quote, unquote

import pytest
from local_servers import Reply

from jinlin.channels.aliyun_sms import AliyunSmsChannel
from jinlin.channels.base import Message, PermanentFailure, TemporaryFailure
from jinlin.channels.email import EmailChannel
from jinlin.channels.robots import DingtalkRobot, FeishuRobot, WecomRobot
from jinlin.channels.settings import ChannelSettings
from jinlin.channels.sms_gateway import GatewaySmsChannel

MESSAGE = Message(
    subject="[近邻] 新的号召",
    body="幸福社区发出号召：为独居老人送餐",
    link="http://jinlin.test/calls/7",
    unsubscribe_url="http://jinlin.test/notifications/unsubscribe?t=abc",
    template="call_issued",
    params={"title": "为独居老人送餐"},
)


async def test_an_email_arrives_at_a_real_smtp_server_with_a_chinese_subject_body_and_an_unsubscribe_header(
    smtp_server,
):
    channel = EmailChannel(
        ChannelSettings(smtp_host="127.0.0.1", smtp_port=smtp_server.port, smtp_sender="notice@jinlin.test")
    )
    message_id = await channel.send("liaison@example.com", MESSAGE)
    assert smtp_server.envelopes == [("notice@jinlin.test", ["liaison@example.com"])]
    mail = smtp_server.messages[0]
    assert mail["Subject"] == "[近邻] 新的号召"
    assert mail["To"] == "liaison@example.com"
    assert mail["Message-ID"] == message_id
    assert mail["List-Unsubscribe"] == "<http://jinlin.test/notifications/unsubscribe?t=abc>"
    body = mail.get_body().get_content()
    assert "幸福社区发出号召：为独居老人送餐" in body and "http://jinlin.test/calls/7" in body


async def test_an_unreachable_mail_server_is_a_temporary_failure():
    from local_servers import free_port

    channel = EmailChannel(ChannelSettings(smtp_host="127.0.0.1", smtp_port=free_port(), timeout_s=2))
    with pytest.raises(TemporaryFailure):
        await channel.send("liaison@example.com", MESSAGE)


def _aliyun_expected_signature(params: dict[str, str], secret: str) -> str:
    # Alibaba Cloud RPC signature, written out from the documentation without the adapter's helpers.
    def enc(s: str) -> str:
        return quote(s, safe="").replace("+", "%20").replace("*", "%2A").replace("%7E", "~")

    canonical = "&".join(f"{enc(k)}={enc(v)}" for k, v in sorted(params.items()))
    to_sign = "POST&" + enc("/") + "&" + enc(canonical)
    return base64.b64encode(hmac.new((secret + "&").encode(), to_sign.encode(), hashlib.sha1).digest()).decode()


def _aliyun(provider) -> AliyunSmsChannel:
    settings = ChannelSettings(
        sms_provider="aliyun",
        sms_endpoint=provider.url,
        sms_access_key_id="LTAI-test-id",
        sms_access_key_secret="test-secret-值",
        sms_sign_name="近邻社区",
        sms_templates={"call_issued": "SMS_123456"},
        timeout_s=1,
    )
    return AliyunSmsChannel(
        settings, now=lambda: datetime(2026, 11, 20, 1, 2, 3, tzinfo=UTC), nonce=lambda: "nonce-0001"
    )


async def test_aliyun_sendsms_is_a_signed_rpc_post_the_provider_can_verify(provider):
    provider.default = Reply(
        200, {"Code": "OK", "Message": "OK", "BizId": "900619746936498440^0", "RequestId": "F655A8D5"}
    )
    provider_id = await _aliyun(provider).send("13800001234", MESSAGE)
    assert provider_id == "900619746936498440^0"
    req = provider.requests[0]
    assert req.method == "POST" and req.path == "/"
    assert req.headers["content-type"].startswith("application/x-www-form-urlencoded")
    form = {k: v[0] for k, v in __import__("urllib.parse").parse.parse_qs(req.body.decode()).items()}
    sent_signature = form.pop("Signature")
    assert form == {
        "AccessKeyId": "LTAI-test-id",
        "Action": "SendSms",
        "Format": "JSON",
        "RegionId": "cn-hangzhou",
        "SignatureMethod": "HMAC-SHA1",
        "SignatureNonce": "nonce-0001",
        "SignatureVersion": "1.0",
        "Timestamp": "2026-11-20T01:02:03Z",
        "Version": "2017-05-25",
        "PhoneNumbers": "13800001234",
        "SignName": "近邻社区",
        "TemplateCode": "SMS_123456",
        "TemplateParam": '{"title":"为独居老人送餐"}',
    }
    assert sent_signature == _aliyun_expected_signature(form, "test-secret-值")


async def test_aliyun_throttling_is_temporary_and_an_illegal_number_is_permanent(provider):
    provider.replies = [
        Reply(200, {"Code": "isv.BUSINESS_LIMIT_CONTROL", "Message": "触发流控"}),
        Reply(200, {"Code": "isv.MOBILE_NUMBER_ILLEGAL", "Message": "非法手机号"}),
        Reply(503, {}),
        Reply(200, {"Code": "OK"}, delay_s=2.5),
    ]
    channel = _aliyun(provider)
    with pytest.raises(TemporaryFailure):
        await channel.send("13800001234", MESSAGE)
    with pytest.raises(PermanentFailure):
        await channel.send("1380000", MESSAGE)
    with pytest.raises(TemporaryFailure, match="HTTP 503"):
        await channel.send("13800001234", MESSAGE)
    with pytest.raises(TemporaryFailure, match="timeout"):
        await channel.send("13800001234", MESSAGE)


async def test_an_sms_kind_without_an_approved_template_is_a_permanent_failure(provider):
    with pytest.raises(PermanentFailure, match="template"):
        await _aliyun(provider).send("13800001234", Message(subject="x", body="y", template="rated"))
    assert provider.requests == []


async def test_the_generic_gateway_gets_a_bearer_token_and_the_template_with_its_variables(provider):
    provider.default = Reply(200, {"id": "gw-42"})
    channel = GatewaySmsChannel(
        ChannelSettings(
            sms_provider="gateway",
            sms_gateway_url=f"{provider.url}/sms/send",
            sms_gateway_token="gw-token",
            sms_sign_name="近邻社区",
            sms_templates={"call_issued": "T100"},
        )
    )
    assert await channel.send("13800001234", MESSAGE) == "gw-42"
    req = provider.requests[0]
    assert (req.method, req.path, req.headers["authorization"]) == ("POST", "/sms/send", "Bearer gw-token")
    assert req.json() == {
        "phone": "13800001234",
        "template": "T100",
        "params": {"title": "为独居老人送餐"},
        "sign_name": "近邻社区",
        "text": MESSAGE.body,
    }
    provider.default = Reply(400, {"error": "bad phone"})
    with pytest.raises(PermanentFailure):
        await channel.send("1", MESSAGE)


async def test_the_wecom_group_robot_posts_text_to_its_key(provider):
    provider.default = Reply(200, {"errcode": 0, "errmsg": "ok"})
    await WecomRobot(ChannelSettings(wecom_base_url=provider.url), "key-123").send("", MESSAGE)
    req = provider.requests[0]
    assert (req.method, req.path, req.query) == ("POST", "/cgi-bin/webhook/send", {"key": ["key-123"]})
    assert req.headers["content-type"] == "application/json"
    body = req.json()
    assert body["msgtype"] == "text" and "幸福社区发出号召" in body["text"]["content"]
    provider.default = Reply(200, {"errcode": 93000, "errmsg": "invalid webhook url"})
    with pytest.raises(PermanentFailure):
        await WecomRobot(ChannelSettings(wecom_base_url=provider.url), "revoked").send("", MESSAGE)


async def test_the_dingtalk_robot_signs_timestamp_newline_secret_with_hmac_sha256(provider):
    provider.default = Reply(200, {"errcode": 0, "errmsg": "ok"})
    secret = "SEC0123456789abcdef"
    robot = DingtalkRobot(
        ChannelSettings(dingtalk_base_url=provider.url), "tok-9", secret, clock=lambda: 1763600000.123
    )
    await robot.send("", MESSAGE)
    req = provider.requests[0]
    assert (req.method, req.path) == ("POST", "/robot/send")
    assert req.query["access_token"] == ["tok-9"] and req.query["timestamp"] == ["1763600000123"]
    expected = base64.b64encode(
        hmac.new(secret.encode(), f"1763600000123\n{secret}".encode(), hashlib.sha256).digest()
    ).decode()
    raw_sign = dict(p.split("=", 1) for p in req.raw_query.split("&"))["sign"]
    assert unquote(raw_sign) == expected  # url-encoded on the wire, Base64 underneath
    assert req.json()["text"]["content"].startswith("[近邻] 新的号召")
    provider.default = Reply(200, {"errcode": 130101, "errmsg": "send too fast"})
    with pytest.raises(TemporaryFailure):
        await robot.send("", MESSAGE)
    provider.default = Reply(200, {"errcode": 310000, "errmsg": "sign not match"})
    with pytest.raises(PermanentFailure):
        await robot.send("", MESSAGE)


async def test_the_feishu_bot_signs_with_timestamp_newline_secret_as_the_key(provider):
    provider.default = Reply(200, {"code": 0, "msg": "success", "data": {}})
    secret = "feishu-secret"
    await FeishuRobot(
        ChannelSettings(feishu_base_url=provider.url), "hook-uuid", secret, clock=lambda: 1763600000.9
    ).send("", MESSAGE)
    req = provider.requests[0]
    assert (req.method, req.path) == ("POST", "/open-apis/bot/v2/hook/hook-uuid")
    body = req.json()
    assert body["timestamp"] == "1763600000" and body["msg_type"] == "text"
    expected = base64.b64encode(hmac.new(f"1763600000\n{secret}".encode(), b"", hashlib.sha256).digest()).decode()
    assert body["sign"] == expected
    assert "为独居老人送餐" in body["content"]["text"]


async def test_robot_errors_never_quote_the_webhook_token():
    from local_servers import free_port

    robot = WecomRobot(
        ChannelSettings(wecom_base_url=f"http://127.0.0.1:{free_port()}", timeout_s=1), "very-secret-key"
    )
    with pytest.raises(TemporaryFailure) as info:
        await robot.send("", MESSAGE)
    assert "very-secret-key" not in str(info.value)
    assert json.dumps(str(info.value))
