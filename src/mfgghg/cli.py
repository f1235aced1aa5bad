"""Command line: ``python -m mfgghg run --year 2021`` and ``python -m mfgghg refresh-notebooks``."""

from __future__ import annotations

import argparse
import os
import sys

from .errors import MfgGhgError


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m mfgghg", description=__doc__)
    sub = p.add_subparsers(dest="command", required=True)

    run = sub.add_parser("run", help="run the notebook pipeline for a report year")
    run.add_argument("--year", default="2021", help="report year, Gregorian (2021) or ROC (110); default 2021")
    run.add_argument("--raw-root", default="data/raw", help="folder holding <year>/ raw data (default data/raw)")
    run.add_argument("--processed-root", default="data/processed", help="default data/processed")
    run.add_argument("--figures-root", default="figures", help="default figures")
    run.add_argument("--build-root", default="build", help="executed notebooks go to <build-root>/<year>/")
    run.add_argument("--strict", action="store_true",
                     help="fail when a published figure differs from its recomputation without an explanation")

    refresh = sub.add_parser("refresh-notebooks", help="re-execute notebooks/ in place to refresh stored outputs")
    refresh.add_argument("notebooks", nargs="*", help="notebook files (default: all numbered notebooks)")
    return p


def main(argv: list[str] | None = None) -> int:
    os.environ.setdefault("PYDEVD_DISABLE_FILE_VALIDATION", "1")
    args = build_parser().parse_args(argv)
    try:
        if args.command == "run":
            from .pipeline import run_year

            run_year(args.year, args.raw_root, args.processed_root, args.figures_root, args.build_root,
                     strict=args.strict)
        elif args.command == "refresh-notebooks":
            from pathlib import Path

            from .notebooks import refresh_notebooks

            refresh_notebooks([Path(n) for n in args.notebooks] or None)
    except MfgGhgError as err:
        print(f"error: {err}", file=sys.stderr)
        return 1
    return 0
