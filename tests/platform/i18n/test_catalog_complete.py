"""Every message the code can show has a zh_CN translation: a walk over the message sources.

Sources: domain errors raised with a literal message (and no f-strings there: a formatted message can't be
looked up, give the values as ``params``), import row errors, and ``translate``/``gettext``/``ngettext``/``_``
calls in the code. Templates' ``_()`` calls and NAV labels are walked by test_translations.py.
"""

from __future__ import annotations

import ast

from jinlin.core import errors as domain_errors
from jinlin.core.i18n import catalog
from jinlin.core.settings import REPO_ROOT

CODE = REPO_ROOT / "platform" / "jinlin"
ERRORS = {
    name
    for name, obj in vars(domain_errors).items()
    if isinstance(obj, type) and issubclass(obj, domain_errors.DomainError)
} | {"ImportRejected"}
TRANSLATORS = {"translate", "gettext", "ngettext", "_", "_err"}  # _err: the set-up importers' row errors
MSGID_ARG = {"RowError": 2, "_err": 3}


def _name(call: ast.Call) -> str | None:
    if isinstance(call.func, ast.Name):
        return call.func.id
    return call.func.attr if isinstance(call.func, ast.Attribute) else None


def _sources() -> tuple[dict[str, str], list[str]]:
    """(msgid -> where, [formatted messages that can't be translated])."""
    found: dict[str, str] = {}
    formatted: list[str] = []
    for path in sorted(CODE.rglob("*.py")):
        if "migrations" in path.parts:
            continue
        where = path.relative_to(REPO_ROOT).as_posix()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            name = _name(node)
            if name == "WrongStatus":  # WrongStatus(thing, current, action): its words are looked up prefixed
                for prefix, arg in (("thing", node.args[0]), ("action", node.args[2] if len(node.args) > 2 else None)):
                    for option in [arg.body, arg.orelse] if isinstance(arg, ast.IfExp) else [arg]:
                        if isinstance(option, ast.Constant) and isinstance(option.value, str):
                            found.setdefault(f"{prefix}: {option.value}", f"{where}:{node.lineno}")
                continue
            index = MSGID_ARG.get(name or "", 0)
            if name not in ERRORS | TRANSLATORS | set(MSGID_ARG) or len(node.args) <= index:
                continue
            arg = node.args[index]
            options = [arg.body, arg.orelse] if isinstance(arg, ast.IfExp) else [arg]
            for option in options:
                if isinstance(option, ast.Constant) and isinstance(option.value, str):
                    found.setdefault(option.value, f"{where}:{node.lineno}")
                elif isinstance(option, ast.JoinedStr) and name in ERRORS | {"RowError"}:
                    formatted.append(f"{where}:{node.lineno}: {ast.unparse(option)}")
    return found, formatted


def test_every_message_in_the_code_has_a_chinese_translation():
    translated = catalog.__wrapped__("zh_CN")
    found, _ = _sources()
    assert len(found) > 150  # the walk really finds the messages
    gaps = [
        f"{where}: {msgid!r}" for msgid, where in sorted(found.items(), key=lambda kv: kv[1]) if msgid not in translated
    ]
    assert not gaps, f"{len(gaps)} message(s) without a zh_CN translation:\n" + "\n".join(gaps)


def test_no_error_message_is_formatted_before_it_is_translated():
    _, formatted = _sources()
    assert not formatted, "give the values as params=..., not an f-string:\n" + "\n".join(formatted)


def test_a_templated_domain_error_reads_in_chinese_with_its_numbers():
    from jinlin.core.errors import Conflict, WrongStatus
    from jinlin.core.i18n import current_locale

    token = current_locale.set("zh_CN")
    try:
        assert Conflict("The offer has {n} left", params={"n": 30}).localized() == "该资源只剩 30"
        assert Conflict("The offer has {n} left", params={"n": 30}).message == "The offer has 30 left"
        assert WrongStatus("need", "resolved", "edit").localized() == "需求当前为“已解决”，不能修改"
    finally:
        current_locale.reset(token)
