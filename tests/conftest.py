"""Shared fixtures: small packages in tmp_path, built releases, the CLI."""
import json
import subprocess
import sys
from pathlib import Path

import pytest

from certdata import pipeline, sample

ROOT = Path(__file__).resolve().parent.parent
# The repository's copies of the four source documents (telephone numbers and e-mail
# addresses replaced by a plain placeholder), and the originals when they are beside the clone.
SEEDS = ROOT / "data" / "sources"
ORIGINAL_SEEDS = ROOT.parent / "shared" / "seeds"
SMALL = {"mo_active": 300, "ma_officers": 60}
TRICKY_MO = [
    ("O'Brien, Patrick J", "Sample status A", "Sample class A", "St. Louis Police Department"),
    ("García, María", "Sample status A", "Sample class A", "Kansas City Police Department"),
    ("Smith-Jones, Alexandra", "Revoked", "unknown", ""),
    ("St. John, Theodore", "Surrendered", "Sample class A", ""),
    ("Zyzzyva, Quentin", "Sample status A", "Sample class B", "Quillfeather County Sheriff's Office"),
    ('<script>alert(1)</script>, Evil', "Sample status A", "Sample class A", "Columbia Police Department"),
    ('"><img src=x onerror=alert(2)>, Hostile', "Sample status A", "Sample class A", "Columbia Police Department"),
    ("Иванов, Иван", "Sample status A", "Sample class A", "Полиция Примерного Города"),  # names in other scripts
    ("Weiß, Anna", "Sample status A", "Sample class A", "Полиция Другого Города"),
]
TRICKY_MA = [("990001", "", "Xiomara Quillfeather", "Basic Recruit Academy", "2010-03-01", "Boston Police Department"),
             ("990001", "", "Xiomara Quillfeather", "Use of Force", "2014-05-02", "Quincy Police Department"),
             ("990001", "", "Xiomara Quillfeather", "Legal Updates", "2016-07-03", "Quincy Police Department")]


def make_package(dest, **sizes):
    """A complete small package in dest: the repo's descriptor, schemas and seed tables,
    and a small sample with the tricky names."""
    options = dict(SMALL, extra_mo=TRICKY_MO, extra_ma=TRICKY_MA)
    options.update(sizes)
    return sample.scratch_package(ROOT, dest, **options)


LETTER = ("The attached spreadsheet lists, for each training record, the officer's Acadis ID, state ID and name, "
          "the course, the completion date and the agency recorded.")
ELEMENTS = {"acadis_id": "Acadis ID", "state_id": "state ID", "officer_name": "name", "course_name": "course",
            "completion_date": "completion date", "agency_id": "agency recorded"}


def acadis_export(path, *lines):
    """A small training export as MPTC's Acadis might give it (CRLF lines), for the importer: its path as text."""
    header = "Acadis ID,Officer Name,Course Name,Completion Date,Employing Agency\r\n"
    path.write_text(header + "".join(line + "\r\n" for line in lines), encoding="utf-8")
    return str(path)


def settle_ma_disclosure(root):
    """What a maintainer does before importing MPTC's release: keep the agency's letter as a source
    document and replace each 'pending' ground with the agency's words (a test letter, not MPTC's)."""
    (root / "data" / "sources" / "test-mptc-letter.txt").write_text(LETTER, encoding="utf-8")
    descriptor = json.loads((root / "datapackage.json").read_text())
    descriptor["sources"].append({"title": "Test letter", "pcr:id": "test-mptc-letter", "pcr:text": "data/sources/test-mptc-letter.txt"})
    (root / "datapackage.json").write_text(json.dumps(descriptor))
    path = root / "data" / "schemas" / "ma_training.json"
    schema = json.loads(path.read_text())
    for field in schema["fields"]:
        grounds = field["pcr:disclosure"]["grounds"]
        if any(g["kind"] == "pending" for g in grounds):
            field["pcr:disclosure"]["grounds"] = [{"kind": "agency-release", "element": ELEMENTS[field["name"]],
                                                   "quote": LETTER, "source": "test-mptc-letter"}] + [g for g in grounds if g["kind"] != "pending"]
    path.write_text(json.dumps(schema))


def settle_agency_disclosure(root):
    """The agencies' pending ground (the Massachusetts agencies'), settled by the test letter, as a maintainer does
    before the last sample goes (settle_ma_disclosure first: the letter is its source)."""
    path = root / "data" / "schemas" / "agencies.json"
    schema = json.loads(path.read_text())
    for field in schema["fields"]:
        field["pcr:disclosure"]["grounds"] = [
            {"kind": "agency-release", "element": ELEMENTS["agency_id"], "quote": LETTER, "source": "test-mptc-letter",
             "scope": g["scope"]} if g["kind"] == "pending" else g for g in field["pcr:disclosure"]["grounds"]]
    path.write_text(json.dumps(schema))


def make_real_release(dest):
    """A package with no synthetic resource, as a maintainer leaves it once both agencies' files are
    imported (small test files, not the agencies'): built first with its sample, then with the releases."""
    root = make_package(dest, mo_active=40, ma_officers=10)
    pipeline.build(root=root, progress=pipeline.Progress(quiet=True))
    settle_ma_disclosure(root)
    settle_agency_disclosure(root)
    roster, training = dest.parent / "roster.csv", dest.parent / "training.csv"
    roster.write_text('Name,License Status,License Class,Commissioning Agency\n"Doe, Jane",Sample status A,Sample class A,'
                      'Columbia Police Department\n"Roe, Richard",Revoked,unknown,\n"Poe, Edgar",Surrendered,unknown,'
                      "Quillfeather County Sheriff's Office\n", encoding="utf-8")
    training.write_text("Acadis ID,Officer Name,Course Name,Completion Date,Employing Agency\n"
                        "555001,Ann Lee,Use of Force,2019-06-14,Quincy Police Department\n", encoding="utf-8")
    for source, file, received in (("mo-roster", roster, "2023-01-18"), ("ma-training", training, "2023-10-01")):
        result = run_cli(root, "import", source, str(file), "--received", received)
        assert result.returncode == 0, result.stderr
    pipeline.build(root=root, progress=pipeline.Progress(quiet=True))
    return root


# The peak is read from /proc (VmHWM, this program's own memory since it started), not from getrusage:
# Linux counts in ru_maxrss the parent's memory that a forked child held before exec, the test's own.
PEAK = """import os, runpy, sys
sys.argv = [sys.argv[1], *sys.argv[2:]]
sys.path.insert(0, os.path.dirname(sys.argv[0]))  # as running the script puts its folder first
try:
    runpy.run_path(sys.argv[0], run_name="__main__")
except SystemExit as stop:
    code = stop.code
else:
    code = 0
with open("/proc/self/status") as status:
    peak = next(line.split()[1] for line in status if line.startswith("VmHWM:"))
print("peak-kb", peak, file=sys.stderr)
sys.exit(code)
"""


def run_cli_peak(root, *args, timeout=300):
    """run_cli, and the peak resident kilobytes of build.py's own process (not of the processes it starts)."""
    env = {"CERTDATA_ROOT": str(root), "PATH": str(Path(sys.executable).parent) + ":/usr/bin:/bin"}
    result = subprocess.run([sys.executable, "-c", PEAK, str(ROOT / "build.py"), *args], cwd=root, env=env,
                            capture_output=True, text=True, timeout=timeout)
    assert "peak-kb " in result.stderr, result.stderr[-2000:]
    peak = int(result.stderr.rsplit("peak-kb ", 1)[1].split()[0])
    result.stderr = result.stderr.rsplit("peak-kb ", 1)[0]
    return result, peak


def run_cli(root, *args, timeout=300):
    """Run build.py against the package at root (CERTDATA_ROOT) and return the completed process."""
    env = {"CERTDATA_ROOT": str(root), "PATH": str(Path(sys.executable).parent) + ":/usr/bin:/bin"}
    return subprocess.run([sys.executable, str(ROOT / "build.py"), *args], cwd=root, env=env,
                          capture_output=True, text=True, timeout=timeout)


@pytest.fixture
def small_package(tmp_path):
    return make_package(tmp_path / "pkg")


@pytest.fixture(scope="session")
def built(tmp_path_factory):
    """A small package built once for the session: its root (site/ inside)."""
    root = make_package(tmp_path_factory.mktemp("built"))
    pipeline.build(root=root, progress=pipeline.Progress(quiet=True))
    return root
