"""Command line: ``python -m matching solve INSTANCE.json [-o SOLUTION.json] [--time-limit SECONDS]``."""

from __future__ import annotations

import argparse
import ctypes
import gc
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
    s.add_argument("--timing", action="store_true", help="include stats.wall_s (output is then not reproducible)")
    s.add_argument("--indent", type=int, default=None, help="pretty-print with this indent")
    return parser


def _keep_freed_memory() -> None:
    """Ask glibc's malloc to keep freed blocks for reuse instead of handing every large NumPy
    temporary back to the kernel and faulting fresh pages in for the next one (a tenth of the
    candidate building time at 100k needs). Only for this one-shot process; elsewhere a no-op."""
    try:
        libc = ctypes.CDLL("libc.so.6")
        libc.mallopt(-3, 1 << 25)  # M_MMAP_THRESHOLD: its maximum, 32 MiB
        libc.mallopt(-1, 1 << 30)  # M_TRIM_THRESHOLD
    except (OSError, AttributeError):  # pragma: no cover - not glibc
        pass


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if args.time_limit is not None and not args.time_limit > 0:
        print("--time-limit: must be a positive number", file=sys.stderr)
        return 2
    # a run that builds no cycles worth collecting: the collector would only re-walk the instance's and
    # the solution's hundreds of thousands of containers (restored after, for callers in-process)
    was = gc.isenabled()
    gc.disable()
    _keep_freed_memory()
    try:
        return _run(args)
    finally:
        if was:
            gc.enable()


def _run(args: argparse.Namespace) -> int:
    try:
        problem = load(args.instance)
        solution = solve(problem, time_limit=args.time_limit)
    except InstanceError as exc:
        print(str(exc).splitlines()[0], file=sys.stderr)
        return 2
    data = solution.to_json_bytes(include_timing=args.timing, indent=args.indent, rows_as_built=True) + b"\n"
    if args.output and args.output != "-":
        out = Path(args.output)
        tmp = out.with_name(out.name + ".tmp")
        tmp.write_bytes(data)
        tmp.replace(out)
    elif hasattr(sys.stdout, "buffer"):
        sys.stdout.flush()
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
    else:  # a text stream without bytes underneath (e.g. io.StringIO in a test)
        sys.stdout.write(data.decode("utf-8"))
    return 0
