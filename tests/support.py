"""Plain helpers shared by test modules and conftests (importable as ``support``)."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
VAR = Path(os.environ.get("JINLIN_TEST_VAR_DIR", "/tmp")) / f"jinlin-test-{os.getpid()}"
PG_URL = os.environ.get("JINLIN_TEST_DATABASE_URL")
REDIS_URL = os.environ.get("JINLIN_TEST_REDIS_URL")


def require_or_skip(reason: str) -> None:
    """Skip a test whose service is missing, except in CI (JINLIN_REQUIRE_SERVICES=1), where it fails."""
    if os.environ.get("JINLIN_REQUIRE_SERVICES") == "1":
        pytest.fail(f"required in CI: {reason}")
    pytest.skip(reason)


_CSRF_VALUES = re.compile(r'("x-csrftoken":\s*"|name="_csrf_token" value=")[^"]*')
_MOBILE = re.compile(r"(?<!\d)1[3-9]\d{9}(?!\d)")


def unmasked_phones(html: str) -> list[str]:
    """Mainland mobile numbers shown in full on a page.

    The CSRF token is random text and sometimes holds eleven digits in a row, so its values are left out first.
    """
    return _MOBILE.findall(_CSRF_VALUES.sub(r"\1", html))
