"""组织 and 报到: organisations of every kind, and units' or party members' registration with a community."""

from enum import Enum

from piccolo.columns import ForeignKey, Text, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from jinlin.accounts.tables import Account
from jinlin.areas.tables import Area


class OrganizationKind(str, Enum):
    community = "community"
    street_office = "street_office"
    enterprise = "enterprise"
    agency = "agency"
    village = "village"
    social_org = "social_org"
    volunteer_team = "volunteer_team"


# Co-building units (共建单位): the kinds that give rather than govern.
UNIT_KINDS = frozenset({"enterprise", "agency", "village", "social_org", "volunteer_team"})


class Organization(Table):
    name = Varchar(length=120, index=True)
    kind = Varchar(length=20, choices=OrganizationKind, index=True)
    area = ForeignKey(references=Area, index=True)
    contact_name = Varchar(length=60, default="")
    contact_phone = Varchar(length=30, default="")
    description = Text(default="")
    created_at = Timestamptz(default=TimestamptzNow())
    updated_at = Timestamptz(default=TimestamptzNow())


class RegistrationKind(str, Enum):
    unit = "unit"
    party_member = "party_member"


class Registration(Table):
    """报到: a unit (双报到) or an in-service party member reporting to a community."""

    community = ForeignKey(references=Organization, index=True)
    kind = Varchar(length=20, choices=RegistrationKind)
    organization = ForeignKey(references=Organization, null=True, default=None, index=True)
    account = ForeignKey(references=Account, null=True, default=None, index=True)
    note = Text(default="")
    status = Varchar(length=10, default="active", choices=None)
    registered_at = Timestamptz(default=TimestamptzNow())
    ended_at = Timestamptz(null=True, default=None)
