"""Command line: ``mfgghg run --year 2021``, ``mfgghg extract REPORT --year Y --out DIR``,
``mfgghg translations-needed --year Y`` and ``mfgghg refresh-notebooks`` (the installed script, or
``python -m mfgghg``)."""

from __future__ import annotations

import argparse
import os
import sys

from mfgghg.errors import MfgGhgError, ParameterError


def build_parser() -> argparse.ArgumentParser:
    # the installed script (.venv/bin/mfgghg) or python -m mfgghg: the usage names what was run
    prog = "mfgghg" if os.path.basename(sys.argv[0]) == "mfgghg" else "python -m mfgghg"
    p = argparse.ArgumentParser(prog=prog, description=__doc__)
    sub = p.add_subparsers(dest="command", required=True)

    run = sub.add_parser("run", help="run the notebook pipeline for a report year")
    years = run.add_mutually_exclusive_group()
    years.add_argument("--year", default="2021", help="report year, Gregorian (2021) or ROC (110); default 2021")
    years.add_argument("--years", help="several report years at once: 2021,2022 or a range 2021-2023")
    run.add_argument("--raw-root", default="data/raw", help="folder holding <year>/ raw data (default data/raw)")
    run.add_argument("--processed-root", default="data/processed", help="default data/processed")
    run.add_argument("--figures-root", default="figures", help="default figures")
    run.add_argument("--build-root", default="build", help="executed notebooks go to <build-root>/<year>/")
    run.add_argument("--lang", default=os.environ.get("FIG_LANG") or "zh-TW", choices=["zh-TW", "en", "all"],
                     help="figure language (default zh-TW, or $FIG_LANG); en writes figures/<year>/en/; all: both")
    run.add_argument("--jobs", type=int, default=None, help="kernels at once (default: one per core, plus one)")
    run.add_argument("--strict", action="store_true",
                     help="fail when a published figure differs from its recomputation without an explanation")

    extract = sub.add_parser("extract", help="draft a report year's raw data from the report's text or PDF, "
                                             "with a review file (see README: Adding the next report year)")
    extract.add_argument("report", help="the report: its text (UTF-8, with or without BOM, or Big5/CP950) or a .pdf")
    extract.add_argument("--year", default=None,
                         help="report year, Gregorian (2022) or ROC (111); checked against the year the report states"
                              " (default: that year)")
    extract.add_argument("--out", required=True, help="folder to write the draft into (data/raw/<year> only if named)")
    extract.add_argument("--force", action="store_true", help="write into an --out folder that is not empty")
    extract.add_argument("--previous", default=None,
                         help="the previous year's raw folder to compare with"
                              " (default: the newest data/raw/<year> before it)")

    needed = sub.add_parser("translations-needed",
                            help="list every text a year's English edition shows that has no English yet, "
                                 "as rows to fill in for data/reference/translations.csv")
    needed.add_argument("--year", required=True, help="report year, Gregorian (2022) or ROC (111)")
    needed.add_argument("--raw-root", default="data/raw", help="folder holding <year>/ raw data (default data/raw)")
    needed.add_argument("--out", default=None,
                        help="CSV to write the rows into (default build/<year>/translations_needed.csv)")

    refresh = sub.add_parser("refresh-notebooks", help="re-execute notebooks/ in place to refresh stored outputs")
    refresh.add_argument("notebooks", nargs="*", help="notebook files (default: all numbered notebooks)")
    return p


def main(argv: list[str] | None = None) -> int:
    os.environ.setdefault("PYDEVD_DISABLE_FILE_VALIDATION", "1")
    args = build_parser().parse_args(argv)
    try:
        if args.command == "run":
            if args.jobs is not None and args.jobs < 1:
                raise ParameterError(f"--jobs must be at least 1, not {args.jobs}")
            from mfgghg import KERNEL_NAME
            from mfgghg.data.paths import YearPaths, normalize_year
            from mfgghg.runner.pipeline import discover_notebooks, kernel_fork_server

            if args.years is None:  # a wrong year or a missing folder fails before anything starts
                YearPaths.for_year(normalize_year(args.year), raw_root=args.raw_root).require_raw()

            # Started first, so that its imports overlap this process's own; one server for every year
            # and edition of the command (it also validates the raw data, see pipeline.run_year).
            with kernel_fork_server(discover_notebooks(), KERNEL_NAME) as server:
                from mfgghg.runner.fast.pagewriter import shared_page_writer

                shared_page_writer()  # gets ready meanwhile, on whatever a core leaves idle
                return run_command(args, server)
        elif args.command == "extract":
            from mfgghg.data.extract import draft

            n, out = draft(args.report, args.out, year=args.year, force=args.force, previous=args.previous)
            print(f"wrote {n} files to {out}; see {out / 'review.md'}")
        elif args.command == "translations-needed":
            return translations_needed_command(args)
        elif args.command == "refresh-notebooks":
            from pathlib import Path

            from mfgghg.runner.notebooks import refresh_notebooks

            refresh_notebooks([Path(n) for n in args.notebooks] or None)
    except MfgGhgError as err:
        print(f"error: {err}", file=sys.stderr)
        return 1
    return 0


def run_command(args, server) -> int:
    from mfgghg.runner.pipeline import parse_years, run_year, run_years

    options = dict(raw_root=args.raw_root, processed_root=args.processed_root, figures_root=args.figures_root,
                   build_root=args.build_root, strict=args.strict, fork_server=server)
    for lang in (["zh-TW", "en"] if args.lang == "all" else [args.lang]):
        if args.years is None:
            run_year(args.year, jobs=args.jobs, lang=lang, **options)
            continue
        outcomes = run_years(parse_years(args.years), jobs=args.jobs, lang=lang, **options)
        failed = {y: o for y, o in outcomes.items() if isinstance(o, Exception)}
        for y, o in outcomes.items():
            line = f"{y} ({lang}): {'failed: ' + str(o) if y in failed else 'ok'}"
            print(line, file=sys.stderr if y in failed else sys.stdout)
        if failed:
            print(f"error: {len(failed)} of {len(outcomes)} report years failed ({lang})", file=sys.stderr)
            return 1
    return 0


def translations_needed_command(args) -> int:
    from mfgghg.data.paths import YearPaths, normalize_year, relative_to_repo, resolve
    from mfgghg.runner.translations_needed import translations_needed, write_rows

    year = normalize_year(args.year)
    YearPaths.for_year(year, raw_root=args.raw_root).require_raw()
    rows = translations_needed(year, args.raw_root)
    if not rows:
        print(f"every text the English edition of {year} shows has its English")
        return 0
    out = write_rows(rows, args.out or resolve("build") / str(year) / "translations_needed.csv")
    print(f"{len(rows)} texts of the English edition of {year} have no English: listed in "
          f"{relative_to_repo(out, 'full')} (fill in en, check kind and note, then add the rows to "
          f"data/reference/translations.csv)")
    return 1
