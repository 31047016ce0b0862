"""The ``full-small`` profile: ``full``'s shape at small sizes (:mod:`helpers.pipeline.smoke`).

The fast tests check the derivation (every setting of ``full`` that is not a declared size
is kept; every size is divided by the one factor, at or above its floor); the slow one
runs the derived profile end to end, so the GPU/cluster profile cannot rot unseen.
"""

import json
import subprocess
import sys

import pytest

from helpers.pipeline import smoke
from helpers.pipeline.parameters import resolve
from helpers.pipeline.parts import load
from helpers.pipeline.profiles import load_profile, part_steps


def test_scaled_divides_each_size_by_the_factor_above_its_floor():
    assert smoke.scaled(5000, 12, factor=100) == 50
    assert smoke.scaled(5000, 2) == 5  # the one factor, 1000
    assert smoke.scaled(500, 12, factor=100) == 12            # the floor
    assert smoke.scaled(0, 40, factor=100) == 40              # 0 ("everything") becomes the floor
    assert smoke.scaled([5000, 10000, 20000, 200000], 500, factor=100) == [500, 2000]  # 50 and 100 -> 500
    assert smoke.scaled({"comm-3": {"seeds": 30, "depth_limit": 3}}, {"seeds": 1}, factor=100) == {
        "comm-3": {"seeds": 1, "depth_limit": 3}}
    assert smoke.scaled({"mini-hanabi": 100, "comm-3": 300}, 1, factor=100) == {"mini-hanabi": 1, "comm-3": 3}
    assert smoke.scaled([13, 14, 15], smoke.Items(1), factor=100) == [13]
    with pytest.raises(smoke.SizeSpecError, match="cannot scale"):
        smoke.scaled("tfidf", 1, where="models")


def test_full_small_keeps_every_setting_of_full_but_its_declared_sizes(root):
    full, small = load_profile("full", root), load_profile(smoke.NAME, root)
    assert list(small["parts"]) == list(full["parts"])
    scaled = 0
    for part in full["parts"]:
        sizes = load(part).sizes
        for step in part_steps(full, part):
            big = resolve("full", root, part, step, full)
            little = resolve(smoke.NAME, root, part, step, small)
            for name, value in big.items():
                if name in ("run_dir", "profile"):
                    continue
                if name in sizes.get(step, {}):
                    scaled += little[name] != value
                else:
                    assert little[name] == value, f"{part}/{step}.{name} changed but is not a declared size"
    assert scaled >= 30  # the sizes of all three parts moved


@pytest.mark.slow
def test_full_small_runs_end_to_end(root):
    """Every step of every part under ``full``'s shape (distributed training processes,
    every layer trained, long texts, all games at their depth limits, every width)."""
    proc = subprocess.run([sys.executable, "-m", "helpers.pipeline", "run", "--profile", smoke.NAME], cwd=root,
                          capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    full = load_profile("full", root)
    for part in full["parts"]:
        for step in part_steps(full, part):
            record = json.loads((root / "runs" / smoke.NAME / part / "steps" / f"{step}.json").read_text())
            assert record["step"] == step
    training = json.loads((root / "runs" / smoke.NAME / "lipost" / "steps" / "03_training.json").read_text())
    assert training["params"]["processes"] == full["parts"]["lipost"]["03_training"]["processes"]
