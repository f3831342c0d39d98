"""户、居民、重点人群: the grid's own records of households and residents, and who may read them.

Personal fields of residents are stored encrypted (``*_enc``, see ``core.crypto``); the ID number is
searchable only through its keyed hash. Rows are never deleted: moving out keeps the household's counts,
and the retention job clears the personal fields after the county's period.
"""

from enum import Enum

from piccolo.columns import JSON, Boolean, ForeignKey, Integer, Text, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from jinlin.accounts.tables import Account
from jinlin.areas.tables import Area
from jinlin.orgs.tables import Organization


class RecordStatus(str, Enum):
    active = "active"
    moved_out = "moved_out"


class Household(Table):
    """户: one dwelling by building and door number (门牌) in a grid."""

    community = ForeignKey(references=Organization, index=True)
    grid = ForeignKey(references=Area, index=True, help_text="the grid (网格) the household belongs to")
    building = Varchar(length=60, default="", help_text="楼栋, e.g. 3号楼")
    door = Varchar(length=60, default="", help_text="门牌, e.g. 2单元301")
    party_member = ForeignKey(
        references=Account,
        null=True,
        default=None,
        index=True,
        help_text="the registered party member who visits it (党员联户)",
    )
    status = Varchar(length=12, choices=RecordStatus, default="active", index=True)
    member_count = Integer(default=0, help_text="residents living here; kept after moving out")
    moved_out_at = Timestamptz(null=True, default=None)
    created_by = ForeignKey(references=Account, null=True, default=None)
    created_at = Timestamptz(default=TimestamptzNow())
    updated_at = Timestamptz(default=TimestamptzNow())


class Resident(Table):
    """居民: a person of a household. Name, phone, ID number and care note are encrypted at rest."""

    household = ForeignKey(references=Household, index=True)
    name_enc = Text(default="")
    gender = Varchar(length=10, default="", help_text="male / female / ''")
    birth_year = Integer(null=True, default=None)
    relation = Varchar(length=20, default="", help_text="与户主关系")
    phone_enc = Text(default="")
    id_number_enc = Text(default="")
    id_hash = Varchar(length=64, default="", index=True, help_text="HMAC-SHA256 of the ID number")
    care_note_enc = Text(default="")
    consent_contact = Boolean(default=False, help_text="consented to be contacted (PIPL)")
    extra_tags = JSON(default=[])
    status = Varchar(length=12, choices=RecordStatus, default="active", index=True)
    moved_out_at = Timestamptz(null=True, default=None, index=True)
    cleared_at = Timestamptz(null=True, default=None, help_text="personal fields cleared by retention")
    created_at = Timestamptz(default=TimestamptzNow())
    updated_at = Timestamptz(default=TimestamptzNow())


class FocusMembership(Table):
    """重点人群: a resident in a focus group; grid and community copied for counts per area."""

    resident = ForeignKey(references=Resident, index=True)
    household = ForeignKey(references=Household, index=True)
    grid = ForeignKey(references=Area, index=True)
    focus_group = Varchar(length=40, index=True)
    created_at = Timestamptz(default=TimestamptzNow())


class AccessGrant(Table):
    """A community's time-limited grant of its residents' records to one account for a stated purpose."""

    community = ForeignKey(references=Organization, index=True)
    area = ForeignKey(references=Area, index=True, help_text="the community or one of its grids")
    account = ForeignKey(references=Account, index=True)
    purpose = Varchar(length=200)
    starts_at = Timestamptz(default=TimestamptzNow())
    ends_at = Timestamptz()
    revoked_at = Timestamptz(null=True, default=None)
    granted_by = ForeignKey(references=Account, null=True, default=None)
    created_at = Timestamptz(default=TimestamptzNow())


class RecordAccess(Table):
    """The access service's own audit rows: who read or revealed which resident record, when and why."""

    at = Timestamptz(default=TimestamptzNow(), index=True)
    account = ForeignKey(references=Account, null=True, default=None, index=True)
    action = Varchar(length=20, help_text="view / reveal_id / list / export / search")
    household = ForeignKey(references=Household, null=True, default=None, index=True)
    resident = ForeignKey(references=Resident, null=True, default=None, index=True)
    basis = Varchar(length=20, help_text="grid_post / community_admin / grant")
    purpose = Varchar(length=200, default="")
    rows_seen = Integer(default=1, help_text="residents covered (lists, exports)")


class CountyTags(Table):
    """A county's extra tags for residents beyond the focus groups (e.g. 退役军人, 独居)."""

    county = ForeignKey(references=Area, unique=True, index=True)
    tags = JSON(default=[])
    updated_at = Timestamptz(default=TimestamptzNow())
