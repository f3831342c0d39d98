"""The purpose-checked access service: every read of a resident's record goes through here.

Who may read a household's residents (PIPL: minimum necessary, purpose limitation):
- the posts of its grid (网格员, 网格工作组组长, 下沉人员 on that grid) and the community's 网格总长;
- the community's admins;
- an account the community granted access to, for a stated purpose, until the grant ends.
Street and county staff see counts per focus group and area (``counts``), never names; everyone else nothing.
Each full-record view, ID reveal, search, visit-history read and export writes a ``RecordAccess`` row (who,
when, why); lists show addresses and focus groups only.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from piccolo.columns.combination import Or

from jinlin.areas.tables import Area
from jinlin.auth.principal import Principal
from jinlin.core import clock
from jinlin.core.errors import NotFound
from jinlin.households.tables import AccessGrant, Household, RecordAccess
from jinlin.posts.holders import area_paths_of_account
from jinlin.posts.tables import GRID_WORKER_KINDS

# Posts whose duty covers a grid's residents: the grid's own posts and the community's 网格总长.
DUTY_POSTS = GRID_WORKER_KINDS | {"department_staff", "grid_chief"}
# Who a community may lend its records to: staff of the community itself or of its street office (PIPL:
# residents' records never go to units, volunteers or other communities). A grant counts only while its
# holder still works there, so a grant outlives no one's job.
GRANTEE_ROLES = frozenset({"street_admin", "community_admin", "community_staff", "grid_worker"})


def may_hold_grant(memberships: list[tuple[str, str]], area_path: str) -> bool:
    """Whether an account with these (role, area path) memberships may be lent records of ``area_path``."""
    return any(role in GRANTEE_ROLES and area_path.startswith(path) for role, path in memberships)


@dataclass(frozen=True, slots=True)
class Grant:
    id: int
    path: str
    purpose: str


@dataclass(frozen=True, slots=True)
class Scope:
    """What one principal may read, resolved once per request."""

    account_id: int
    admin_community_ids: frozenset[int] = frozenset()
    post_paths: tuple[str, ...] = ()
    grants: tuple[Grant, ...] = field(default_factory=tuple)

    @property
    def empty(self) -> bool:
        return not (self.admin_community_ids or self.post_paths or self.grants)

    def basis(self, household: dict[str, Any]) -> tuple[str, str] | None:
        """(basis, purpose) on which the household may be read, or None."""
        path = household["grid.path"]
        if any(path.startswith(p) for p in self.post_paths):
            return "grid_post", "grid duty"
        if household["community"] in self.admin_community_ids:
            return "community_admin", "community administration"
        for grant in self.grants:
            if path.startswith(grant.path):
                return "grant", grant.purpose
        return None

    def household_clause(self) -> Any:
        """A WHERE clause on Household for everything readable (only call when not ``empty``)."""
        clauses: list[Any] = [Household.grid.path.like(f"{p}%") for p in self.post_paths]
        clauses += [Household.grid.path.like(f"{g.path}%") for g in self.grants]
        if self.admin_community_ids:
            clauses.append(Household.community.is_in(sorted(self.admin_community_ids)))
        clause = clauses[0]
        for other in clauses[1:]:
            clause = Or(clause, other)
        return clause

    def can_write(self, household: dict[str, Any]) -> bool:
        """Grants are for reading; keeping the records is the duty of the grid's posts and the admins."""
        found = self.basis(household)
        return found is not None and found[0] != "grant"

    def can_write_grid(self, community_id: int, grid_path: str) -> bool:
        return self.can_write({"community": community_id, "grid.path": grid_path})


async def scope_of(principal: Principal) -> Scope:
    now = clock.now()
    grants = await AccessGrant.select(
        AccessGrant.id, AccessGrant.area.path.as_alias("path"), AccessGrant.purpose
    ).where(
        (AccessGrant.account == principal.account_id)
        & AccessGrant.revoked_at.is_null()
        & (AccessGrant.starts_at <= now)
        & (AccessGrant.ends_at > now)
    )
    return Scope(
        account_id=principal.account_id,
        admin_community_ids=principal.org_ids(frozenset({"community_admin"})),
        post_paths=tuple(await area_paths_of_account(principal.account_id, DUTY_POSTS)),
        grants=tuple(
            Grant(g["id"], g["path"], g["purpose"])
            for g in grants
            if may_hold_grant([(m.role, m.area_path) for m in principal.memberships], g["path"])
        ),
    )


def household_select():
    return Household.select(*Household.all_columns(), Household.grid.path, Household.grid.name)


async def readable_household(principal: Principal, household_id: int) -> tuple[dict[str, Any], Scope, tuple[str, str]]:
    """The household row if the principal may read it; otherwise NotFound (never say it exists)."""
    scope = await scope_of(principal)
    row = await household_select().where(Household.id == household_id).first()
    basis = scope.basis(row) if row is not None else None
    if row is None or basis is None:
        raise NotFound("Household not found")
    return row, scope, basis


async def log_access(
    principal: Principal,
    action: str,
    basis: str,
    purpose: str,
    *,
    household_id: int | None = None,
    resident_id: int | None = None,
    count: int = 1,
) -> None:
    """One audit row of the access service; call inside the request's transaction."""
    await RecordAccess.insert(
        RecordAccess(
            at=clock.now(),
            account=principal.account_id,
            action=action,
            household=household_id,
            resident=resident_id,
            basis=basis,
            purpose=purpose[:200],
            rows_seen=count,
        )
    )


async def area_of(area_id: int) -> dict[str, Any] | None:
    return await Area.select().where(Area.id == area_id).first()


async def community_of_grid(community_area_id: int | None) -> int | None:
    """The community organisation whose area is the grid's parent."""
    from jinlin.orgs.tables import Organization

    row = (
        await Organization.select(Organization.id)
        .where((Organization.kind == "community") & (Organization.area == community_area_id))
        .first()
    )
    return row["id"] if row else None
