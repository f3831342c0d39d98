"""Who is asking: an account with its memberships, and the scope rules that follow from them.

Community roles act inside their community's subtree, street staff inside their street's subtree,
county admins everywhere; a unit's liaison (or a team's leader) acts for that organisation only.
"""

from __future__ import annotations

from dataclasses import dataclass, field

STAFF_ROLES = frozenset({"county_admin", "street_admin", "community_admin", "community_staff", "grid_worker"})
COMMUNITY_ROLES = frozenset({"community_admin", "community_staff", "grid_worker"})
AREA_ADMIN_ROLES = frozenset({"county_admin", "street_admin", "community_admin"})
UNIT_ROLES = frozenset({"unit_liaison", "team_leader"})


@dataclass(frozen=True, slots=True)
class MembershipInfo:
    organization_id: int
    organization_name: str
    organization_kind: str
    role: str
    area_id: int
    area_path: str


@dataclass(frozen=True, slots=True)
class Principal:
    account_id: int
    username: str
    display_name: str
    locale: str
    memberships: tuple[MembershipInfo, ...] = field(default_factory=tuple)
    token_digest: str = ""
    must_change_password: bool = False  # given a one-time password: pages ask for a new one first

    # -- roles -------------------------------------------------------------------------------
    @property
    def roles(self) -> frozenset[str]:
        return frozenset(m.role for m in self.memberships)

    def has_role(self, *roles: str) -> bool:
        return bool(self.roles.intersection(roles))

    @property
    def is_county_admin(self) -> bool:
        return "county_admin" in self.roles

    @property
    def is_staff(self) -> bool:
        return bool(self.roles & STAFF_ROLES)

    @property
    def primary(self) -> MembershipInfo | None:
        """The membership the home page is about: the widest-reaching one first."""
        order = [
            "county_admin",
            "street_admin",
            "community_admin",
            "community_staff",
            "grid_worker",
            "unit_liaison",
            "team_leader",
            "volunteer",
        ]
        ranked = sorted(self.memberships, key=lambda m: order.index(m.role) if m.role in order else 99)
        return ranked[0] if ranked else None

    # -- scope -------------------------------------------------------------------------------
    def area_paths(self, roles: frozenset[str] = STAFF_ROLES) -> list[str]:
        return [m.area_path for m in self.memberships if m.role in roles]

    def covers_area(self, area_path: str, roles: frozenset[str] = STAFF_ROLES) -> bool:
        """Whether ``area_path`` lies in the subtree of an area the principal has one of ``roles`` in."""
        return any(area_path.startswith(p) for p in self.area_paths(roles))

    def can_manage_area(self, area_path: str) -> bool:
        """County and street admins manage their subtree; community admins what lies below their community."""
        for m in self.memberships:
            if m.role in ("county_admin", "street_admin") and area_path.startswith(m.area_path):
                return True
            if m.role == "community_admin" and area_path.startswith(m.area_path) and area_path != m.area_path:
                return True
        return False

    def org_ids(self, roles: frozenset[str] | None = None) -> frozenset[int]:
        return frozenset(m.organization_id for m in self.memberships if roles is None or m.role in roles)

    def acts_for(self, organization_id: int, roles: frozenset[str] | None = None) -> bool:
        return organization_id in self.org_ids(roles)

    @property
    def community_ids(self) -> frozenset[int]:
        return self.org_ids(COMMUNITY_ROLES)

    @property
    def unit_ids(self) -> frozenset[int]:
        return self.org_ids(UNIT_ROLES)
