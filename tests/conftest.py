"""Shared fixtures: small packages in tmp_path, built releases, the CLI."""
import shutil
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
    ("Zyzzyva, Quentin", "Sample status A", "Sample class B", "Boone County Sheriff's Office"),
    ('<script>alert(1)</script>, Evil', "Sample status A", "Sample class A", "Columbia Police Department"),
    ('"><img src=x onerror=alert(2)>, Hostile', "Sample status A", "Sample class A", "Columbia Police Department"),
]
TRICKY_MA = [("990001", "", "Xiomara Quillfeather", "Basic Recruit Academy", "2010-03-01", "Boston Police Department"),
             ("990001", "", "Xiomara Quillfeather", "Use of Force", "2014-05-02", "Quincy Police Department"),
             ("990001", "", "Xiomara Quillfeather", "Legal Updates", "2016-07-03", "Quincy Police Department")]
FIXED = ["statutes", "requests", "request_items", "mo_post_measures", "source_passages", "mo_license_statuses",
         "mo_license_classes", "corrections"]


def make_package(dest, **sizes):
    """A complete small package in dest: the repo's descriptor, schemas and seed tables,
    and a small sample with the tricky names."""
    dest = Path(dest)
    (dest / "data").mkdir(parents=True, exist_ok=True)
    shutil.copyfile(ROOT / "datapackage.json", dest / "datapackage.json")
    shutil.copytree(ROOT / "data" / "schemas", dest / "data" / "schemas", dirs_exist_ok=True)
    shutil.copytree(ROOT / "data" / "sources", dest / "data" / "sources", dirs_exist_ok=True)
    for name in FIXED:
        shutil.copyfile(ROOT / "data" / f"{name}.csv", dest / "data" / f"{name}.csv")
    options = dict(SMALL, extra_mo=TRICKY_MO, extra_ma=TRICKY_MA)
    options.update(sizes)
    for name, text in sample.generate(**options).items():
        (dest / "data" / f"{name}.csv").write_text(text, encoding="utf-8")
    return dest


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
