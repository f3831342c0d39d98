"""通知: in-app notifications, to an organisation (all its members see it) or to one account."""

from piccolo.columns import Boolean, ForeignKey, Integer, Text, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from jinlin.accounts.tables import Account
from jinlin.orgs.tables import Organization


class Notification(Table):
    organization = ForeignKey(references=Organization, null=True, default=None, index=True)
    account = ForeignKey(references=Account, null=True, default=None, index=True)
    kind = Varchar(length=40)  # e.g. match_proposed, match_accepted, rated, shift_reminder
    title = Varchar(length=255)  # an English msgid with {placeholders}; pages translate and format it
    params = Varchar(length=1000, default="{}")  # JSON of the placeholders
    link = Varchar(length=255, default="")
    object_type = Varchar(length=40, default="")
    object_id = Integer(null=True, default=None)
    created_at = Timestamptz(default=TimestamptzNow(), index=True)
    read_at = Timestamptz(null=True, default=None)
    # Grouping: notices of one run, call or escalation batch to one recipient bump one row (until it is read
    # or sent on), shown with ``group_title`` and ``group_count``.
    group_key = Varchar(length=80, default="", index=True)
    group_title = Varchar(length=255, default="")
    group_count = Integer(default=1)
    urgency = Varchar(length=10, default="")  # "" (the kind's default) | low | normal | high
    dispatched_at = Timestamptz(null=True, default=None, index=True)  # outbox: planned for other channels


class ContactPoint(Table):
    """An account's e-mail address or mobile number for delivery; used only once verified by a code.

    Personal data (PIPL): read only by the delivery task and by its owner (masked everywhere else)."""

    account = ForeignKey(references=Account, index=True)
    channel = Varchar(length=10)  # email | sms
    key = Varchar(length=40, unique=True)  # "<account>:<channel>": one address per account and channel
    address = Varchar(length=120)
    verified_at = Timestamptz(null=True, default=None)
    code_hash = Varchar(length=64, default="")
    code_expires_at = Timestamptz(null=True, default=None)
    code_attempts = Integer(default=0)
    created_at = Timestamptz(default=TimestamptzNow())


class Preference(Table):
    """An account's choice for one notification kind: which channels beside the bell, and digest or not."""

    account = ForeignKey(references=Account, index=True)
    kind = Varchar(length=40)
    key = Varchar(length=60, unique=True)  # "<account>:<kind>"
    channels = Varchar(length=60, default="")  # comma-separated: email, sms
    digest = Boolean(default=False)
    updated_at = Timestamptz(default=TimestamptzNow())


class DeliveryProfile(Table):
    """Per-account delivery settings that are not per kind."""

    account = ForeignKey(references=Account, unique=True)
    quiet_hours = Boolean(default=True)  # no SMS 22:00-07:00 China time except urgent items


class Robot(Table):
    """An organisation's work-chat group robot. Its token and secret are sealed at rest and never shown back."""

    organization = ForeignKey(references=Organization, index=True)
    kind = Varchar(length=10)  # wecom | dingtalk | feishu
    # Sealed like residents' records (core.crypto, ``jinlin pii rotate-key``); read through robots.py.
    token_enc = Text(default="")  # the webhook key / access_token / hook id
    secret_enc = Text(default="")  # signing secret (DingTalk, Feishu); '' when unsigned
    kinds = Varchar(length=500, default="")  # comma-separated notification kinds; "" = every kind
    active = Boolean(default=True)
    created_at = Timestamptz(default=TimestamptzNow())


class Delivery(Table):
    """One message to one recipient on one channel, and its fate. ``key`` makes a second send impossible."""

    key = Varchar(length=120, unique=True)  # idempotency: "n<notification>:<channel>:a<account>" etc.
    notification = ForeignKey(references=Notification, null=True, default=None, index=True)
    account = ForeignKey(references=Account, null=True, default=None, index=True)
    robot = ForeignKey(references=Robot, null=True, default=None)
    digest: ForeignKey["Delivery"] = ForeignKey(
        references="self", null=True, default=None, index=True
    )  # the digest that carried it
    kind = Varchar(length=40)
    channel = Varchar(length=10, index=True)  # email | sms | wecom | dingtalk | feishu
    recipient = Varchar(length=120, default="")  # masked, for people to read
    status = Varchar(length=12, index=True)  # queued | sending | sent | failed | digest | digested | skipped
    urgent = Boolean(default=False)
    not_before = Timestamptz(null=True, default=None, index=True)
    attempts = Integer(default=0)
    provider_id = Varchar(length=120, default="")
    error = Varchar(length=255, default="")
    payload = Varchar(length=200, default="")  # a verification code until sent, then cleared
    created_at = Timestamptz(default=TimestamptzNow(), index=True)
    updated_at = Timestamptz(default=TimestamptzNow())
    sent_at = Timestamptz(null=True, default=None)


class DeliveryAttempt(Table):
    """Every try, successful or not, for the delivery log."""

    delivery = ForeignKey(references=Delivery, index=True)
    at = Timestamptz(default=TimestamptzNow())
    outcome = Varchar(length=12)  # sent | temporary | permanent | throttled
    provider_id = Varchar(length=120, default="")
    error = Varchar(length=255, default="")
