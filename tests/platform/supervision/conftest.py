"""The real Celery worker fixture of the run tests, reused for report generation."""

import importlib.util
from pathlib import Path

_spec = importlib.util.spec_from_file_location(
    "runs_worker_conftest", Path(__file__).resolve().parents[1] / "runs" / "conftest.py"
)
_runs = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_runs)
celery_worker = _runs.celery_worker
