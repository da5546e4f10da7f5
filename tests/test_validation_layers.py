"""The vectorised validator finds every problem frictionless finds, at the same file, row and field.

Each case damages one CSV file of a freshly built package and then corrects the descriptor's bytes
and hash, so that frictionless has row-level problems to find (not only a hash mismatch). Both
validators run on the same damaged package.
"""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import pytest
from frictionless import validate as frictionless_validate

from builders.validate import validate_package

CASES = {
    # name: (resource, old bytes, new bytes)
    "impossible date": ("articles", b'"Global Research","InfoBrics",2020-02-28', b'"Global Research","InfoBrics",2020-02-31'),
    "integer with letters": ("articles", b',694,"81db', b',69x4,"81db'),
    "integer below minimum": ("articles", b',694,"81db', b',-694,"81db'),
    "value outside the enum": ("actor_mentions", b'"alias","rule"', b'"nickname","rule"'),
    "pattern": ("actors", b'"person","SRB"', b'"person","Srb"'),
    "required cell empty": ("actors", b'"aleksandar-pavic","Aleksandar Pavi\xc4\x87"', b'"aleksandar-pavic",'),
    "foreign key": ("actor_mentions", b'"aleksandar-vucic"', b'"aleksandar-vucic-jr"'),
    "missing cell": ("weapon_systems", b',"Pantsir-S1",', b',"Pantsir-S1"\r\n"zz-extra",'),
    "extra cell": ("event_types", b'\r\n"cooperate",', b'\r\n"cooperate","surplus",'),
    "blank row": ("event_types", b'\r\n"cooperate",', b'\r\n\r\n"cooperate",'),
    "bad header": ("actors", b"actor_id,name,actor_type", b"actor_id,full_name,actor_type"),
}


def _damage(package: Path, resource: str, old: bytes, new: bytes) -> None:
    path = package / "datapackage" / "csv" / f"{resource}.csv"
    data = path.read_bytes()
    assert old in data, f"the case no longer applies to {resource}.csv: {old!r}"
    data = data.replace(old, new, 1)
    path.write_bytes(data)
    descriptor_path = package / "datapackage.json"
    descriptor = json.loads(descriptor_path.read_text(encoding="utf-8"))
    for entry in descriptor["resources"]:
        if entry["name"] == resource:
            entry["bytes"] = len(data)
            entry["hash"] = "sha256:" + hashlib.sha256(data).hexdigest()
    descriptor_path.write_text(json.dumps(descriptor, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def _frictionless_findings(package: Path) -> set[tuple[str, int | None, str | None]]:
    report = frictionless_validate(str(package / "datapackage.json"), limit_errors=0)
    found = set()
    for task in report.tasks:
        for error in task.errors:
            found.add((task.place, getattr(error, "row_number", None), getattr(error, "field_name", None) or None, error.type))
    return found


@pytest.mark.parametrize("case", sorted(CASES))
def test_every_frictionless_finding_is_found(case, built_repo, tmp_path):
    package = tmp_path / "package"
    shutil.copytree(built_repo / "datapackage", package / "datapackage")
    shutil.copy(built_repo / "datapackage.json", package / "datapackage.json")
    _damage(package, *CASES[case])

    theirs = _frictionless_findings(package)
    ours = validate_package(package)
    assert theirs, "frictionless found nothing: the case does not damage the package"
    assert ours, "the validator found nothing"
    for path, row, field, kind in theirs:
        if kind == "incorrect-label":  # reported once for the header, with the expected labels
            assert any(p.path == path and p.line == 1 and "incorrect-label" in p.message for p in ours), (kind, [str(p) for p in ours])
            continue
        matches = [p for p in ours if p.path == path and p.line == row and (field is None or p.field in (field, None))]
        assert matches, (f"frictionless found {kind} at {path}:{row}:{field}; ours: {[str(p) for p in ours]}")


def test_a_clean_package_has_no_findings_in_either(built_repo):
    assert _frictionless_findings(built_repo) == set()
    assert validate_package(built_repo) == []


def test_broken_files_get_one_line_each_and_no_traceback(built_repo, tmp_path):
    package = tmp_path / "package"
    shutil.copytree(built_repo / "datapackage", package / "datapackage")
    shutil.copy(built_repo / "datapackage.json", package / "datapackage.json")
    _damage(package, "actors", b'"Aleksandar Pavi\xc4\x87"', b'"Aleksandar Pavi\xff"')
    (package / "datapackage" / "csv" / "quotes.csv").unlink()
    messages = [str(p) for p in validate_package(package)]
    assert any(m.startswith("datapackage/csv/actors.csv: not UTF-8: byte ") and "(line 2 of the file)" in m for m in messages), messages
    assert any(m.startswith("datapackage/csv/quotes.csv: cannot read:") for m in messages), messages
