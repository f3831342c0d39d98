from collections.abc import Iterator

import pytest
from local_servers import HttpProvider, SmtpServer


@pytest.fixture
def provider() -> Iterator[HttpProvider]:
    with HttpProvider() as p:
        yield p


@pytest.fixture
def smtp_server() -> Iterator[SmtpServer]:
    with SmtpServer() as s:
        yield s
