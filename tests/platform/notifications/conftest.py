"""Delivery fixtures: a real SMTP server and a real HTTP SMS gateway/robot endpoint on 127.0.0.1, with the
channel settings pointed at them for the test."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from local_servers import HttpProvider, Reply, SmtpServer

from jinlin.channels import settings as channel_settings


@dataclass
class Outside:
    smtp: SmtpServer
    http: HttpProvider
    settings: channel_settings.ChannelSettings


@pytest.fixture
def outside() -> Iterator[Outside]:
    # No bucket reset: each test has a fresh database, where the embedded shape keeps its rate buckets.
    with SmtpServer() as smtp, HttpProvider() as http:
        http.default = Reply(200, {"id": "gw-1", "errcode": 0, "code": 0})
        settings = channel_settings.ChannelSettings(
            public_url="http://jinlin.test",
            timeout_s=1,
            smtp_host="127.0.0.1",
            smtp_port=smtp.port,
            smtp_sender="notice@jinlin.test",
            sms_provider="gateway",
            sms_gateway_url=f"{http.url}/sms",
            sms_gateway_token="gateway-token-secret",
            sms_sign_name="近邻社区",
            wecom_base_url=http.url,
            dingtalk_base_url=http.url,
            feishu_base_url=http.url,
        )
        channel_settings.override(settings)
        try:
            yield Outside(smtp, http, settings)
        finally:
            channel_settings.override(None)


# The real worker fixture of the run tests, shared rather than copied.
import importlib.util as _importlib_util  # noqa: E402

_spec = _importlib_util.spec_from_file_location(
    "runs_worker_conftest", Path(__file__).parents[1] / "runs" / "conftest.py"
)
_runs_conftest = _importlib_util.module_from_spec(_spec)
_spec.loader.exec_module(_runs_conftest)
celery_worker = _runs_conftest.celery_worker


@pytest.fixture
def mail_env(monkeypatch) -> Iterator[SmtpServer]:
    """A local SMTP server and the JINLIN_SMTP_* variables a worker process reads to reach it."""
    with SmtpServer() as smtp:
        for name, value in {
            "JINLIN_SMTP_HOST": "127.0.0.1",
            "JINLIN_SMTP_PORT": str(smtp.port),
            "JINLIN_SMTP_SENDER": "notice@jinlin.test",
            "JINLIN_PUBLIC_URL": "http://jinlin.test",
        }.items():
            monkeypatch.setenv(name, value)
        channel_settings.override(channel_settings.load_channel_settings())
        try:
            yield smtp
        finally:
            channel_settings.override(None)


@pytest.fixture
def mail_worker(mail_env, celery_worker) -> SmtpServer:
    return mail_env
