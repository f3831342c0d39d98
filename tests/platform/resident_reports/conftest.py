import pytest

from factories import make_report_world


@pytest.fixture
async def world(engine):
    return await make_report_world()


@pytest.fixture
async def file_report(client):
    """File a report through the public API (no account); returns the tracking code."""

    async def file(area, *, category="environment", description="楼道堆放杂物，堵住了消防通道", phone=None):
        from jinlin.core import ratelimit

        await ratelimit.reset()  # many residents, one test client address
        body = {"area_id": area["id"], "category": category, "description": description, "consent": True}
        if phone:
            body["phone"] = phone
        response = await client.post("/api/v1/resident-reports", json=body)
        assert response.status_code == 201, response.text
        return response.json()["code"]

    return file


def _runs_worker_fixture():
    """The real Celery worker fixture of the run tests (one definition, reused here)."""
    import importlib.util
    from pathlib import Path

    path = Path(__file__).parents[1] / "runs" / "conftest.py"
    spec = importlib.util.spec_from_file_location("runs_worker_conftest", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.celery_worker


celery_worker = _runs_worker_fixture()
