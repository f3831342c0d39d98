import pytest


@pytest.fixture(autouse=True)
def _fresh_lookup_buckets():
    """Reveals and ID searches are throttled per account id; ids repeat across test databases."""
    from jinlin.core import ratelimit

    reset = getattr(ratelimit, "reset", None)
    if reset:
        reset()
    yield
    if reset:
        reset()
