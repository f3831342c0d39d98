"""分色政策: a county's colour policy, the response and completion deadlines (限时办结) of each colour."""

from piccolo.columns import JSON, ForeignKey, Integer, Timestamptz
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from jinlin.areas.tables import Area


class ColourPolicy(Table):
    """One row per county. Hours from publication; ``matrix`` maps "urgency,importance" to a colour."""

    county_id = ForeignKey(references=Area, unique=True, index=True)
    red_respond_hours = Integer(default=2)
    red_resolve_hours = Integer(default=24)
    orange_respond_hours = Integer(default=24)
    orange_resolve_hours = Integer(default=72)
    yellow_respond_hours = Integer(default=72)
    yellow_resolve_hours = Integer(default=168)
    green_respond_hours = Integer(default=168)
    green_resolve_hours = Integer(default=360)
    rating_window_days = Integer(default=14)
    matrix = JSON(default={}, help_text='{"3,3": "red", ...}; empty means the default rule')
    updated_at = Timestamptz(default=TimestamptzNow())
