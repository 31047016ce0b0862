"""The book stage: what each part adds beside its chapters, asked through its contract."""

from helpers.pipeline.parts import load


def test_each_parts_static_files_come_through_its_contract(tmp_path):
    """Part I links every finished ablation variant's record files; a part without static
    files adds none."""
    variant = tmp_path / "ablations" / "base-s13"
    (variant / "training").mkdir(parents=True)
    for name in ("variant.json", "rows.csv", "training/train_log.csv"):
        (variant / name).write_text("x")
    (tmp_path / "ablations" / "unfinished-s13").mkdir()  # no variant.json: not linked
    assert sorted(rel for _, rel in load("lipost").static_files(tmp_path)) == [
        "ablations/base-s13/rows.csv", "ablations/base-s13/train_log.csv", "ablations/base-s13/variant.json"]
    assert load("jps").static_files(tmp_path) == []


def test_injected_parameters_are_shown_wrapped_to_the_page():
    """papermill writes each injected value on one line; the page shows it wrapped, and the
    shown text is still the same Python values."""
    import ast

    from helpers.pipeline.book import injected_source

    games = {f"game-{i}": {"seeds": 3, "depth_limit": i} for i in range(8)}
    source = injected_source({"games": games, "seed": 13}, width=100)
    assert all(len(line) <= 100 for line in source.splitlines())
    namespace: dict = {}
    exec(compile(ast.parse(source), "injected", "exec"), namespace)  # noqa: S102 - our own literals
    assert namespace["games"] == games and namespace["seed"] == 13
