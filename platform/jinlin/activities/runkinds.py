"""The run kind this feature brings: the roster (排班) of an activity's shifts."""

from jinlin.activities.roster import RUN_KIND

RUN_KINDS = [RUN_KIND]
