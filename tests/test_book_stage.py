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
