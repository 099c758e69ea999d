"""Massachusetts: MPTC's Acadis training export (officer, course, completion date, agency at the time).

Everything that is Massachusetts': its officer resource, the training-export importer and
header mapping, the record-identifier rule, its people in the search index (one per Acadis ID),
its officer page and its synthetic sample. Its caveats are the package's: the disclosure of each
field of ``ma_training`` (MPTC's words on its employment data) and MPTC's request items.
"""
import re
from datetime import date, datetime, timedelta

from ..importers import ImportError_
from ..names import agency_id

CODE, NAME, ROUTE = "MA", "Massachusetts", "ma"
OFFICERS = "ma_training"
ID_PATTERN = r"[0-9A-Za-z]+"
IDENTIFIERS = """Massachusetts rows are keyed by the Acadis ID and a counter in completion-date order."""  # for the methodology page (Markdown)

SEARCH_SQL = """
    select row_number() over (order by acadis_id) as n, acadis_id as person_key, officer_name,
           null as license_status, agency_id, trainings || ' training record(s)' as detail
    from (select acadis_id, agency_id, max(officer_name) over officer as officer_name,
                 count(*) over officer as trainings,
                 row_number() over (officer order by completion_date desc, record_id desc) as latest
          from ma_training window officer as (partition by acadis_id))
    where latest = 1"""  # the agency of the latest record; one pass, no index needed (see certdata/states)

PAGE_QUERIES = {  # the first finds the officer or makes the page a 404
    "officer": {"one": True, "sql": "select * from ma_training where acadis_id = :id "
                                    "order by completion_date desc, record_id desc limit 1"},
    "records": {"sql": "select t.*, a.agency_name from ma_training t left join agencies a on a.agency_id = t.agency_id "
                       "where t.acadis_id = :id order by t.completion_date, t.record_id"},
    "history": {"sql": "select * from ma_training_agencies where acadis_id = :id order by first_training, last_training"},
}
# The agency page's section for Massachusetts: officers seen in training records with the agency.
AGENCY = {
    "heading": "Officers seen in Massachusetts training records with this agency",
    "empty": "No training record names this agency.",
    "sql": "select acadis_id as person_key, officer_name, trainings || case trainings when 1 then ' training, ' "
           "else ' trainings, ' end || first_training || ' to ' || last_training as summary "
           "from ma_training_agencies where agency_id = :agency_id "
           "order by officer_name, acadis_id",
}
SEARCH_FIELDS = {"person_key": "the Acadis ID", "license_status": "empty: no licence or certification status was among the elements the request asked for",
                 "agency_id": "the agency of the latest training record (employment data that MPTC says is “secondhand and often inaccurate”)",
                 "detail": "the number of training records"}
OFFICER_LINKS = {"ma_training": "acadis_id", "ma_training_agencies": "acadis_id"}

# The importer: MPTC's Acadis export as received.
SOURCE = {"name": "ma-training", "resource": "ma_training", "state": CODE,
          "title": "Massachusetts MPTC Acadis training export"}
COLUMNS = {
    "acadis_id": ["Acadis ID", "Officer Acadis ID", "Acadis Unique ID", "Person ID"],
    "state_id": ["State ID", "MPTC ID", "POST ID", "State Unique ID"],
    "officer_name": ["Name", "Officer Name", "Full Name", "Student Name"],
    "course_name": ["Course", "Course Name", "Training", "Class Name"],
    "completion_date": ["Completion Date", "Date Completed", "Completed", "End Date"],
    "agency_name": ["Agency", "Employing Agency", "Department", "Agency Name"],
}
REQUIRED = ["acadis_id", "officer_name", "course_name", "completion_date"]
CELL_KINDS = {"acadis_id": ("number",), "state_id": ("number",), "completion_date": ("date", "number")}  # Excel cells other than text
FORMATS = ("%Y-%m-%d", "%m/%d/%Y", "%m/%d/%y", "%Y/%m/%d", "%d-%b-%Y")


def parse_date(value, label, row):
    """ISO date from the formats exports use, including Excel serial numbers."""
    text = value.strip()
    if re.fullmatch(r"[0-9]+(\.[0-9]+)?", text) and 20000 < float(text) < 80000:  # ASCII digits only
        return (date(1899, 12, 30) + timedelta(days=int(float(text)))).isoformat()
    for fmt in FORMATS:
        try:
            parsed = datetime.strptime(text.split(" ")[0], fmt).date()
        except ValueError:
            continue
        if fmt == "%m/%d/%y" and parsed.year > date.today().year:
            parsed = parsed.replace(year=parsed.year - 100)
        return parsed.isoformat()
    raise ImportError_(f"{label}, row {row}, field completion_date: the value is not a date "
                       f"(expected YYYY-MM-DD, MM/DD/YYYY or an Excel date)")


def table(cleaned):
    """ma_training.csv rows from (acadis, state id, name, course, date, agency name) tuples:
    record ids MA-<acadis>-<n>, n counted in (date, course) order."""
    counters, out = {}, []
    for acadis, sid, name, course, done, agency in sorted(cleaned, key=lambda r: (r[0], r[4], r[3])):
        counters[acadis] = counters.get(acadis, 0) + 1
        out.append((f"MA-{acadis}-{counters[acadis]}", acadis, sid, name, course, done,
                    agency_id(CODE, agency) if agency else ""))
    return out


def rows(records, package, label):
    """(rows for ma_training.csv, agency names) from mapped records."""
    cleaned = []
    patterns = {f["name"]: re.compile(f["constraints"]["pattern"]) for f in package.resource(SOURCE["resource"])["schema"]["fields"]
                if "pattern" in f.get("constraints", {})}  # the schema's, which the build checks again
    resource = package.resource(SOURCE["resource"])
    previous = set() if resource.get("pcr:synthetic") else {r["acadis_id"] for r in package.read_rows(SOURCE["resource"])}
    zero_led = {i.lstrip("0"): i for i in previous if i.startswith("0")}  # an officer's id, its URL: /officer/ma/<id>
    for record in records:
        if not patterns["acadis_id"].fullmatch(record["acadis_id"]):
            raise ImportError_(f"{label}, row {record['_row']}, field acadis_id: not an Acadis ID (letters and digits only)")
        if record["acadis_id"] in zero_led and record["acadis_id"] not in previous:
            raise ImportError_(f"{label}, row {record['_row']}, field acadis_id: the previous release has this Acadis ID "
                               "with leading zeros, and this file without (a number cell, or a spreadsheet that dropped "
                               "them); the officer's page would move. Format the column as text and export it again")
        if record.get("state_id") and not patterns["state_id"].fullmatch(record["state_id"]):
            raise ImportError_(f"{label}, row {record['_row']}, field state_id: not a state ID (letters and digits, "
                               "at most one hyphen); it is not shown. Check the export's columns")
        done = parse_date(record["completion_date"], label, record["_row"])
        cleaned.append((record["acadis_id"], record.get("state_id", ""), record["officer_name"],
                        record["course_name"], done, record.get("agency_name", "")))
    return table(cleaned), {r[5] for r in cleaned if r[5]}


# The synthetic sample.
MA_OFFICERS = 3000
# Agency and course names are generated and marked as samples: no real agency or MPTC course is named.
MA_AGENCY_COUNT = 72
COURSES = ["Sample course 01 (first training)"] + [f"Sample course {i:02d}" for i in range(2, 21)]


def agencies():
    """Massachusetts sample agency names."""
    return [f"Sample Town {i:03d} Police Department" for i in range(1, MA_AGENCY_COUNT + 1)]


def training_rows(rng, officers=MA_OFFICERS):
    """Rows (acadis_id, state_id, officer_name, course, completion_date, agency_name) for Massachusetts."""
    from ..sample import make_names, weighted_agencies
    names = agencies()
    out = []
    for i, (first, middle, last) in enumerate(make_names(rng, officers)):
        acadis = str(100000 + i * 7)
        state_id = f"MA{rng.randrange(10**6):06d}" if rng.random() < 0.8 else ""
        name = f"{first} {middle + ' ' if middle else ''}{last}"
        start = date(2000, 1, 1) + timedelta(days=rng.randrange(365 * 22))
        agency = weighted_agencies(rng, names, 1)[0]
        day = start
        for k in range(rng.randint(1, 8)):
            if k and rng.random() < 0.12:
                agency = weighted_agencies(rng, names, 1)[0]
            course = COURSES[0] if k == 0 else rng.choice(COURSES[1:])
            out.append((acadis, state_id, name, course, day.isoformat(), "" if rng.random() < 0.03 else agency))
            day += timedelta(days=rng.randint(60, 900))
            if day > date(2023, 9, 1):
                break
    return out


def sample(rng, options):
    """The sample ma_training.csv and its agency names. Options: ma_officers, and extra_ma
    (tuples shaped like training_rows', added as given, for test fixtures)."""
    from ..sample import to_csv
    tuples = training_rows(rng, options.get("ma_officers", MA_OFFICERS)) + list(options.get("extra_ma", ()))
    text = to_csv(["record_id", "acadis_id", "state_id", "officer_name", "course_name", "completion_date", "agency_id"],
                  table(tuples))
    return {OFFICERS: text}, {r[5] for r in tuples if r[5]}
