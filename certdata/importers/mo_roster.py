"""Missouri POST roster: name, licence status, licence class, commissioning agency."""
from ..names import mo_row_ids
from . import ImportError_

SOURCE = {"name": "mo-roster", "resource": "mo_officers", "state": "MO",
          "title": "Missouri POST roster of licensees"}
COLUMNS = {
    "officer_name": ["Name", "Officer Name", "Licensee Name", "Full Name"],
    "license_status": ["License Status", "Licensure Status", "Status"],
    "license_class": ["License Class", "Class"],
    "agency_name": ["Commissioning Agency", "Agency", "Employing Agency", "Agency Name", "Department"],
    "last_name": ["Last Name", "Last", "Surname", "Family Name", "LName"],
    "first_name": ["First Name", "First", "Given Name", "FName"],
    "middle_name": ["Middle Name", "Middle", "Middle Initial", "MI"],
    "name_suffix": ["Suffix", "Name Suffix", "Sfx"],
}
NAME_PARTS_HEADERS = True  # Last / First / Middle / Suffix columns stand in for a display name
REQUIRED = ["officer_name", "license_status", "license_class"]


def canonical(value, allowed, label, field, row):
    """The code-sheet spelling of a value, matched without regard to case."""
    lookup = {a.lower(): a for a in allowed}
    if value.lower() not in lookup:
        raise ImportError_(f"{label}, row {row}, field {field}: {value!r} is not in the code sheet "
                           f"({', '.join(sorted(allowed))}); add it to data/mo_{field}es.csv with what POST says it means")
    return lookup[value.lower()]


def rows(records, package, label):
    """(rows for mo_officers.csv, agency names) from mapped records."""
    from ..names import agency_id
    statuses = {r["license_status"] for r in package.read_rows("mo_license_statuses")}
    classes = {r["license_class"] for r in package.read_rows("mo_license_classes")}
    tuples = []
    for record in records:
        if not record["officer_name"]:
            raise ImportError_(f"{label}, row {record['_row']}, field officer_name: the name is blank")
        status = canonical(record["license_status"], statuses, label, "license_status", record["_row"])
        klass = canonical(record["license_class"] or "unknown", classes, label, "license_class", record["_row"])
        tuples.append((record["officer_name"], status, klass, record.get("agency_name", "")))
    ids = mo_row_ids(tuples)
    table = sorted((rid, n, s, c, agency_id("MO", a) if a else "") for rid, (n, s, c, a) in zip(ids, tuples))
    return table, {t[3] for t in tuples if t[3]}
