"""``make bench``: the speed figures of every part on this machine, printed and recorded.

Shared timing tools live here (medians of functions timed in turns, the matrix-multiply
peak, a run's per-step wall times); each part measures its own figures through its
contract's ``bench(profile, root) -> dict`` (:mod:`helpers.pipeline.contract`), and
counts its own wall time where a step record under-counts it (``step_seconds``). A part
without a bench, or whose run folder is missing, is skipped with a note.
Everything lands in ``runs/bench/bench.json`` (atomically), which the book's environment
appendix shows. Figures from a shared, noisy machine: compare ratios, and medians across runs.

Explained in the book: {ref}`environment-speed-levers`.
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from collections.abc import Callable
from pathlib import Path

from helpers.paths import atomic_write_text, repo_root
from helpers.pipeline.parts import load, part_run_dir
from helpers.pipeline.profiles import load_profile


def interleaved_medians(fns: list[Callable[[], object]], repeats: int) -> list[float]:
    """Median seconds of each function, timed in turns (A B A B ...), so a drift of the
    machine's speed during the measurement affects every function alike."""
    times: list[list[float]] = [[] for _ in fns]
    for _ in range(repeats):
        for fn, own in zip(fns, times, strict=True):
            start = time.perf_counter()
            fn()
            own.append(time.perf_counter() - start)
    return [statistics.median(own) for own in times]


def median_time(fn: Callable[[], object], repeats: int) -> float:
    """Median seconds of ``fn`` over ``repeats`` calls."""
    return interleaved_medians([fn], repeats)[0]


def matmul_peak(size: int = 2048, rounds: int = 5, repeats: int = 3) -> float:
    """fp32 GFLOP/s of a ``size`` x ``size`` matmul at torch's current thread count: the best
    of ``rounds`` rounds, each the median of ``repeats`` calls. A peak is what the machine
    can do, so the best round is the estimate (on a shared machine a median over
    all calls reads a neighbour's load as a slower machine; a round's own median keeps one
    lucky call from counting)."""
    import torch

    a, b = torch.randn(size, size), torch.randn(size, size)
    a @ b
    return max(2 * size**3 / median_time(lambda: a @ b, repeats) / 1e9 for _ in range(rounds))


REFERENCE_PEAK = 175.0
"""GFLOP/s of the reference machine the book's time budgets are stated for (2 cores)."""


def normalised_minutes(seconds: float, peak: float) -> float:
    """A wall time as it would read on the reference machine: minutes x (peak / reference)."""
    return seconds / 60 * peak / REFERENCE_PEAK


def step_times(run_dir: Path) -> dict[str, float]:
    """Per-step wall times of a part's last run, from its step records."""
    steps = {}
    for record in sorted((Path(run_dir) / "steps").glob("*.json")):
        rec = json.loads(record.read_text())
        steps[rec["step"]] = rec["seconds"]
    return steps


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--profile", default="default")
    parser.add_argument("--part", action="append", help="bench only this part; repeatable (default: every part)")
    args = parser.parse_args(argv)
    root = repo_root()
    names = [load(name).name for name in args.part] if args.part else list(load_profile(args.profile, root)["parts"])
    result: dict = {"profile": args.profile, "parts": {}}
    before = matmul_peak()
    print(f"matmul peak before the parts' benches: {before:.0f} GFLOP/s (best of 5 rounds)")
    for name in names:
        contract = load(name)
        run_dir = part_run_dir(root, args.profile, name)
        if contract.bench is None or not (run_dir / "steps").is_dir():
            print(f"[{name}] skipped: " + ("the part has no bench" if contract.bench is None else
                                            f"{run_dir} has no run: run the {args.profile!r} profile first"))
            continue
        print(f"[{name}]")
        figures = contract.bench(args.profile, root)
        steps = (contract.step_seconds or step_times)(run_dir)
        total = sum(steps.values())
        for step, seconds in steps.items():
            print(f"  step {step}: {seconds:.0f} s")
        print(f"  {args.profile} profile, this part end to end: {total / 60:.1f} min")
        result["parts"][name] = figures | {"step_seconds": steps, "profile_seconds": total or None}
    after = matmul_peak()
    peak = max(before, after)
    print(f"matmul peak after: {after:.0f} GFLOP/s; the machine's peak, the better of the two: {peak:.0f}")
    result["matmul_peak_gflops"] = {"before": before, "after": after, "peak": peak, "reference": REFERENCE_PEAK}
    for name, figures in result["parts"].items():
        if figures["profile_seconds"]:
            figures["normalised_minutes"] = normalised_minutes(figures["profile_seconds"], peak)
            print(f"[{name}] {args.profile} profile: {figures['profile_seconds'] / 60:.1f} min here = "
                  f"{figures['normalised_minutes']:.1f} min at the reference {REFERENCE_PEAK:.0f} GFLOP/s "
                  f"(wall minutes x this machine's peak / reference peak)")
    result["measured"] = time.strftime("%Y-%m-%d %H:%M:%S")
    path = root / "runs" / "bench" / "bench.json"
    atomic_write_text(path, json.dumps(result, indent=1))
    print(f"written: {path}")
    return result


if __name__ == "__main__":
    main()
