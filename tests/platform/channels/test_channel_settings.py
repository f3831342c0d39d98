"""Channel settings: malformed values stop start-up naming the variable; secrets never print."""

import pytest

from jinlin.channels.settings import load_channel_settings
from jinlin.core.settings import SettingsError


@pytest.mark.parametrize(
    ("env", "named"),
    [
        ({"JINLIN_SMTP_PORT": "twenty-five"}, "JINLIN_SMTP_PORT"),
        ({"JINLIN_SMTP_TLS": "maybe"}, "JINLIN_SMTP_TLS"),
        ({"JINLIN_SMS_PROVIDER": "pigeon"}, "JINLIN_SMS_PROVIDER"),
        ({"JINLIN_SMS_PROVIDER": "aliyun"}, "JINLIN_SMS_ACCESS_KEY_ID"),
        ({"JINLIN_SMS_PROVIDER": "gateway"}, "JINLIN_SMS_GATEWAY_URL"),
        ({"JINLIN_SMS_TEMPLATES": "call_issued"}, "JINLIN_SMS_TEMPLATES"),
        ({"JINLIN_DINGTALK_BASE_URL": "oapi.example"}, "JINLIN_DINGTALK_BASE_URL"),
        ({"JINLIN_DIGEST_HOUR": "25"}, "JINLIN_DIGEST_HOUR"),
    ],
)
def test_a_malformed_channel_setting_is_refused_by_name(env, named):
    with pytest.raises(SettingsError, match=named):
        load_channel_settings(env)


def test_secrets_do_not_appear_when_the_settings_are_printed():
    s = load_channel_settings(
        {
            "JINLIN_SMS_PROVIDER": "aliyun",
            "JINLIN_SMS_ACCESS_KEY_ID": "LTAI-id",
            "JINLIN_SMS_ACCESS_KEY_SECRET": "ak-secret-value",
            "JINLIN_SMS_SIGN_NAME": "近邻",
            "JINLIN_SMTP_PASSWORD": "smtp-secret-value",
            "JINLIN_SMS_GATEWAY_TOKEN": "gw-secret",
            "JINLIN_SMS_TEMPLATES": "call_issued=SMS_1, *=SMS_9",
        }
    )
    assert s.sms_templates == {"call_issued": "SMS_1", "*": "SMS_9"}
    for secret in ("ak-secret-value", "smtp-secret-value", "gw-secret"):
        assert secret not in repr(s)
