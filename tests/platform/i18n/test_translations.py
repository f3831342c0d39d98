"""Every msgid the templates and the navigation use has a zh_CN translation.

One test per template folder (and one per feature's NAV), so a gap names the feature and the
missing msgids; a feature mid-work fails only its own test.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from jinlin.core.i18n import TRANSLATIONS_DIR, catalog
from jinlin.core.settings import REPO_ROOT

TEMPLATES = REPO_ROOT / "frontend" / "templates"
# _("literal") or _('literal'); dynamic msgids (_(m.role)) are checked where their values are known.
MSGID = re.compile(r"""\b_\(\s*(["'])((?:(?!\1)[^\\]|\\.)+)\1\s*[,)]""")


def template_groups() -> dict[str, list[Path]]:
    groups: dict[str, list[Path]] = {"(top level)": sorted(TEMPLATES.glob("*.html"))}
    for folder in sorted(p for p in TEMPLATES.iterdir() if p.is_dir()):
        groups[folder.name] = sorted(folder.rglob("*.html"))
    return groups


def msgids_in(paths: list[Path]) -> dict[str, str]:
    found: dict[str, str] = {}
    for path in paths:
        for match in MSGID.finditer(path.read_text(encoding="utf-8")):
            found.setdefault(match.group(2), path.relative_to(TEMPLATES).as_posix())
    return found


def missing(msgids: dict[str, str]) -> list[str]:
    translated = catalog.__wrapped__("zh_CN")  # read the .po files afresh, not the cached merge
    return [f"{where}: {msgid!r}" for msgid, where in sorted(msgids.items()) if msgid not in translated]


@pytest.mark.parametrize("group", sorted(template_groups()))
def test_every_template_msgid_has_a_chinese_translation(group):
    gaps = missing(msgids_in(template_groups()[group]))
    assert not gaps, f"{len(gaps)} msgid(s) without a zh_CN translation in {TRANSLATIONS_DIR}:\n" + "\n".join(gaps)


def _nav_by_feature() -> dict[str, list[str]]:
    from jinlin.app import discover_features

    out: dict[str, list[str]] = {}
    for feature in discover_features():
        if (REPO_ROOT / "platform" / "jinlin" / feature / "pages.py").exists():
            out[feature] = []
    return out


@pytest.mark.parametrize("feature", sorted(_nav_by_feature()))
def test_every_navigation_label_has_a_chinese_translation(feature):
    import importlib

    module = importlib.import_module(f"jinlin.{feature}.pages")
    labels = {item.label: f"{feature}/pages.py NAV" for item in getattr(module, "NAV", [])}
    gaps = missing(labels)
    assert not gaps, "navigation labels without a zh_CN translation:\n" + "\n".join(gaps)


@pytest.mark.parametrize("code_kind", ["roles", "area levels", "organisation kinds"])
def test_codes_shown_through_gettext_have_chinese_labels(code_kind):
    from jinlin.accounts.tables import Role
    from jinlin.areas.tables import AreaLevel
    from jinlin.orgs.tables import OrganizationKind

    enum = {"roles": Role, "area levels": AreaLevel, "organisation kinds": OrganizationKind}[code_kind]
    gaps = missing({member.value: code_kind for member in enum})
    assert not gaps, "\n".join(gaps)


def test_the_chinese_catalog_is_really_used():
    assert catalog("zh_CN")["Areas"] == "区域"
    assert catalog("zh_CN")["Co-building units"] == "共建单位"


def test_no_msgid_has_two_different_chinese_translations():
    """The catalogs are merged into one, so a msgid translated two ways shows whichever file loads last
    (a "Start" button once read 开始时间). Give different meanings different msgids instead."""
    from babel.messages.pofile import read_po

    seen: dict[str, dict[str, list[str]]] = {}
    for po_file in sorted((TRANSLATIONS_DIR / "zh_CN" / "LC_MESSAGES").glob("*.po")):
        with po_file.open("rb") as fh:
            for message in read_po(fh):
                if message.id and message.string:
                    seen.setdefault(str(message.id), {}).setdefault(str(message.string), []).append(po_file.stem)
    clashes = {msgid: found for msgid, found in seen.items() if len(found) > 1}
    assert not clashes, f"msgids with different translations: {clashes}"


def test_the_run_button_and_the_shift_start_read_differently_in_chinese():
    zh = catalog.__wrapped__("zh_CN")
    assert zh["Start the run"] != zh["Start"]
