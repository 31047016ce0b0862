"""The ablation grid: which training variants answer which question, generated from parameters.

Each :class:`Variant` is the ablation's *base* training settings plus a few overrides, a
seed, and a readable ``run`` id (``single:topic``, ``loo:search``, ``lang:en-only``,
``dim:16-projection``, ``sampler:round_robin``, ``scale:50``, ``unfrozen:4``,
``frac:0.25``; ``budget:<run>``, the deciding comparisons of claims 1-3 again at a larger
budget: more steps and more trained layers). :func:`expand_grid` builds the whole list from a small spec and refuses a
bad spec with a message that names the offending entry, before anything runs.

Explained in the book: {ref}`lipost-ablations-grid`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from helpers.config import ParamError

QUESTIONS = ("transfer", "zero_shot", "multilingual", "dimension", "mixing", "scale", "unfrozen", "data_size",
             "budget")
SEEDED = ("transfer", "zero_shot", "multilingual", "budget")  # claims' comparisons, repeated over every seed
BUDGET = "budget:"
"""The run-id prefix of the larger-budget variants (``budget:base``, ``budget:single:topic``)."""
MIN_SEEDS = 2
"""The fewest seeds behind a *strong* practice (:func:`helpers.claims.grade`): a comparison
repeated over two seeds or more, as the :data:`SEEDED` questions are."""


@dataclass(frozen=True)
class Variant:
    """One training run of the grid.

    Attributes:
        run: readable id, the ``run`` column of its result rows.
        question: the grid question it answers (``base`` serves several).
        seed: training seed.
        overrides: training settings that differ from the ablation base.
        eval_dims: embedding sizes it is scored at.
    """

    run: str
    question: str
    seed: int
    overrides: dict = field(default_factory=dict, hash=False)
    eval_dims: tuple[int, ...] = ()

    @property
    def slug(self) -> str:
        """File-system-safe name: ``single-topic-s13``."""
        safe = "".join(c if c.isalnum() or c in "._" else "-" for c in self.run)
        return f"{safe}-s{self.seed}"


SPEC_PARAMETERS = {"questions": "questions", "seeds": "seeds", "tasks": "grid_tasks", "dims": "grid_dims",
                   "scales": "grid_scales", "unfrozen": "grid_unfrozen", "fractions": "grid_fractions",
                   "budget_steps": "grid_budget_steps", "budget_unfrozen": "grid_budget_unfrozen",
                   "budget_tasks": "grid_budget_tasks"}
"""Each key of a grid spec and the ablation step's parameter that sets it (the name errors give)."""


def grid_spec(params: dict) -> dict:
    """The grid spec of the ablation step's parameters (``questions``, ``seeds``, ``grid_*``;
    the larger budget's, absent from older runs' records, default to 4 x the steps, twice
    the trained layers and no single-task model)."""
    optional = {"budget_steps": 0, "budget_unfrozen": 0, "budget_tasks": []}
    return {key: params[name] if name in params or key not in optional else optional[key]
            for key, name in SPEC_PARAMETERS.items()}


def _check(spec: dict, key: str, ok, expected: str):
    value = spec.get(key)
    if not ok(value):
        raise ParamError(f"ablation grid: {SPEC_PARAMETERS[key]} = {value!r}; expected {expected}")
    return value


def check_grid_spec(spec: dict, base: dict, n_layers: int | None = None) -> dict:
    """Check a grid spec against the base training settings, as far as that needs no data.

    Refuses, naming the parameter: an unknown question, seeds that are not distinct
    non-negative integers, a small size not below the full one, a non-positive scale, a
    layer count outside 1..``n_layers`` (``None``, before the base model is at hand: any
    positive count), a fraction outside (0, 1),
    ``tasks`` that are not base tasks, ``zero_shot`` with fewer than two tasks. Returns the
    spec's values, ``tasks`` resolved (empty = every base task). The language check of
    ``multilingual`` needs the data and is left to :func:`expand_grid`.
    """
    questions = _check(spec, "questions", lambda v: isinstance(v, list) and v and set(v) <= set(QUESTIONS),
                       f"a non-empty list drawn from {list(QUESTIONS)}")
    seeds = _check(spec, "seeds", lambda v: isinstance(v, list) and v and all(isinstance(s, int) and s >= 0
                                                                              for s in v) and len(set(v)) == len(v),
                   "a non-empty list of distinct non-negative integers")
    full = base["dims"][0]
    dims = _check(spec, "dims", lambda v: isinstance(v, list) and all(isinstance(d, int) and 0 < d < full
                                                                      for d in v),
                  f"a list of sizes between 1 and {full - 1}")
    scales = _check(spec, "scales", lambda v: isinstance(v, list) and all(isinstance(s, int | float) and s > 0
                                                                          for s in v), "a list of positive numbers")
    top = n_layers if n_layers is not None else float("inf")
    unfrozen = _check(spec, "unfrozen", lambda v: isinstance(v, list) and all(isinstance(n, int) and 0 < n <= top
                                                                              for n in v),
                      f"a list of layer counts between 1 and {n_layers}" if n_layers is not None
                      else "a list of positive layer counts")
    fractions = _check(spec, "fractions", lambda v: isinstance(v, list) and all(isinstance(f, int | float)
                                                                                and 0 < f < 1 for f in v),
                       "a list of fractions strictly between 0 and 1")
    tasks = list(base["tasks"])
    probed = _check(spec, "tasks", lambda v: isinstance(v, list) and set(v) <= set(tasks),
                    f"a list drawn from the base tasks {tasks} (empty = all)") or tasks
    if "zero_shot" in questions and len(tasks) < 2:
        raise ParamError("ablation grid: zero_shot (leave one task out) needs at least two tasks")
    budget = _check_budget(spec, base, n_layers, probed) if "budget" in questions else {
        "budget_steps": 0, "budget_unfrozen": 0, "budget_tasks": []}
    return {"questions": questions, "seeds": seeds, "dims": dims, "scales": scales, "unfrozen": unfrozen,
            "fractions": fractions, "tasks": probed, **budget}


def _check_budget(spec: dict, base: dict, n_layers: int | None, probed: list[str]) -> dict:
    """The larger budget's settings, resolved: ``budget_steps`` 0 = 4 x the base's steps,
    ``budget_unfrozen`` 0 = twice the base's trained layers; refused, by name, when the
    budget is not larger (fewer than 4 x the steps, no more trained layers) or a task is
    not probed."""
    trained = (n_layers if n_layers is not None else base["freeze_layers"] + 1) - base["freeze_layers"]
    top = n_layers if n_layers is not None else float("inf")
    steps = _check(spec, "budget_steps", lambda v: isinstance(v, int) and (v == 0 or v >= 4 * base["steps"]),
                   f"0 (4 x the base's steps) or an integer of at least 4 x the base's {base['steps']} steps")
    unfrozen = _check(spec, "budget_unfrozen", lambda v: isinstance(v, int) and (v == 0 or trained < v <= top),
                      f"0 (twice the base's {trained} trained layer(s)) or a layer count above {trained}, "
                      f"at most {n_layers}")
    tasks = _check(spec, "budget_tasks", lambda v: isinstance(v, list) and set(v) <= set(probed),
                   f"a list drawn from the probed tasks {probed}")
    return {"budget_steps": steps or 4 * base["steps"], "budget_unfrozen": unfrozen or min(2 * trained, top),
            "budget_tasks": tasks}


def expand_grid(spec: dict, languages: list[str], base: dict, n_layers: int, smallest_task: int = 0) -> list[Variant]:
    """All variants for ``spec``; ``base`` holds the ablation's base training settings.

    ``spec`` keys: ``tasks`` (those given a single-task and a leave-one-out model; empty =
    every task of ``base``), ``questions`` (subset of :data:`QUESTIONS`), ``seeds`` (the first is used
    by single-seed questions), ``dims`` (small sizes, Matryoshka truncation vs learned
    projection), ``scales``, ``unfrozen`` (top layers trained), ``fractions`` (0 < f < 1, of
    the base's cap on pairs per task, or without a cap of ``smallest_task``, the training
    pairs of the base's smallest task). A bad spec is refused by :func:`check_grid_spec`.
    """
    checked = check_grid_spec(spec, base, n_layers)
    questions, seeds, dims, probed = checked["questions"], checked["seeds"], checked["dims"], checked["tasks"]
    scales, unfrozen, fractions = checked["scales"], checked["unfrozen"], checked["fractions"]
    full, tasks = base["dims"][0], list(base["tasks"])
    first, main_dims = seeds[0], tuple(base["dims"])
    out: list[Variant] = [Variant("base", "base", s, {}, main_dims) for s in seeds]

    def add(run: str, question: str, overrides: dict, all_seeds: bool, dims: tuple[int, ...] = main_dims) -> None:
        out.extend(Variant(run, question, s, overrides, dims) for s in (seeds if all_seeds else [first]))

    if "transfer" in questions:
        for task in probed:
            add(f"single:{task}", "transfer", {"tasks": [task]}, True)
    if "zero_shot" in questions:
        for task in probed:
            add(f"loo:{task}", "zero_shot", {"tasks": [t for t in tasks if t != task]}, True)
    if "multilingual" in questions:
        if "en" not in languages or len(languages) < 2:
            raise ParamError(f"ablation grid: multilingual needs English and another language, got {languages}")
        monolingual = [t for t in tasks if t != "crosslingual"]
        add("lang:en-only", "multilingual", {"tasks": monolingual, "train_languages": ["en"]}, True)
        if "crosslingual" in tasks:
            add("lang:no-crosslingual", "multilingual", {"tasks": monolingual}, True)
    if "dimension" in questions:
        add("dim:matryoshka", "dimension", {"dims": [full, *sorted(dims, reverse=True)]}, False,
            (full, *sorted(dims, reverse=True)))
        for d in sorted(dims, reverse=True):
            add(f"dim:{d}-projection", "dimension", {"dims": [d], "projection_dim": d}, False, (d,))
    if "mixing" in questions:
        other = "round_robin" if base.get("sampler", "proportional") == "proportional" else "proportional"
        add(f"sampler:{other}", "mixing", {"sampler": other}, False)
    if "scale" in questions:
        for s in scales:
            if s != base["scale"]:
                add(f"scale:{s:g}", "scale", {"scale": float(s)}, False)
    if "unfrozen" in questions:
        for n in unfrozen:
            if n_layers - n != base["freeze_layers"]:
                # fewer trained layers reuse the base's cache level and run the extra frozen layers live
                cached = min(n_layers - n, base["freeze_layers"])
                add(f"unfrozen:{n}", "unfrozen", {"freeze_layers": n_layers - n, "frozen_cache_layers": cached}, False)
    if "data_size" in questions:
        reference = base["max_pairs_per_task"] or smallest_task
        if not reference:
            raise ParamError("ablation grid: data_size needs a max_pairs_per_task cap or the size of the smallest "
                             "task's training split")
        for f in fractions:
            cap = max(base["batch_size"], round(f * reference))
            add(f"frac:{f:g}", "data_size", {"max_pairs_per_task": cap}, False)
    if "budget" in questions:
        out += budget_variants(checked, base, n_layers, tasks, languages)
    return out


def budget_variants(checked: dict, base: dict, n_layers: int, tasks: list[str], languages: list[str]
                    ) -> list[Variant]:
    """The deciding comparisons of claims 1-3 at a larger budget, on every seed: the base,
    a single-task model per ``budget_tasks`` (claim 1), the English-only and no-cross-lingual
    models (claim 3; the base against the un-tuned model on the never-trained tasks is claim
    2's), each with ``budget_steps`` steps and the top ``budget_unfrozen`` layers trained."""
    frozen = n_layers - checked["budget_unfrozen"]
    larger = {"steps": checked["budget_steps"], "freeze_layers": frozen,
              "frozen_cache_layers": min(frozen, base["freeze_layers"])}
    runs = [("base", {})] + [(f"single:{t}", {"tasks": [t]}) for t in checked["budget_tasks"]]
    monolingual = [t for t in tasks if t != "crosslingual"]
    if "en" in languages and len(languages) > 1:
        runs.append(("lang:en-only", {"tasks": monolingual, "train_languages": ["en"]}))
        if "crosslingual" in tasks:
            runs.append(("lang:no-crosslingual", {"tasks": monolingual}))
    return [Variant(BUDGET + run, "budget", s, {**overrides, **larger}, tuple(base["dims"]))
            for run, overrides in runs for s in checked["seeds"]]


BASE_KEYS = ("base_model", "tasks", "steps", "batch_size", "lr", "warmup_ratio", "scale", "dims", "sampler",
             "freeze_layers", "max_seq_length", "max_pairs_per_task", "dropout")
OPTIONAL_BASE_KEYS = ("dropout",)  # absent from older runs' records and from profiles that keep the default


@dataclass
class Grid:
    """The ablation chapter's grid as its parameters define it."""

    base: dict
    variants: list[Variant]
    n_layers: int
    languages: list[str]


def base_settings(params: dict) -> dict:
    """The ablation's base training settings (:data:`BASE_KEYS`) out of the step's parameters,
    checked by :func:`~helpers.lipost.training.config.make_config`; a missing one is refused by name."""
    from helpers.lipost.training.config import make_config

    missing = [k for k in BASE_KEYS if k not in params and k not in OPTIONAL_BASE_KEYS]
    if missing:
        raise ParamError(f"ablation base settings: {missing} missing (expected all of {list(BASE_KEYS)})")
    settings = make_config({k: params[k] for k in BASE_KEYS if k in params}).to_dict()  # refuses bad settings
    return {k: settings[k] for k in BASE_KEYS}


def grid_from_params(params: dict, data_dir) -> Grid:
    """Validate the ablation step's parameters (base settings + ``grid_*`` spec) against the
    run's data and expand the grid; used by the ablation and best-practices chapters."""
    import json
    from pathlib import Path

    from helpers.lipost.data.store import check_tasks, load_manifest, load_task
    from helpers.lipost.models import model_path

    base = base_settings(params)
    manifest = load_manifest(Path(data_dir))
    check_tasks(base["tasks"], manifest, "tasks")
    if isinstance(params.get("grid_tasks"), list):  # its other errors are expand_grid's
        check_tasks(params["grid_tasks"], manifest, "grid_tasks")
    languages = sorted({lang for t in base["tasks"] for lang in load_task(Path(data_dir), t)["train"].unique("lang")
                        if "-" not in lang})
    config = Path(model_path(base["base_model"])) / "config.json"
    n_layers = json.loads(config.read_text())["num_hidden_layers"]
    smallest = min(len(load_task(Path(data_dir), t)["train"]) for t in base["tasks"])
    return Grid(base, expand_grid(grid_spec(params), languages, base, n_layers, smallest), n_layers, languages)


def budget_words(settings: dict, base_steps: int, n_layers: int, tasks: list[str], budget_runs: list[Variant],
                 variants: list[Variant]) -> dict[str, str]:
    """The larger budget in the chapter's words (glued as ``bu_<name>``): its steps, trained
    layers and single-task models, and its cost in training steps against the rest of the grid."""
    rest = [v for v in variants if v.question != "budget"]
    note = (f"It adds {len(budget_runs)} training runs of {settings['steps']} steps "
            f"({len(budget_runs) * settings['steps']} steps, against {len(rest) * base_steps} for the grid's "
            f"{len(rest)} other runs, each of its steps costlier with more layers trained); the text length is "
            f"every variant's ({settings['max_seq_length']} tokens): it is not varied here."
            if budget_runs else "Not run in this profile (budget is not among its questions).")
    return {"steps": str(settings["steps"]), "trained": str(n_layers - settings["freeze_layers"]),
            "tasks": ", ".join(tasks) or "no task", "note": note}


def grid_table(variants: list[Variant]):
    """The grid as the chapter shows it: per question and run, its seeds and its changes
    to the base settings."""
    import pandas as pd

    table = pd.DataFrame([{"question": v.question, "run": v.run, "seed": v.seed,
                           "changes": ", ".join(f"{k}={val}" for k, val in v.overrides.items()) or "(base)"}
                          for v in variants])
    return table.groupby(["question", "run"]).agg(seeds=("seed", "count"), changes=("changes", "first"))
