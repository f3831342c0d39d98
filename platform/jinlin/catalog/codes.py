"""The code lists of API.md: categories (类别), beneficiary groups (受益群体) and colours (分色).

Labels are English msgids; the Chinese ones live in ``catalog.po``.
"""

from __future__ import annotations

from enum import Enum


class Category(str, Enum):
    elder_care = "elder_care"
    disability_support = "disability_support"
    child_care = "child_care"
    education = "education"
    health = "health"
    legal_aid = "legal_aid"
    home_repair = "home_repair"
    environment = "environment"
    safety = "safety"
    culture_sports = "culture_sports"
    employment = "employment"
    psychological = "psychological"
    funding = "funding"
    venue = "venue"
    materials = "materials"
    other = "other"


CATEGORY_LABELS = {
    "elder_care": "Elder care",
    "disability_support": "Disability support",
    "child_care": "Child care",
    "education": "Education and tutoring",
    "health": "Health",
    "legal_aid": "Legal aid",
    "home_repair": "Home repair",
    "environment": "Environment and cleaning",
    "safety": "Safety",
    "culture_sports": "Culture and sports",
    "employment": "Employment",
    "psychological": "Psychological support",
    "funding": "Funding",
    "venue": "Venue",
    "materials": "Materials",
    "other": "Other",
}


class BeneficiaryGroup(str, Enum):
    empty_nest_elderly = "empty_nest_elderly"
    disabled = "disabled"
    minimum_living_allowance = "minimum_living_allowance"  # 低保家庭 (narrower than low_income)
    low_income = "low_income"
    floating_population = "floating_population"
    rental_housing = "rental_housing"
    released_prisoner = "released_prisoner"
    community_corrections = "community_corrections"
    children = "children"
    other = "other"


BENEFICIARY_LABELS = {
    "empty_nest_elderly": "Empty-nest elderly",
    "disabled": "People with disabilities",
    "minimum_living_allowance": "Minimum living allowance households",
    "low_income": "Low-income households",
    "floating_population": "Floating population",
    "rental_housing": "Rental housing residents",
    "released_prisoner": "Released prisoners",
    "community_corrections": "Community corrections",
    "children": "Children",
    "other": "Other groups",
}

# 重点人群: the focus groups of the grid's own records (households.*, visits.*); a county may add tags.
FOCUS_GROUPS = (
    "empty_nest_elderly",
    "disabled",
    "minimum_living_allowance",
    "floating_population",
    "rental_housing",
    "released_prisoner",
    "community_corrections",
)


class Colour(str, Enum):
    red = "red"
    orange = "orange"
    yellow = "yellow"
    green = "green"


COLOURS = [c.value for c in Colour]
COLOUR_LABELS = {"red": "Red", "orange": "Orange", "yellow": "Yellow", "green": "Green"}


def as_list(value: object) -> list:
    """A JSON column's value as a list (SQLite hands back text, PostgreSQL may too)."""
    import json

    if value is None or value == "":
        return []
    if isinstance(value, str):
        return list(json.loads(value))
    return list(value)  # type: ignore[call-overload]
