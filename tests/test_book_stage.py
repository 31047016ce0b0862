"""The book stage: what each part adds beside its chapters."""

def test_book_stage_takes_each_parts_static_files(tmp_path):
    """The book stage asks each part's ``book_assets`` for files; a part without one adds none."""
    from helpers.pipeline.book import _static_files

    variant = tmp_path / "ablations" / "base-s13"
    (variant / "training").mkdir(parents=True)
    for name in ("variant.json", "rows.csv", "training/train_log.csv"):
        (variant / name).write_text("x")
    (tmp_path / "ablations" / "unfinished-s13").mkdir()  # no variant.json: not linked
    assert sorted(rel for _, rel in _static_files("lipost", tmp_path)) == [
        "ablations/base-s13/rows.csv", "ablations/base-s13/train_log.csv", "ablations/base-s13/variant.json"]
    assert _static_files("no_such_part", tmp_path) == []
