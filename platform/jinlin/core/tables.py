"""Tables of the shared plumbing: the rate limiter's buckets in the embedded shape."""

from piccolo.columns import DoublePrecision, Varchar
from piccolo.table import Table


class RateBucket(Table):
    """One token bucket of ``core.ratelimit`` (embedded shape; Redis holds them in the services shape).

    Times are seconds since the epoch as plain numbers, so one conditional UPDATE does the arithmetic
    the same way on SQLite and PostgreSQL. A row past ``idle_at`` is a full bucket and may be deleted.
    """

    name = Varchar(length=200, unique=True)
    tokens = DoublePrecision(default=0.0)
    stamp = DoublePrecision(default=0.0)
    idle_at = DoublePrecision(default=0.0, index=True)
