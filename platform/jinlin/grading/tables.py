"""双向定级考核: the county's grading settings (with validity), yearly rounds, who grades whom with the
evidence and the grade given, each organisation's result when a round closes, and replies to opinions."""

from enum import Enum

from piccolo.columns import JSON, Boolean, DoublePrecision, ForeignKey, Integer, Text, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from jinlin.accounts.tables import Account
from jinlin.areas.tables import Area
from jinlin.orgs.tables import Organization


class GradingSettings(Table):
    """One version of a county's rubric, grade thresholds and weights; in force from ``year_from`` until a
    version with a later ``year_from`` (the latest version of a year wins). A year is always computed with
    its own version, so changing weights this year never changes last year's grades."""

    county = ForeignKey(references=Area, index=True)
    year_from = Integer(index=True)
    rubric = JSON(default=[], help_text="[{key, label, weight, sources}]")
    thresholds = JSON(default={}, help_text="{excellent, good, fair}: lowest score of each grade")
    scorecard_weights = JSON(default={}, help_text="{metric key: weight}")
    show_grader = Boolean(default=False, help_text="opinions show the grader's name to the graded side")
    created_by = ForeignKey(references=Account, null=True, default=None)
    created_at = Timestamptz(default=TimestamptzNow())


class RoundStatus(str, Enum):
    open = "open"
    closed = "closed"


class GradingRound(Table):
    county = ForeignKey(references=Area, index=True)
    year = Integer(index=True)
    round_key = Varchar(length=40, unique=True, help_text="county:year (one round per county and year)")
    status = Varchar(length=10, choices=RoundStatus, default="open", index=True)
    opened_by = ForeignKey(references=Account, null=True, default=None)
    opened_at = Timestamptz(default=TimestamptzNow())
    closed_by = ForeignKey(references=Account, null=True, default=None)
    closed_at = Timestamptz(null=True, default=None)


class AssignmentStatus(str, Enum):
    pending = "pending"
    graded = "graded"


class GradingAssignment(Table):
    """One organisation grading another in a round: why they are paired, the evidence and the suggested
    scores computed when the round opened, and (once graded) the scores, opinion and override reason."""

    round = ForeignKey(references=GradingRound, index=True)
    grader = ForeignKey(references=Organization, index=True)
    gradee = ForeignKey(references=Organization, index=True)
    direction = Varchar(length=20, help_text="community_to_unit or unit_to_community")
    assignment_key = Varchar(length=60, unique=True, help_text="round:grader:gradee")
    basis = JSON(default=[], help_text="registered, called, matched, twinned")
    evidence = JSON(default={})
    suggested = JSON(default={}, help_text="{item key: 1-5}")
    suggested_score = DoublePrecision(default=3.0)
    status = Varchar(length=10, choices=AssignmentStatus, default="pending", index=True)
    scores = JSON(default={})
    score = DoublePrecision(null=True, default=None)
    opinion = Text(default="")
    override_reason = Text(default="")
    graded_by = ForeignKey(references=Account, null=True, default=None)
    graded_at = Timestamptz(null=True, default=None)


class GradeResult(Table):
    """An organisation's grade in a closed round: mean score received, 优秀/良好/一般/较差, rank in its kind."""

    round = ForeignKey(references=GradingRound, index=True)
    organization = ForeignKey(references=Organization, index=True)
    result_key = Varchar(length=40, unique=True, help_text="round:organization")
    kind = Varchar(length=20)
    score = DoublePrecision()
    grade = Varchar(length=10, help_text="excellent, good, fair, poor")
    rank = Integer()
    rank_of = Integer(help_text="organisations of the kind graded in the round")
    gradings = Integer(help_text="grades received")


class OpinionReply(Table):
    """互提意见 that get answers: the graded organisation's one reply to an opinion addressed to it."""

    assignment = ForeignKey(references=GradingAssignment, unique=True, index=True)
    organization = ForeignKey(references=Organization)
    body = Text()
    author = ForeignKey(references=Account, null=True, default=None)
    created_at = Timestamptz(default=TimestamptzNow())
