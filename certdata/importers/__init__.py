"""Importers: an agency's release file, as received, into the package.

One module per source, each declaring ``SOURCE`` (name, resource, request),
``COLUMNS`` (our field -> header names the agency may use) and ``REQUIRED``,
and a ``rows(records, package)`` function that turns mapped records into our
rows. This module reads the file (Excel workbook or CSV in UTF-8 or
Windows-1252), maps headers, drops every column that is not open (reporting
its name, never its values), and writes the normalised CSV, the original under
``data/raw/`` and the provenance in ``datapackage.json``: all or nothing.
"""
import csv
import hashlib
import importlib
import io
import json
import re
import shutil
from pathlib import Path

from ..errors import CertdataError
from ..package import DESCRIPTOR, SYNTHETIC
from ..sample import to_csv

SOURCES = {"mo-roster": "mo_roster", "ma-training": "ma_training"}


class ImportError_(CertdataError):
    """The file cannot be imported; nothing was changed."""


def source_module(name):
    """The importer module for a source name."""
    if name not in SOURCES:
        raise ImportError_(f"unknown source {name!r}; choose one of {', '.join(SOURCES)}")
    return importlib.import_module(f"{__name__}.{SOURCES[name]}")


def clean(value):
    """Trim and collapse whitespace; None and non-text become strings."""
    if value is None:
        return ""
    return " ".join(str(value).replace("\u00a0", " ").split())


def header_key(text):
    """Header names compared without case, spaces or punctuation."""
    return re.sub(r"[^a-z0-9]", "", clean(text).lower())


def read_table(path, module):
    """(file label, headers, rows) from an .xlsx workbook (the sheet with our headers) or a CSV."""
    path = Path(path)
    if not path.is_file():
        raise ImportError_(f"{path}: no such file")
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        return read_workbook(path, module)
    data = path.read_bytes()
    if not data.strip():
        raise ImportError_(f"{path.name}: the file is empty")
    if b"\x00" in data:
        row = data[: data.index(b"\x00")].count(b"\n") + 1
        raise ImportError_(f"{path.name}, row {row}: NUL byte; the file is not a text export")
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    rows = list(csv.reader(io.StringIO(text, newline="")))
    return path.name, rows[0], rows[1:]


def read_workbook(path, module):
    """The first sheet whose header row maps every required field."""
    import openpyxl
    try:
        workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many types for unreadable files
        raise ImportError_(f"{path.name}: not a readable Excel workbook ({type(error).__name__})") from error
    for sheet in workbook.worksheets:
        rows = [list(r) for r in sheet.iter_rows(values_only=True)]
        for index, row in enumerate(rows[:10]):
            if not missing_fields(mapping([clean(c) for c in row], module), module):
                return f"{path.name} [{sheet.title}]", [clean(c) for c in row], rows[index + 1:]
    raise ImportError_(f"{path.name}: no sheet has the columns {', '.join(module.REQUIRED)} "
                       f"(looked for headers like {', '.join(module.COLUMNS[f][0] for f in module.REQUIRED)})")


def mapping(headers, module):
    """{our field: column index} for the headers that match the source's known names."""
    known = {header_key(name): field for field, names in module.COLUMNS.items() for name in [field, *names]}
    found = {}
    for index, header in enumerate(headers):
        field = known.get(header_key(header))
        if field and field not in found:
            found[field] = index
    return found


def missing_fields(found, module):
    return [f for f in module.REQUIRED if f not in found]


def records(label, headers, rows, module, report):
    """Mapped, cleaned records; dropped columns reported by name only."""
    found = mapping(headers, module)
    missing = missing_fields(found, module)
    if missing:
        raise ImportError_(f"{label}: missing column(s) {', '.join(missing)}; headers were: {', '.join(map(clean, headers))}")
    for index, header in enumerate(headers):
        if index not in found.values() and clean(header):
            report(f"dropped column {clean(header)!r}: not an open field, its values are not read")
    out = []
    for number, row in enumerate(rows, start=2):
        record = {field: clean(row[index]) if index < len(row) else "" for field, index in found.items()}
        if any(record.values()):
            record["_row"] = number
            out.append(record)
    if not out:
        raise ImportError_(f"{label}: no data rows")
    return out


def run(source, path, package, received=None, report=print):
    """Import path as the source's resource; returns the files written."""
    module = source_module(source)
    label, headers, rows = read_table(path, module)
    mapped = records(label, headers, rows, module, report)
    resource = package.resource(module.SOURCE["resource"])
    table, agencies = module.rows(mapped, package, label)
    return write_all(package, resource, table, agencies, module, Path(path), received)


def merged_agencies(package, state, names):
    """agencies.csv rows: the other state's rows kept, this state's replaced by the import's."""
    from ..names import agency_id
    kept = [r for r in package.read_rows("agencies") if r["state"] != state]
    rows = {(r["agency_id"], r["state"], r["agency_name"]) for r in kept}
    rows |= {(agency_id(state, n), state, n) for n in names}
    return to_csv(["agency_id", "state", "agency_name"], sorted(rows))


def write_all(package, resource, table, agencies, module, original, received):
    """Write the CSVs, the raw copy and the descriptor; restore everything if any write fails."""
    root = package.root
    digest = hashlib.sha256(original.read_bytes()).hexdigest()
    raw = Path("data") / "raw" / f"{resource['name']}-{received or 'undated'}-{digest[:12]}{original.suffix.lower()}"
    header = [f["name"] for f in resource["schema"]["fields"]]
    descriptor = json.loads((root / DESCRIPTOR).read_text(encoding="utf-8"))
    mark_real(descriptor, resource["name"], module, raw, digest, received)
    mark_real(descriptor, "agencies", None, None, None, None, keep_if_other_synthetic=True)
    files = {root / resource["path"]: to_csv(header, table),
             root / "data" / "agencies.csv": merged_agencies(package, module.SOURCE["state"], agencies),
             root / DESCRIPTOR: json.dumps(descriptor, indent=2, ensure_ascii=False) + "\n"}
    backups = {p: p.read_bytes() for p in files if p.exists()}
    try:
        (root / raw).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(original, root / raw)
        for target, text in files.items():
            temp = target.with_name(target.name + ".importing")
            temp.write_text(text, encoding="utf-8")
            temp.replace(target)
    except OSError:
        for target, data in backups.items():
            target.write_bytes(data)
        raise
    return list(files) + [root / raw]


def mark_real(descriptor, name, module, raw, digest, received, keep_if_other_synthetic=False):
    """Record the release's provenance and drop the synthetic flag."""
    resource = next(r for r in descriptor["resources"] if r["name"] == name)
    if keep_if_other_synthetic:
        others = [r for r in descriptor["resources"] if r.get(SYNTHETIC) and r["name"] not in ("agencies", )]
        if others:
            return
    resource.pop(SYNTHETIC, None)
    if module is None:
        resource["sources"] = [s for s in resource["sources"] if not s.get(SYNTHETIC)] or [{"title": "Agency releases imported into this package"}]
        return
    resource["sources"] = [{"title": f"{module.SOURCE['title']} (as received)", "path": str(raw),
                            "pcr:sha256": digest, "pcr:received": received or "not stated in the record"}]
    if received:
        resource["pcr:received"] = received
    if not any(not s.get(SYNTHETIC) for s in descriptor["sources"] if s.get("path") == str(raw)):
        descriptor["sources"].append(resource["sources"][0])
    if not any(r.get(SYNTHETIC) for r in descriptor["resources"]):
        descriptor["sources"] = [s for s in descriptor["sources"] if not s.get(SYNTHETIC)]
