from piccolo.columns import JSON, Integer, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table


class AuditEvent(Table):
    at = Timestamptz(default=TimestamptzNow(), index=True)
    actor_id = Integer(null=True, default=None, index=True)
    actor_name = Varchar(length=60, default="")
    action = Varchar(length=40, index=True)
    object_type = Varchar(length=40, index=True)
    object_id = Integer(null=True, default=None, index=True)
    summary = Varchar(length=255, default="")
    changes = JSON(default={})
