"""群众反馈 / 诉求 (接诉即办): residents' reports, their photos, their history, and the reminders and
escalations that fired for them.

The resident's contact (phone) lives in ``ReportContact``, apart from the report body, so every read of
it goes through one guarded function and lists never join it. Grid, community and street are copied
onto the report when it is filed so KPIs group by them with plain SQL.
"""

from enum import Enum

from piccolo.columns import Boolean, ForeignKey, Integer, Text, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from jinlin.accounts.tables import Account
from jinlin.areas.tables import Area
from jinlin.needs.tables import Need
from jinlin.orgs.tables import Organization


class ReportStatus(str, Enum):
    submitted = "submitted"  # waiting for someone to accept it (派单 done, 未受理)
    accepted = "accepted"  # owned by whoever first accepted it (首接负责制)
    referred = "referred"  # turned into a need for outside help; still owned
    resolved = "resolved"  # handled; waiting for the resident's rating
    closed = "closed"  # rated (or the rating window passed)
    merged = "merged"  # a near-duplicate linked to an earlier report


class ReportCategory(str, Enum):
    environment = "environment"  # 环境卫生
    facilities = "facilities"  # 设施损坏
    safety = "safety"  # 安全隐患
    neighbours = "neighbours"  # 邻里纠纷
    property = "property"  # 物业服务
    elder_care = "elder_care"  # 为老服务
    parking = "parking"  # 停车
    other = "other"


class ReportSource(str, Enum):
    resident = "resident"  # filed by a resident (the public form, the hotline)
    visit = "visit"  # a follow-up a grid worker found on a household visit (入户走访)


class ReportLevel(str, Enum):
    grid = "grid"
    community = "community"
    street = "street"
    county = "county"


class Satisfaction(str, Enum):
    satisfied = "satisfied"  # 满意
    basically = "basically"  # 基本满意
    unsatisfied = "unsatisfied"  # 不满意


class ResidentReport(Table):
    code = Varchar(length=16, unique=True, index=True, help_text="the resident's tracking code")
    area = ForeignKey(references=Area, index=True, help_text="where: a building, compound or grid")
    grid = ForeignKey(references=Area, null=True, default=None, index=True)
    community_area = ForeignKey(references=Area, null=True, default=None, index=True)
    street_area = ForeignKey(references=Area, null=True, default=None, index=True)
    community = ForeignKey(references=Organization, null=True, default=None, index=True)
    category = Varchar(length=20, choices=ReportCategory, index=True)
    description = Text(default="")
    source = Varchar(
        length=10,
        choices=ReportSource,
        default="resident",
        index=True,
        help_text="resident, or visit: no resident to rate it (left out of the satisfaction rate)",
    )
    status = Varchar(length=12, choices=ReportStatus, default="submitted", index=True)
    level = Varchar(
        length=10,
        choices=ReportLevel,
        default="grid",
        index=True,
        help_text="who answers for it now: the grid, or the level it escalated to",
    )
    queue = Varchar(length=10, default="grid", help_text="grid: its posts; community: the duty queue")
    urgency = Integer(null=True, default=None)
    importance = Integer(null=True, default=None)
    colour = Varchar(length=10, default="yellow", index=True)
    triaged = Boolean(default=False, help_text="colour set by a person rather than suggested")
    owner = ForeignKey(references=Account, null=True, default=None, index=True)
    round_started_at = Timestamptz(default=TimestamptzNow(), help_text="filing, or the latest reopening")
    respond_by = Timestamptz(null=True, default=None, index=True)
    resolve_by = Timestamptz(null=True, default=None, index=True)
    responded_at = Timestamptz(null=True, default=None)
    resolved_at = Timestamptz(null=True, default=None)
    first_resolved_at = Timestamptz(null=True, default=None)
    first_resolved_on_time = Boolean(null=True, default=None)
    closed_at = Timestamptz(null=True, default=None)
    resolution_note = Text(default="")
    need = ForeignKey(references=Need, null=True, default=None, help_text="the need it was turned into")
    duplicate_of: ForeignKey = ForeignKey(references="self", null=True, default=None, index=True)
    reopen_count = Integer(default=0)
    chase_count = Integer(default=0)
    escalation_count = Integer(default=0)
    satisfaction = Varchar(length=12, null=True, default=None)
    rating_comment = Text(default="")
    rated_at = Timestamptz(null=True, default=None)
    created_at = Timestamptz(default=TimestamptzNow(), index=True)
    updated_at = Timestamptz(default=TimestamptzNow())


class ReportContact(Table):
    """The resident's contact, kept apart from the report body (PIPL: minimum necessary)."""

    report = ForeignKey(references=ResidentReport, unique=True, index=True)
    phone = Varchar(length=20, default="")
    consent_at = Timestamptz(default=TimestamptzNow())


class ReportPhoto(Table):
    report = ForeignKey(references=ResidentReport, index=True)
    stage = Varchar(length=12, default="report", help_text="report (the resident's) or resolution")
    file_name = Varchar(length=64, unique=True, help_text="random name under the photo directory")
    size = Integer(default=0)
    width = Integer(default=0)
    height = Integer(default=0)
    created_at = Timestamptz(default=TimestamptzNow())


class ReportEvent(Table):
    """The report's history: dispatch, acceptance, transfers (with reason), chases, escalations, rating."""

    report = ForeignKey(references=ResidentReport, index=True)
    kind = Varchar(length=16, index=True)
    actor = ForeignKey(references=Account, null=True, default=None)
    to_account = ForeignKey(references=Account, null=True, default=None, index=True)
    level = Varchar(length=10, default="")
    reason = Text(default="")
    at = Timestamptz(default=TimestamptzNow(), index=True)


class ReportAlert(Table):
    """A reminder or escalation that fired; ``key`` is unique, so each fires once however often the job runs."""

    report = ForeignKey(references=ResidentReport, index=True)
    key = Varchar(length=80, unique=True)
    kind = Varchar(length=12, help_text="remind or escalate")
    fired_at = Timestamptz(default=TimestamptzNow())
