"""A package someone else made (issue 27): `validate`, `diff`, `release` and `load()` never read
outside the package folder, never follow a link, never touch the network, quote at most a bounded
excerpt, and answer a FIFO or a damaged file with one line and their exit code (diff: 2)."""

from __future__ import annotations

import http.server
import json
import os
import shutil
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from conftest import REPO

from builders.load import load
from builders.schema.files import MAX_SHOWN, UnsafeFile, excerpt, open_file
from builders.validate import validate_package
from builders.validate.diff import DiffError, diff

SECRET = "GITHUB_TOKEN=ghp_not_a_real_token"
MAX_LINE = 1000  # a problem line: path, row, field, a bounded excerpt, the expected header and the fix


def _copy(built_repo: Path, target: Path) -> Path:
    target.mkdir(parents=True)
    shutil.copy2(built_repo / "datapackage.json", target)
    shutil.copytree(built_repo / "datapackage", target / "datapackage")
    return target


def _cli(*args: str, timeout: float = 120) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "builders", *args], capture_output=True, text=True, cwd=REPO, timeout=timeout)


def _descriptor(package: Path) -> dict:
    return json.loads((package / "datapackage.json").read_text(encoding="utf-8"))


def _write_descriptor(package: Path, data: dict) -> None:
    (package / "datapackage.json").write_text(json.dumps(data), encoding="utf-8")


def _resource(data: dict, name: str) -> dict:
    return next(r for r in data["resources"] if r["name"] == name)


@pytest.fixture
def secret(tmp_path) -> Path:
    path = tmp_path / "secret.env"
    path.write_text(SECRET + "\n", encoding="utf-8")
    return path


def _no_secret(*texts: str) -> None:
    for text in texts:
        assert "GITHUB_TOKEN" not in text and "ghp_" not in text


# -- the safe reader itself ----------------------------------------------------------------------

def test_the_reader_refuses_links_urls_parents_and_special_files(tmp_path, secret):
    (tmp_path / "p" / "d").mkdir(parents=True)
    (tmp_path / "p" / "d" / "ok.csv").write_bytes(b"a\r\n1\r\n")
    (tmp_path / "p" / "link.csv").symlink_to(secret)
    (tmp_path / "p" / "linked-dir").symlink_to(tmp_path / "p" / "d")
    os.mkfifo(tmp_path / "p" / "fifo.csv")
    handle, size = open_file(tmp_path / "p", "d/ok.csv", declared=6)
    with handle:
        assert (handle.read(), size) == (b"a\r\n1\r\n", 6)
    for rel in ("link.csv", "linked-dir/ok.csv", "fifo.csv", "../secret.env", str(secret), "http://127.0.0.1:9/x.csv",
                "file:///etc/passwd", "d", "d/../d/ok.csv", 3, None):
        with pytest.raises(UnsafeFile):
            open_file(tmp_path / "p", rel)
    with pytest.raises(UnsafeFile, match="more than the 5 the descriptor declares"):
        open_file(tmp_path / "p", "d/ok.csv", declared=5)
    with pytest.raises(UnsafeFile, match="over the limit"):
        open_file(tmp_path / "p", "d/ok.csv", limit=5)


def test_an_excerpt_is_bounded_and_escaped():
    assert len(excerpt("x" * 10_000_000)) == MAX_SHOWN
    assert excerpt("a\nb\x1b[31m") == "a\\nb\\x1b[31m"
    assert excerpt("short") == "short"


# -- defect 1: a link planted as a resource file ---------------------------------------------------

def test_validate_never_follows_a_link_planted_as_a_resource(built_repo, tmp_path, secret):
    package = _copy(built_repo, tmp_path / "pkg")
    quotes = package / "datapackage" / "csv" / "quotes.csv"
    quotes.unlink()
    quotes.symlink_to(secret)
    parquet = package / "datapackage" / "parquet"
    shutil.move(parquet, tmp_path / "elsewhere")
    parquet.symlink_to(tmp_path / "elsewhere")
    problems = [str(p) for p in validate_package(package)]
    _no_secret(*problems)
    assert any(p.startswith("datapackage/csv/quotes.csv") and "symbolic link" in p for p in problems)
    assert any(p.startswith("datapackage/parquet/quotes.parquet") and "symbolic link" in p for p in problems)


# -- defect 2: diff reads outside the package --------------------------------------------------------

@pytest.mark.parametrize("where", ["parent", "absolute", "url"])
def test_diff_refuses_paths_outside_the_package(built_repo, tmp_path, where):
    package = _copy(built_repo, tmp_path / "pkg")
    outside = tmp_path / "outside.csv"
    outside.write_text(f"quote_id\r\n{SECRET}\r\n", encoding="utf-8")
    data = _descriptor(package)
    _resource(data, "quotes")["path"] = {"parent": "../outside.csv", "absolute": str(outside), "url": "http://127.0.0.1:9/q.csv"}[where]
    _write_descriptor(package, data)
    result = _cli("diff", str(built_repo), str(package))
    _no_secret(result.stdout, result.stderr)
    assert result.returncode == 2 and result.stdout == "" and len(result.stderr.splitlines()) == 1, result.stderr
    assert "only files inside the package" in result.stderr or "leaves the package" in result.stderr


# -- defect 3: no network ----------------------------------------------------------------------------

@pytest.fixture
def server():
    """A server on the loopback that counts the requests it gets (none is the expected count)."""
    hits = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 (the standard library's name)
            hits.append(self.path)
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(b"{}")

        def log_message(self, *args):
            pass

    httpd = http.server.HTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}", hits
    httpd.shutdown()
    httpd.server_close()


def test_validate_fetches_no_url_the_descriptor_names(built_repo, tmp_path, server):
    url, hits = server
    package = _copy(built_repo, tmp_path / "pkg")
    data = _descriptor(package)
    data["profile"] = f"{url}/profile.json"
    data["$schema"] = f"{url}/schema.json"
    _resource(data, "quotes")["schema"] = f"{url}/quotes-schema.json"
    _resource(data, "events")["dialect"] = f"{url}/dialect.json"
    _write_descriptor(package, data)
    problems = [str(p) for p in validate_package(package)]
    assert hits == []
    assert any("URL" in p for p in problems)
    result = _cli("diff", str(built_repo), str(package))
    assert hits == [] and result.returncode == 2 and "Traceback" not in result.stderr


# -- defect 5: sizes -------------------------------------------------------------------------------

def test_a_file_larger_than_declared_is_refused_unread(built_repo, tmp_path):
    package = _copy(built_repo, tmp_path / "pkg")
    quotes = package / "datapackage" / "csv" / "quotes.csv"
    with open(quotes, "ab") as handle:
        handle.truncate(quotes.stat().st_size + 64 * 2**20)  # sparse: 64 MiB of NUL bytes, not written
    problems = [str(p) for p in validate_package(package)]
    assert any(p.startswith("datapackage/csv/quotes.csv") and "the descriptor declares" in p for p in problems), problems
    result = _cli("diff", str(built_repo), str(package))
    assert result.returncode == 2 and "the descriptor declares" in result.stderr


def test_a_huge_field_is_quoted_as_a_bounded_excerpt(built_repo, tmp_path):
    package = _copy(built_repo, tmp_path / "pkg")
    quotes = package / "datapackage" / "csv" / "quotes.csv"
    big = b"Y" * (2 * 2**20)
    quotes.write_bytes(big + b"," + quotes.read_bytes())  # a 2 MB header field
    data = _descriptor(package)
    _resource(data, "quotes")["bytes"] = quotes.stat().st_size
    _write_descriptor(package, data)
    problems = [str(p) for p in validate_package(package)]
    assert problems and max(len(p) for p in problems) < MAX_LINE
    result = _cli("diff", str(built_repo), str(package))
    assert result.returncode == 2 and "Traceback" not in result.stderr and len(result.stderr) < MAX_LINE, result.stderr[:400]


# -- defect 6: a FIFO ----------------------------------------------------------------------------

def test_a_fifo_is_one_line_never_a_hang(built_repo, tmp_path):
    package = _copy(built_repo, tmp_path / "pkg")
    for rel in ("datapackage/csv/quotes.csv", "datapackage/parquet/events.parquet"):
        (package / rel).unlink()
        os.mkfifo(package / rel)
    problems = [str(p) for p in validate_package(package)]
    assert any(p.startswith("datapackage/csv/quotes.csv") and "not a regular file" in p for p in problems)
    assert any(p.startswith("datapackage/parquet/events.parquet") and "not a regular file" in p for p in problems)
    result = _cli("diff", str(built_repo), str(package), timeout=60)
    assert result.returncode == 2 and "not a regular file" in result.stderr


# -- defect 7: damaged packages, one line each -----------------------------------------------------

def test_deeply_nested_json_is_one_line(built_repo, tmp_path):
    package = _copy(built_repo, tmp_path / "pkg")
    (package / "datapackage.json").write_text("[" * 100_000 + "]" * 100_000, encoding="utf-8")
    problems = [str(p) for p in validate_package(package)]
    assert problems and all(len(p) < MAX_LINE for p in problems)
    result = _cli("diff", str(built_repo), str(package))
    assert (result.returncode, "Traceback" in result.stderr, len(result.stderr.splitlines())) == (2, False, 1), result.stderr[-400:]
    with pytest.raises(ValueError, match="datapackage.json"):
        load("quotes", root=package)


def test_a_schema_given_as_a_path_is_read_inside_the_package(built_repo, tmp_path):
    package = _copy(built_repo, tmp_path / "pkg")
    data = _descriptor(package)
    schema = _resource(data, "quotes")["schema"]
    (package / "quotes.schema.json").write_text(json.dumps(schema), encoding="utf-8")
    _resource(data, "quotes")["schema"] = "quotes.schema.json"
    _write_descriptor(package, data)
    assert all(c.status == "unchanged" for c in diff(built_repo, package))
    _resource(data, "quotes")["schema"] = "../../etc/passwd"
    _write_descriptor(package, data)
    with pytest.raises(DiffError, match="leaves the package"):
        diff(built_repo, package)


def test_a_header_field_over_128_kb_in_diff_is_one_line(built_repo, tmp_path):
    package = _copy(built_repo, tmp_path / "pkg")
    quotes = package / "datapackage" / "csv" / "quotes.csv"
    quotes.write_bytes(b'"' + b"h" * 200_000 + b'",' + quotes.read_bytes())
    data = _descriptor(package)
    _resource(data, "quotes")["bytes"] = quotes.stat().st_size
    _write_descriptor(package, data)
    result = _cli("diff", str(built_repo), str(package))
    assert result.returncode == 2 and "Traceback" not in result.stderr and len(result.stderr.splitlines()) == 1, result.stderr[-400:]


def test_load_names_the_file_of_a_corrupt_parquet_footer(built_repo, tmp_path):
    package = _copy(built_repo, tmp_path / "pkg")
    parquet = package / "datapackage" / "parquet" / "quotes.parquet"
    data = parquet.read_bytes()
    parquet.write_bytes(data[:-12] + b"\xff" * 8 + data[-4:])  # footer length garbled, magic kept
    for engine in ("pandas", "polars", "duckdb"):
        with pytest.raises(ValueError, match="quotes.parquet") as raised:
            load("quotes", engine=engine, root=package)
        assert len(str(raised.value).splitlines()) == 1


def test_load_refuses_a_link_on_the_way_to_its_file(built_repo, tmp_path, secret):
    package = _copy(built_repo, tmp_path / "pkg")
    shutil.move(package / "datapackage", tmp_path / "elsewhere")
    (package / "datapackage").symlink_to(tmp_path / "elsewhere")
    with pytest.raises(ValueError, match="symbolic link"):
        load("quotes", root=package)


# -- defect 4 and 7: release ships the repository's own files only, and a damaged file is one line ---

def _release_problems(package: Path) -> tuple[list[Path], list[str]]:
    from builders.pipeline import release

    paths, problems = release(package, draft=True)
    return paths, [str(p) for p in problems]


@pytest.mark.parametrize("planted", ["datapackage/notes.txt", "LICENSE", "datapackage/csv", "datapackage/parquet/quotes.parquet"])
def test_release_refuses_a_link_planted_in_what_it_ships(built_repo, tmp_path, secret, planted):
    package = _copy(built_repo, tmp_path / "pkg")
    target = package / planted
    if target.is_dir():
        shutil.move(target, tmp_path / "moved")
    elif target.exists():
        target.unlink()
    target.symlink_to(secret if not planted == "datapackage/csv" else tmp_path / "moved")
    paths, problems = _release_problems(package)
    assert paths == [] and not (package / "dist").exists()
    assert len(problems) == 1 and problems[0].startswith(planted) and "symbolic link" in problems[0], problems
    _no_secret(*problems)


def test_release_of_a_corrupt_parquet_footer_is_one_line(built_repo, tmp_path):
    package = _copy(built_repo, tmp_path / "pkg")
    parquet = package / "datapackage" / "parquet" / "quotes.parquet"
    data = parquet.read_bytes()
    parquet.write_bytes(data[:100] + data[-8:])  # the footer's length points before the file's start
    paths, problems = _release_problems(package)
    assert paths == [] and len(problems) == 1 and problems[0].startswith("datapackage/parquet/quotes.parquet"), problems
