"""A seeded differential fuzz: the fast path and frictionless (the reference) give the same verdict.

Mutated rows, headers and dialects of the package's own small CSVs: no case where one validator
accepts what the other rejects, so no build publishes what the spec rejects.
"""
import csv
import io
import json
import random
import shutil

import pytest

from certdata import fastcheck
from certdata.package import Package
from certdata.validate import frictionless_problems

from .conftest import make_package

SEED, CASES = 20261125, 300
RESOURCES = ["agencies", "mo_post_measures", "mo_license_statuses", "requests", "statutes"]
INSERTS = [" ", "\n", "\r\n", "_", "\u0661", "\uff11", "|", "'", '"', ";", "\t", "", "0", "-", "+", "1_0", "\ufffd",
           "2023-1-5", "NA", "true", "|'q'|", ",", "  "]


@pytest.fixture(scope="module")
def base(tmp_path_factory):
    return make_package(tmp_path_factory.mktemp("fuzz") / "pkg")


def subset(root, name):
    """A package of one resource and what it references, so that frictionless stays quick."""
    package = Package.load(root)
    wanted = {name} | {fk["reference"]["resource"] for fk in package.resource(name)["schema"].get("foreignKeys", [])} - {""}
    package.descriptor["resources"] = [r for r in package.resources if r["name"] in wanted]
    return package


def mutate(rng, text):
    rows = list(csv.reader(io.StringIO(text, newline="")))
    kind = rng.choice(["cell", "cell", "cell", "header", "blank-line", "row"])
    r = 0 if kind == "header" else rng.randrange(1, len(rows))
    if kind in ("cell", "header"):
        c = rng.randrange(len(rows[r]))
        cell, insert = rows[r][c], rng.choice(INSERTS)
        at = rng.choice([0, len(cell), rng.randrange(len(cell) + 1)])
        rows[r][c] = rng.choice([cell[:at] + insert + cell[at:], insert, cell.upper(), cell[:-1]])
    elif kind == "row":
        rows.insert(r, list(rows[rng.randrange(1, len(rows))]))
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    data = out.getvalue()
    if kind == "blank-line":
        lines = data.split("\n")
        lines.insert(rng.randrange(len(lines)), "")
        data = "\n".join(lines)
    return data


def test_fast_path_and_frictionless_agree_on_seeded_mutations(base, tmp_path):
    rng = random.Random(SEED)
    root = tmp_path / "pkg"
    shutil.copytree(base, root)
    disagreements = []
    for number in range(CASES):
        name = rng.choice(RESOURCES)
        path = root / "data" / f"{name}.csv"
        original = (base / "data" / f"{name}.csv").read_text(encoding="utf-8")
        path.write_text(mutate(rng, original), encoding="utf-8", newline="")
        schema_path = root / "data" / "schemas" / f"{name}.json"
        schema_text = (base / "data" / "schemas" / f"{name}.json").read_text()
        if rng.random() < 0.1:  # the spec's other forms: keys as strings, missingValues objects
            schema = json.loads(schema_text)
            if schema.get("primaryKey"):
                schema["primaryKey"] = schema["primaryKey"][0]
            schema["missingValues"] = [{"value": v, "label": "missing"} for v in schema.get("missingValues", [""])]
            schema_path.write_text(json.dumps(schema))
        package = subset(root, name)
        fast = fastcheck.package_is_valid(package)
        reference = not frictionless_problems(package)
        if fast != reference:
            disagreements.append((number, name, fast, reference))
        path.write_text(original, encoding="utf-8", newline="")
        schema_path.write_text(schema_text)
    assert not disagreements, disagreements[:10]


def test_repeated_keys_are_found_within_and_across_runs_of_kept_hashes(monkeypatch):
    """The fast path keeps hashes of key values in sorted runs, not the values: a repeat is found
    within a run, across runs (the end's merge), and in a key of several fields; distinct keys pass."""
    monkeypatch.setattr(fastcheck.Repeats, "RUN", 7)

    def verdict(values):
        seen = fastcheck.Repeats()
        try:
            for value in values:
                seen.add(value)
            seen.check()
        except fastcheck.Invalid:
            return False
        return True
    distinct = [(f"MO-{i:07d}",) for i in range(100)]
    assert verdict(distinct) and verdict([]) and verdict([("a", 1), ("a", 2), ("b", 1)])
    assert not verdict(distinct[:3] + [distinct[1]])  # within the first run
    assert not verdict(distinct + [distinct[5]])  # across runs: found at the end
    assert not verdict(distinct[:7] + distinct[14:20] + [distinct[3]] + distinct[40:45])  # one run, then the current set
    assert not verdict([("a", 1), ("b", 2), ("a", 1)])
