"""The part contract's recipe, followed for a tiny throw-away part outside the repository.

A part is one package that fulfils :class:`helpers.pipeline.contract.PartContract` plus
one block in a profile (``book/pipeline.md``, section "Adding a part"). This test writes
such a part — a package ``helpers/toy/`` on ``PYTHONPATH``, two notebooks, a landing page,
a profile — and runs the pipeline and the book stage on it: the runner checks its
parameters through the contract, chains its steps, the claims step writes through
``helpers.claims``, and the front page, the landing page and the appendices show it. No
file of the repository is touched.
"""

from __future__ import annotations

import shutil
import textwrap
from pathlib import Path

import nbformat
import pytest
import yaml

import helpers
from helpers.config import ParamError

ROOT = Path(__file__).resolve().parents[1]

PART_PY = '''
from helpers.config import StepRules, integer
from helpers.pipeline.contract import PartContract

TOSSES = 40  # the one source of the default the notebooks show

def rules():
    return StepRules({"run_dir": object_rule(), "profile": object_rule(), "seed": integer(0),
                      "tosses": integer(1)}, defaults={"tosses": TOSSES})

def claims_rules():
    return StepRules({"run_dir": object_rule(), "profile": object_rule(), "seed": integer(0)})

def object_rule():
    from helpers.config import text
    return text()

PART = PartContract(name="toy", title="Part T · Coins", paper="A paper about coins",
                    steps={"01_toss": rules, "02_claims": claims_rules}, claims_step="02_claims",
                    environment_lines=lambda run_dir, params: [f"- tosses: {params['01_toss']['tosses']}"],
                    min_seeds=1)
'''

TOSS = '''
import random
from helpers.pipeline import results
from helpers.paths import run_folder
from helpers.toy.part import rules
params = rules().check(globals())
rng = random.Random(params["seed"])
heads = sum(rng.random() < 0.5 for _ in range(params["tosses"]))
results.record(run_folder(params["run_dir"]), "01_toss", [{"model": "coin", "task": "toss", "lang": "all",
               "metric": "heads_share", "value": heads / params["tosses"], "n": params["tosses"]}], "toss", 13)
'''

CLAIMS = '''
from helpers.claims import Claim, StatedTest, verdict, write_claims
from helpers.paths import run_folder
from helpers.pipeline import results
params = {"run_dir": run_dir}
share = float(results.load(run_folder(run_dir))["value"].iloc[0])
write_claims(run_folder(run_dir), [Claim(part="toy", number=1, claim="the coin is fair", paper="0.5",
             measured=f"{share:.2f}", verdict=verdict([abs(share - 0.5) < 0.25]), label="toy-claims",
             shown_in="Claims", interval="one draw, exact",
             test=StatedTest(compared="the share vs 0.5", on="one draw", statistic="the share",
                             threshold="pass when |share - 0.5| < 0.25", comparisons=1))])
'''


def _notebook(path: Path, parameters: str, body: str, heading: str) -> None:
    nb = nbformat.v4.new_notebook(metadata={"kernelspec": {"name": "python3", "display_name": "Python 3",
                                                           "language": "python"}})
    nb.cells = [nbformat.v4.new_markdown_cell(heading),
                nbformat.v4.new_code_cell(parameters, metadata={"tags": ["parameters"]}),
                nbformat.v4.new_code_cell(textwrap.dedent(body))]
    nbformat.write(nb, path)


@pytest.fixture
def toy_root(tmp_path, root, monkeypatch):
    """A book root with only the toy part, and the toy package on the path (this process and kernels)."""
    package = tmp_path / "pkg" / "helpers" / "toy"
    package.mkdir(parents=True)
    (package / "__init__.py").write_text('"""A throw-away part."""\n')
    (package / "part.py").write_text(PART_PY)
    monkeypatch.setenv("PYTHONPATH", str(tmp_path / "pkg"))
    monkeypatch.setattr(helpers, "__path__", [*helpers.__path__, str(package.parent)])
    book_root = tmp_path / "book-root"
    (book_root / "notebooks" / "toy").mkdir(parents=True)
    (book_root / "params").mkdir()
    shutil.copytree(root / "book", book_root / "book", ignore=shutil.ignore_patterns("lipost", "jps",
                                                                                  "specialization"))
    (book_root / "book" / "toy").mkdir()
    (book_root / "book" / "toy" / "index.md").write_text(
        "# Coins\n\n<!-- claims at a glance: written by the book stage from each part's results/claims.csv -->\n")
    for name in ("_config.yml", "requirements.lock"):
        shutil.copy(root / name, book_root / name)
    _notebook(book_root / "notebooks" / "toy" / "01_toss.ipynb",
              'run_dir = "runs/dev/toy"\nprofile = "dev"\nseed = 13\ntosses = 40', TOSS, "# Tosses")
    _notebook(book_root / "notebooks" / "toy" / "02_claims.ipynb",
              'run_dir = "runs/dev/toy"\nprofile = "dev"\nseed = 13', CLAIMS, "(toy-claims)=\n# Claims")
    (book_root / "params" / "toy.yaml").write_text("seed: 13\nparts:\n  toy:\n    01_toss: {tosses: 30}\n"
                                                   "    02_claims: {}\n")
    return book_root


def test_a_new_part_runs_and_shows_through_its_contract(toy_root):
    from helpers.pipeline import appendix, book
    from helpers.pipeline.parts import known, load
    from helpers.pipeline.runner import run_profile

    assert "toy" in known() and load("toy").title == "Part T · Coins"
    records = run_profile("toy", toy_root, log=lambda line: None)
    assert [r["step"] for r in records] == ["01_toss", "02_claims"]
    assert records[0]["params"]["tosses"] == 30  # the profile's value over the notebook's default
    claims = (toy_root / "runs" / "toy" / "toy" / "results" / "claims.csv").read_text()
    assert "the coin is fair" in claims
    lines: list[str] = []
    run_profile("toy", toy_root, log=lines.append)
    assert len(lines) == 2 and all("unchanged, reusing" in line for line in lines)

    target = book.stage(toy_root, "toy")
    assert "{ref}`Claims <toy-claims>`" in (target / "toy" / "index.md").read_text()
    assert yaml.safe_load((target / "_toc.yml").read_text())["parts"][0]["caption"] == "Part T · Coins"
    assert "- tosses: 30" in appendix.environment_markdown(toy_root, "toy", ["toy"])


def test_a_bad_value_of_a_new_part_is_refused_through_its_contract(toy_root):
    from helpers.pipeline.runner import run_profile

    (toy_root / "params" / "toy.yaml").write_text("seed: 13\nparts:\n  toy:\n    01_toss: {tosses: -1}\n"
                                                  "    02_claims: {}\n")
    with pytest.raises(ParamError, match=r"step toy/01_toss: parameter 'tosses' = -1: expected an integer >= 1"):
        run_profile("toy", toy_root, log=lambda line: None)
    assert not (toy_root / "runs").exists()  # refused before anything was written
    (toy_root / "params" / "toy.yaml").write_text("seed: 13\nparts:\n  toi: {01_toss: {}}\n")
    with pytest.raises(ParamError, match=r"unknown part 'toi' \(did you mean 'toy'\?\)"):
        run_profile("toy", toy_root, log=lambda line: None)


def test_lazy_contract_entries_import_only_when_called():
    """A part's contract names its bench and rules without importing them (the pipeline
    imports every contract on each run)."""
    import sys

    from helpers.pipeline.contract import lazy, step_rules

    sys.modules.pop("helpers.jps.bench", None)
    bench = lazy("helpers.jps.bench:main")
    rules = step_rules("helpers.jps.parameters", {"01_games": "games_chapter"})
    assert "helpers.jps.bench" not in sys.modules
    assert rules["01_games"]().rules  # imported on demand
    assert bench.__name__ == "main"


def test_the_shared_machinery_names_no_part_nor_a_step_of_one():
    """The pipeline and the shared modules reach parts only through their contracts: no string in
    their code (docstrings aside) names a part, a part's step, or a file only one part writes."""
    import ast

    from helpers.pipeline.parts import known, load

    names = set(known())
    steps = {step for name in names for step in load(name).steps}
    shared = [*(ROOT / "src" / "helpers" / "pipeline").glob("*.py"),
              *(ROOT / "src" / "helpers" / module for module in ("claims.py", "config.py", "deps.py", "fingerprint.py",
                                                                  "notebook.py"))]
    found = []
    for path in shared:
        tree = ast.parse(path.read_text())
        docstrings = {id(node.body[0].value) for node in ast.walk(tree)
                      if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef) and node.body
                      and isinstance(node.body[0], ast.Expr) and isinstance(node.body[0].value, ast.Constant)}
        for node in ast.walk(tree):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings:
                words = set(node.value.replace("/", " ").replace(".", " ").split())
                if words & (names | steps) or "variant.json" in node.value:
                    found.append(f"{path.name}:{node.lineno}: {node.value[:60]!r}")
    assert not found, found
