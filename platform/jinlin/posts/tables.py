"""岗位: people on posts at each level of the grid (网中有格，按格定岗，人在格上).

A post is held by an account or, for 楼栋长 who never log in, by a named contact. Ending a post sets
``ends_at``; rows are never deleted, so who held which post when stays known.
"""

from enum import Enum

from piccolo.columns import JSON, ForeignKey, Integer, Text, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from jinlin.accounts.tables import Account
from jinlin.areas.tables import Area


class PostKind(str, Enum):
    grid_chief = "grid_chief"  # 网格总长 (community)
    grid_group_leader = "grid_group_leader"  # 网格工作组组长 (grid)
    full_time_grid_worker = "full_time_grid_worker"  # 专职网格员 (grid)
    part_time_grid_worker = "part_time_grid_worker"  # 兼职网格员 (grid)
    compound_party_secretary = "compound_party_secretary"  # 小区党支部书记 (compound)
    building_head = "building_head"  # 楼栋长 (building)
    department_staff = "department_staff"  # 下沉人员 (grid; ``department`` says which)


# The area level each post kind sits on.
POST_LEVEL = {
    "grid_chief": "community",
    "grid_group_leader": "grid",
    "full_time_grid_worker": "grid",
    "part_time_grid_worker": "grid",
    "compound_party_secretary": "compound",
    "building_head": "building",
    "department_staff": "grid",
}

# The posts that answer for a grid's residents (reports and visits are dispatched to them).
GRID_WORKER_KINDS = frozenset({"grid_group_leader", "full_time_grid_worker", "part_time_grid_worker"})

# 下沉人员 departments; the county may add more (see posts.service).
DEFAULT_DEPARTMENTS = (
    "comprehensive_governance",  # 综治
    "civil_affairs",  # 民政
    "urban_management",  # 城管
    "petitions",  # 信访
    "market_regulation",  # 市场监管
    "health",  # 卫生健康
    "emergency_management",  # 应急管理
)


class Post(Table):
    area = ForeignKey(references=Area, index=True)
    kind = Varchar(length=30, choices=PostKind, index=True)
    department = Varchar(length=40, default="", index=True, help_text="for department_staff only")
    account = ForeignKey(references=Account, null=True, default=None, index=True)
    contact_name = Varchar(length=60, default="", help_text="a holder without an account")
    contact_phone = Varchar(length=30, default="")
    note = Text(default="")
    photo_url = Varchar(
        length=300, default="", help_text="optional photo on the duty card (a same-site path or https URL)"
    )
    starts_at = Timestamptz(default=TimestamptzNow())
    ends_at = Timestamptz(null=True, default=None, index=True)
    created_by = ForeignKey(references=Account, null=True, default=None)
    created_at = Timestamptz(default=TimestamptzNow())


# 社区分设 thresholds when the county has set none.
DEFAULT_SPLIT_POPULATION = 10_000
DEFAULT_SPLIT_RESIDENTS_PER_WORKER = 1_500


class PostPolicy(Table):
    """A county's configuration of posts: its 下沉 departments (code and labels) and the 分设 thresholds."""

    county = ForeignKey(references=Area, unique=True, index=True)
    departments = JSON(default=[], help_text='[{"code", "zh", "en"}]; empty means DEFAULT_DEPARTMENTS')
    split_population = Integer(default=DEFAULT_SPLIT_POPULATION)
    split_residents_per_worker = Integer(default=DEFAULT_SPLIT_RESIDENTS_PER_WORKER)
    updated_by = ForeignKey(references=Account, null=True, default=None)
    updated_at = Timestamptz(default=TimestamptzNow())


class DutyCard(Table):
    """挂牌上岗: what a grid's, compound's or building's public card says beside its posts."""

    area = ForeignKey(references=Area, unique=True, index=True)
    service_hours = Varchar(length=200, default="")
    notice = Text(default="")
    updated_by = ForeignKey(references=Account, null=True, default=None)
    updated_at = Timestamptz(default=TimestamptzNow())
