"""Broken packs are refused with messages naming the file, the entry and the field."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from bot.library.loader import ContentError, check_command, load_pack

CONTENT = Path(__file__).resolve().parents[2] / "content"


@pytest.fixture
def pack_dir(tmp_path: Path) -> Path:
    target = tmp_path / "pack"
    shutil.copytree(CONTENT, target)
    return target


def _edit(path: Path, change) -> None:  # type: ignore[no-untyped-def]
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")


def _problems(pack_dir: Path) -> str:
    with pytest.raises(ContentError) as info:
        load_pack(pack_dir)
    return str(info.value)


def test_wrong_type_names_file_entry_and_field(pack_dir: Path) -> None:
    _edit(pack_dir / "readings.yaml", lambda d: d["readings"][3].update(year="nineteen"))
    message = _problems(pack_dir)
    assert (
        "pack/readings.yaml: readings[3] (id 'mckay-2018'): field 'year': Input should be a valid integer"
        in message
    )


def test_missing_field(pack_dir: Path) -> None:
    _edit(pack_dir / "excerpts.yaml", lambda d: d["excerpts"][1].pop("author"))
    message = _problems(pack_dir)
    assert (
        "excerpts.yaml: excerpts[1] (id 'trotsky-workers-opposition'): field 'author': missing"
        in message
    )


def test_nested_field_and_unknown_field(pack_dir: Path) -> None:
    def change(d):  # type: ignore[no-untyped-def]
        d["readings"][0]["length"]["value"] = -3
        d["readings"][1]["autor"] = "typo"

    _edit(pack_dir / "readings.yaml", change)
    message = _problems(pack_dir)
    assert "readings[0] (id 'maximoff-1917'): field 'length.value'" in message
    assert "readings[1] (id 'brinton-1970'): field 'autor': unknown field" in message


def test_duplicate_id(pack_dir: Path) -> None:
    _edit(pack_dir / "timeline.yaml", lambda d: d["events"][4].update(id=d["events"][0]["id"]))
    message = _problems(pack_dir)
    assert (
        "timeline.yaml: events[4] (id 'february-revolution'): field 'id': duplicate id" in message
    )


def test_bad_reading_reference(pack_dir: Path) -> None:
    _edit(pack_dir / "excerpts.yaml", lambda d: d["excerpts"][0].update(reading="no-such-reading"))
    _edit(pack_dir / "timeline.yaml", lambda d: d["events"][2]["readings"].append("ghost"))
    message = _problems(pack_dir)
    assert (
        "excerpts.yaml: excerpts[0] (id 'serge-kronstadt-prisoners'): field 'reading': unknown reading id 'no-such-reading'"
        in message
    )
    assert (
        "timeline.yaml: events[2] (id 'july-days'): field 'readings': unknown reading id 'ghost'"
        in message
    )


def test_points_must_be_consecutive(pack_dir: Path) -> None:
    _edit(pack_dir / "kronstadt.yaml", lambda d: d["points"].pop(13))  # drop point 14
    message = _problems(pack_dir)
    assert "kronstadt.yaml: points[13] (number 15): field 'number'" in message
    assert "expected 14" in message


def test_gist_too_long_and_bad_date(pack_dir: Path) -> None:
    def change(d):  # type: ignore[no-untyped-def]
        d["points"][0]["gist"] = "x" * 91
        d["adopted"][0]["date"] = "1921-02-30"

    _edit(pack_dir / "kronstadt.yaml", change)
    message = _problems(pack_dir)
    assert "kronstadt.yaml: points[0] (number 1): field 'gist'" in message
    assert "kronstadt.yaml: adopted[0]: field 'date': Value error, day is out of range" in message


def test_invalid_yaml_and_missing_file(pack_dir: Path) -> None:
    (pack_dir / "pack.yaml").write_text("id: [unclosed\n", encoding="utf-8")
    (pack_dir / "timeline.yaml").unlink()
    message = _problems(pack_dir)
    assert "pack/pack.yaml: not valid YAML" in message
    assert "pack/timeline.yaml: file not found" in message


def test_all_problems_are_reported_and_check_command_fails(pack_dir: Path, capsys) -> None:
    _edit(pack_dir / "readings.yaml", lambda d: d["readings"][0].update(year="x", week=99))
    with pytest.raises(ContentError) as info:
        load_pack(pack_dir)
    assert len(info.value.problems) == 2
    assert check_command(pack_dir) == 1
    assert "field 'week'" in capsys.readouterr().err


def test_not_a_directory(tmp_path: Path) -> None:
    with pytest.raises(ContentError, match="not a directory"):
        load_pack(tmp_path / "nowhere")
