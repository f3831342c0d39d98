"""账号、成员: people who log in, their roles in organisations, and their login tokens."""

from enum import Enum

from piccolo.columns import JSON, Boolean, ForeignKey, Text, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.columns.reference import LazyTableReference
from piccolo.table import Table


class Role(str, Enum):
    county_admin = "county_admin"
    street_admin = "street_admin"
    community_admin = "community_admin"
    community_staff = "community_staff"
    grid_worker = "grid_worker"
    unit_liaison = "unit_liaison"
    team_leader = "team_leader"
    volunteer = "volunteer"


class Account(Table):
    username = Varchar(length=60, unique=True)
    password_hash = Text()
    display_name = Varchar(length=60, default="")
    phone = Varchar(length=30, default="")
    locale = Varchar(length=10, default="zh_CN")
    active = Boolean(default=True)
    skills = JSON(default=[])
    must_change_password = Boolean(default=False, help_text="a one-time password was given (bulk set-up)")
    created_at = Timestamptz(default=TimestamptzNow())
    updated_at = Timestamptz(default=TimestamptzNow())


class Membership(Table):
    """An account's role in one organisation; the organisation's area sets the role's scope."""

    account = ForeignKey(references=Account, index=True)
    organization: ForeignKey[Table] = ForeignKey(  # lazy: orgs.tables imports this module
        references=LazyTableReference(table_class_name="Organization", module_path="jinlin.orgs.tables"),
        index=True,
    )
    role = Varchar(length=20, choices=Role)
    created_at = Timestamptz(default=TimestamptzNow())


class AuthToken(Table):
    """A login token; only its SHA-256 is stored, so a leaked table logs nobody in."""

    token_hash = Varchar(length=64, unique=True)
    account = ForeignKey(references=Account, index=True)
    created_at = Timestamptz(default=TimestamptzNow())
    expires_at = Timestamptz()
    revoked_at = Timestamptz(null=True, default=None)
