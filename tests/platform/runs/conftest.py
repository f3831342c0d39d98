"""Fixtures of the run tests: helpers importable as ``runs_data``, and a real Celery worker over Redis."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
