"""The glossary: who, what and where, validated and cross-checked like the rest of the pack."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
import yaml

from bot.library.glossary import KINDS, Glossary, load_glossary
from bot.library.loader import ContentError, check_command, load_pack

CONTENT = Path(__file__).resolve().parents[2] / "content"

# Everything item 1 of the issue names, as a member would type it.
NAMED = {
    "Petrichenko": "petrichenko",
    "Kozlovsky": "kozlovsky",
    "Tukhachevsky": "tukhachevsky",
    "Trotsky": "trotsky",
    "Lenin": "lenin",
    "Zinoviev": "zinoviev",
    "Kalinin": "kalinin",
    "Kollontai": "kollontai",
    "Shliapnikov": "shliapnikov",
    "Makhno": "makhno",
    "Voline": "voline",
    "Maximoff": "maximoff",
    "Berkman": "berkman",
    "Goldman": "goldman",
    "Kropotkin": "kropotkin",
    "Serge": "serge",
    "Malatesta": "malatesta",
    "the Cheka": "cheka",
    "the Workers' Opposition": "workers-opposition",
    "the Provisional Revolutionary Committee": "provisional-revolutionary-committee",
    "the Petrograd Soviet": "petrograd-soviet",
    "the Makhnovists": "makhnovists",
    "the Mensheviks": "mensheviks",
    "war communism": "war-communism",
    "the NEP": "nep",
    "kursanty": "kursanty",
    "politotdel": "politotdel",
    "zagraditelnye otryady": "zagraditelnye-otryady",
    "prodrazverstka": "prodrazverstka",
    "one-man management": "one-man-management",
    "Kronstadt": "kronstadt",
    "Petrograd": "petrograd",
    "Anchor Square": "anchor-square",
    "Gulyai-Pole": "gulyai-pole",
}


@pytest.fixture(scope="module")
def pack():
    return load_pack(CONTENT)


def test_at_least_eighty_entries_of_every_kind(pack) -> None:
    glossary = pack.glossary
    assert len(glossary) >= 80
    kinds = {e.kind for e in glossary.entries}
    assert kinds == set(KINDS)
    for kind in KINDS:
        assert sum(e.kind == kind for e in glossary.entries) >= 10, kind


@pytest.mark.parametrize(("query", "entry_id"), sorted(NAMED.items()))
def test_every_name_the_issue_lists_has_an_entry(pack, query: str, entry_id: str) -> None:
    entry = pack.glossary.find(query)
    assert entry is not None, query
    assert entry.id == entry_id


@pytest.mark.parametrize(
    ("query", "entry_id"),
    [
        ("who led the assault on Kronstadt", None),  # a question is not a name
        ("Tukhachevskii", "tukhachevsky"),
        ("Shlyapnikov", "shliapnikov"),
        ("Huliaipole", "gulyai-pole"),
        ("kursanti", "kursanty"),
        ("NEP", "nep"),
        ("New Economic Policy", "nep"),
        ("Yakorny Square", "anchor-square"),
        ("Kotlin Island", "kronstadt"),
        ("Tcheka", "cheka"),
        ("politotdeli", "politotdel"),
        ("Petrichenco", "petrichenko"),
        ("Vsevolod Eichenbaum", "voline"),
        ("Leningrad", "petrograd"),
        ("Revolutionary Insurgent Army of Ukraine", "makhnovists"),
        ("Petropavlovsk", "petropavlovsk"),
        ("Kozlovski", "kozlovsky"),
        ("Makhnó", "makhno"),
    ],
)
def test_transliterations_and_misspellings_land(pack, query: str, entry_id: str | None) -> None:
    entry = pack.glossary.find(query)
    assert (entry.id if entry else None) == entry_id


def test_entries_are_complete_and_in_the_packs_words(pack) -> None:
    for entry in pack.glossary.entries:
        sentences = len(re.findall(r"[.!?](?:\s|$)", entry.summary))
        assert 1 <= sentences <= 4, entry.id
        assert entry.readings or entry.points or entry.events or entry.excerpts, entry.id
        assert entry.see_also or entry.readings or entry.events, entry.id
    people = [e for e in pack.glossary.entries if e.kind == "person"]
    assert all(e.dates for e in people)


def test_cross_references_resolve(pack) -> None:
    readings = {r.id for r in pack.readings}
    events = {e.id for e in pack.events}
    excerpts = {e.id for e in pack.excerpts}
    entries = {e.id for e in pack.glossary.entries}
    points = {p.number for p in pack.resolution.points}
    for entry in pack.glossary.entries:
        assert set(entry.readings) <= readings, entry.id
        assert set(entry.events) <= events, entry.id
        assert set(entry.excerpts) <= excerpts, entry.id
        assert set(entry.see_also) <= entries, entry.id
        assert set(entry.points) <= points, entry.id


def test_points_and_events_link_to_entries(pack) -> None:
    glossary = pack.glossary
    assert "kursanty" in {e.id for e in glossary.for_point(12)}
    assert "politotdel" in {e.id for e in glossary.for_point(7)}
    assert "zagraditelnye-otryady" in {e.id for e in glossary.for_point(8)}
    linked = {e.id for e in glossary.for_event("revolutionary-committee")}
    assert {"petrichenko", "provisional-revolutionary-committee"} <= linked
    assert "makhno" in {e.id for e in glossary.for_event("makhno-last-campaign")}
    # every point of the resolution is explained by at least one entry
    for point in pack.resolution.points:
        assert glossary.for_point(point.number), point.number


def test_each_excerpt_author_with_a_person_entry_is_findable(pack) -> None:
    for excerpt in pack.excerpts:
        if excerpt.author.startswith("Izvestia"):
            continue
        entry = pack.glossary.find(excerpt.author)
        assert entry is not None, excerpt.author
        assert entry.kind == "person", excerpt.author


def test_autocomplete_prefers_names_that_start_with_the_text(pack) -> None:
    names = [e.id for e in pack.glossary.starting_with("kro")]
    assert names[:1] == ["kronstadt"] or "kronstadt" in names[:5]
    assert all(len(pack.glossary.starting_with(p)) <= 25 for p in ("", "a", "the"))
    assert pack.glossary.starting_with("zzzz") == []
    assert "petrichenko" in [e.id for e in pack.glossary.starting_with("Stepan")]


def test_load_glossary_reads_the_file_alone() -> None:
    glossary = load_glossary(CONTENT / "glossary.yaml")
    assert isinstance(glossary, Glossary)
    assert glossary.get("kursanty") is not None


def test_content_check_reports_the_glossary(capsys) -> None:
    assert check_command(CONTENT) == 0
    assert "glossary entries" in capsys.readouterr().out


# -- broken glossaries are refused with file, entry and field ----------------------------------
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


def test_unknown_references_are_reported(pack_dir: Path) -> None:
    def change(d):  # type: ignore[no-untyped-def]
        d["entries"][0]["readings"].append("no-such-reading")
        d["entries"][0]["events"] = ["ghost-event"]
        d["entries"][0]["points"] = [16]
        d["entries"][1]["see_also"] = ["nobody"]
        d["entries"][1]["excerpts"] = ["no-quote"]

    _edit(pack_dir / "glossary.yaml", change)
    message = _problems(pack_dir)
    first = "pack/glossary.yaml: entries[0] (id 'petrichenko')"
    second = "pack/glossary.yaml: entries[1] (id 'kozlovsky')"
    assert f"{first}: field 'readings': unknown reading id 'no-such-reading'" in message
    assert f"{first}: field 'events': unknown timeline event id 'ghost-event'" in message
    assert f"{first}: field 'points': no point 16" in message
    assert f"{second}: field 'see_also': unknown glossary entry id 'nobody'" in message
    assert f"{second}: field 'excerpts': unknown excerpt id 'no-quote'" in message


def test_schema_errors_name_entry_and_field(pack_dir: Path) -> None:
    def change(d):  # type: ignore[no-untyped-def]
        d["entries"][2]["kind"] = "ship"
        d["entries"][3].pop("summary")
        d["entries"][4]["born"] = "1879"

    _edit(pack_dir / "glossary.yaml", change)
    message = _problems(pack_dir)
    assert "glossary.yaml: entries[2] (id 'tukhachevsky'): field 'kind'" in message
    assert "glossary.yaml: entries[3] (id 'trotsky'): field 'summary': missing" in message
    assert "glossary.yaml: entries[4] (id 'lenin'): field 'born': unknown field" in message


def test_duplicate_ids_and_ambiguous_aliases(pack_dir: Path) -> None:
    def change(d):  # type: ignore[no-untyped-def]
        d["entries"][5]["id"] = d["entries"][0]["id"]
        d["entries"][6]["aliases"].append("Trotsky")

    _edit(pack_dir / "glossary.yaml", change)
    message = _problems(pack_dir)
    assert "glossary.yaml: entries[5] (id 'petrichenko'): field 'id': duplicate id" in message
    assert "entries[6] (id 'kalinin'): field 'aliases': 'trotsky' also names entries[3]" in message


def test_a_pack_without_a_glossary_still_loads(pack_dir: Path) -> None:
    (pack_dir / "glossary.yaml").unlink()
    pack = load_pack(pack_dir)
    assert len(pack.glossary) == 0
    assert pack.glossary.find("Trotsky") is None
