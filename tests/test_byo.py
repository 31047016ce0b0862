"""Bring-your-own task files: good files load, bad ones name file, line and problem."""

import json

import pytest

from helpers.lipost.data.byo import TaskFileError, read_task_file


def _read(path, name="my_task"):
    return read_task_file(name, path, seed=0, test_fraction=0.2, val_fraction=0.1)


def _jsonl(tmp_path, rows, name="t.jsonl"):
    path = tmp_path / name
    path.write_text("\n".join(json.dumps(r) for r in rows) + "\n", encoding="utf-8")
    return path


def test_valid_jsonl_and_csv(tmp_path):
    rows = [{"anchor": f"q{i}", "positive": f"d{i}", "lang": "fr"} for i in range(50)]
    table = _read(_jsonl(tmp_path, rows))
    assert sum(len(v) for v in table.rows.values()) == 50
    assert {r["lang"] for r in table.rows["train"]} == {"fr"}
    csv = tmp_path / "t.csv"
    csv.write_text("anchor,positive,split\nq,d,train\nq2,d2,test\n", encoding="utf-8")
    table = _read(csv)
    assert len(table.rows["train"]) == 1 and len(table.rows["test"]) == 1


def test_missing_file(tmp_path):
    with pytest.raises(TaskFileError, match="does not exist"):
        _read(tmp_path / "nope.jsonl")


def test_missing_column_names_line(tmp_path):
    path = _jsonl(tmp_path, [{"anchor": "a", "positive": "b"}, {"anchor": "a"}])
    with pytest.raises(TaskFileError, match=r"t\.jsonl, line 2: missing column\(s\) \['positive'\]"):
        _read(path)


def test_empty_text_names_line_and_column(tmp_path):
    csv = tmp_path / "t.csv"
    csv.write_text("anchor,positive\nq,d\n  ,d2\n", encoding="utf-8")
    with pytest.raises(TaskFileError, match=r"t\.csv, line 3: column 'anchor' is empty"):
        _read(csv)


def test_bad_encoding_names_line(tmp_path):
    path = tmp_path / "t.jsonl"
    path.write_bytes(b'{"anchor": "a", "positive": "b"}\n{"anchor": "caf\xe9", "positive": "x"}\n')
    with pytest.raises(TaskFileError, match=r"line 2: not valid UTF-8"):
        _read(path)


def test_bad_split_and_bad_name(tmp_path):
    path = _jsonl(tmp_path, [{"anchor": "a", "positive": "b", "split": "dev"}])
    with pytest.raises(TaskFileError, match="split 'dev'"):
        _read(path)
    with pytest.raises(TaskFileError, match="not a built-in task"):
        _read(path, name="search")
    with pytest.raises(TaskFileError, match="reserved"):
        _read(path, name="bbc_mine")


def test_extra_task_is_rejected_before_anything_is_written(tmp_path, root):
    from helpers.lipost.data.build import build_all
    from tests.conftest import SMALL

    bad = _jsonl(tmp_path, [{"anchor": "a", "positive": ""}])
    run_dir = tmp_path / "run"
    with pytest.raises(TaskFileError, match="line 1: column 'positive' is empty"):
        build_all({**SMALL, "run_dir": str(run_dir), "extra_tasks": [{"name": "mine", "path": str(bad)}]}, root)
    assert not (run_dir / "data").exists()
