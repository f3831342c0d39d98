"""Command line: ``python -m matching solve INSTANCE.json [-o SOLUTION.json] [--time-limit SECONDS]``."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .api import solve
from .load import load
from .model import InstanceError


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m matching", description="Jinlin matcher")
    sub = parser.add_subparsers(dest="command", required=True)
    s = sub.add_parser("solve", help="solve an instance and write its solution document")
    s.add_argument("instance", help="instance JSON file, or - for standard input")
    s.add_argument("-o", "--output", help="solution file (default: standard output)")
    s.add_argument("--time-limit", type=float, metavar="SECONDS", help="overrides options.time_limit_s")
    s.add_argument("--timing", action="store_true",
                   help="include stats.wall_s (output is then not reproducible)")
    s.add_argument("--indent", type=int, default=None, help="pretty-print with this indent")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if args.time_limit is not None and not args.time_limit > 0:
        print("--time-limit: must be a positive number", file=sys.stderr)
        return 2
    try:
        problem = load(args.instance)
        solution = solve(problem, time_limit=args.time_limit)
    except InstanceError as exc:
        print(str(exc).splitlines()[0], file=sys.stderr)
        return 2
    text = solution.to_json(include_timing=args.timing, indent=args.indent) + "\n"
    if args.output and args.output != "-":
        out = Path(args.output)
        tmp = out.with_name(out.name + ".tmp")
        tmp.write_text(text, encoding="utf-8")
        tmp.replace(out)
    else:
        sys.stdout.write(text)
    return 0
