"""Command line: ``python -m helpers.pipeline {run,book,all} --profile NAME [--part PART]``.

``run`` executes the profile's notebooks part by part (reusing unchanged steps; ``--part``
runs one part), ``book`` builds the Jupyter Book from that run, ``all`` does both. Exit
status 1 with a one-line reason on failure (which step, which cell), so ``make`` stops there.
"""

from __future__ import annotations

import argparse
import sys
import time

from helpers.paths import repo_root


def main(argv: list[str] | None = None) -> int:
    from helpers.config import ParamError
    from helpers.pipeline.book import BookBuildFailed, build
    from helpers.pipeline.runner import StepFailed, run_profile

    parser = argparse.ArgumentParser(prog="python -m helpers.pipeline", description=__doc__)
    parser.add_argument("command", choices=["run", "book", "all"])
    parser.add_argument("--profile", default="default", help="params/<profile>.yaml (ci, default, full)")
    parser.add_argument("--part", action="append",
                        help="run only this part (a block under the profile's parts:); repeatable")
    parser.add_argument("--only", nargs="*", help="run only these steps of the selected parts")
    parser.add_argument("--force", action="store_true", help="re-run steps even if unchanged")
    args = parser.parse_args(argv)
    root = repo_root()
    start = time.time()
    try:
        if args.command in ("run", "all"):
            records = run_profile(args.profile, root, parts=args.part, only=args.only, force=args.force)
            total = sum(r.get("seconds", 0) for r in records if r)
            print(f"[{args.profile}] pipeline: {len(records)} step(s); recorded step time {total:.0f} s")
        if args.command in ("book", "all"):
            build(root, args.profile)
    except (StepFailed, BookBuildFailed, ParamError) as err:
        print(f"error: {err}", file=sys.stderr)
        return 1
    print(f"[{args.profile}] finished in {time.time() - start:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
