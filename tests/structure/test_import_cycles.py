"""No import cycles in ``jinlin`` or ``matching`` (function-level imports count too), and ``matching``
imports nothing from ``jinlin``."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from import_graph import cycles, graph


def test_no_module_imports_itself_through_others():
    assert cycles(graph()) == []


def test_the_matcher_imports_nothing_from_the_platform():
    g = graph()
    assert {
        m: sorted(d for d in deps if d.startswith("jinlin"))
        for m, deps in g.items()
        if m.startswith("matching") and any(d.startswith("jinlin") for d in deps)
    } == {}


def test_the_check_finds_a_cycle_when_there_is_one():
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
