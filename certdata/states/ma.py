"""Massachusetts: MPTC's Acadis training export (officer, course, completion date, agency at the time).

Everything that is Massachusetts': its officer resource, the training-export importer and
header mapping, the record-identifier rule, its people in the search index (one per Acadis ID),
its officer page and its synthetic sample. Its caveats are the package's: the disclosure of each
field of ``ma_training`` (MPTC's words on its employment data) and MPTC's request items.
"""
import collections
import hashlib
import re
from datetime import date, datetime, timedelta

from ..importers import BLANK, REDACTED, ImportError_, numbers, redaction, retirement
from ..names import agency_id, fold
from . import RESPELT_KINDS, dropped_identifiers, release_lookups, respelt

CODE, NAME, ROUTE = "MA", "Massachusetts", "ma"
OFFICERS = "ma_training"
ID_PATTERN = r"[0-9A-Za-z]+"
IDENTIFIERS = """Massachusetts officers are keyed by MPTC's Acadis ID, the address of their page, which the request asked for
(“Officer Acadis unique ID number”); whether MPTC's release gives it is not stated in the record. An import refuses a
release in which an Acadis ID already published carries another name, unless MPTC confirms it is the same officer
(`--same-officer`), and one whose leading zeros changed. An Acadis ID that a later release no longer holds is
retired: its page says which release was the last to hold it, with what name and agency recorded, and this site
shows no other officer under it. A training record is keyed by the Acadis ID, eight hex digits
of the SHA-256 of its course (folded) and completion date, and a counter for identical records of one officer: it
keeps its identifier while its course and date are unchanged."""  # for the methodology page (Markdown)
AGENCY_IDENTIFIERS = True  # the officer identifier is the agency's (the Acadis ID): a changed name is refused, not retired
RETIRED = "ma_retired_ids"  # Acadis IDs a later release no longer holds: their pages say so
RETIRED_QUERY = ("select r.acadis_id as person_key, r.officer_name, r.retired_with, "
                 "'agency recorded with its latest training record: ' || coalesce(a.agency_name, "
                 "'one this release no longer lists, ' || nullif(r.agency_id, '')) as summary "
                 "from ma_retired_ids r left join agencies a on a.agency_id = r.agency_id where r.acadis_id = :id")

SEARCH_SQL = """
    select row_number() over (order by acadis_id) as n, acadis_id as person_key,
           max(case when latest = 1 then officer_name end) as officer_name, null as license_status,
           max(case when latest = 1 then agency_id end) as agency_id,
           max(trainings) || ' training record(s)' || case when count(distinct officer_name) > 1
                                                             then ', under more than one name' else '' end as detail,
           case when count(distinct officer_name) > 1
                then group_concat(case when name_nth = 1 then officer_name end, char(31)) end as other_names
    from (select acadis_id, agency_id, officer_name, count(*) over officer as trainings,
                 row_number() over (officer order by completion_date desc, record_id desc) as latest,
                 row_number() over (partition by acadis_id, officer_name) as name_nth
          from ma_training window officer as (partition by acadis_id))
    group by acadis_id"""  # the name and agency of the latest record, as the officer page shows them (PAGE_QUERIES), and
# the other names the officer's records hold, which the search finds too (a trial after the sixteenth: an officer's
# earlier surname, on her older records, found no one);
# one pass, no index needed (see certdata/states)

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
                 "agency_id": "the agency of the latest training record, where the release gives one (MPTC wrote that "
                              "the employment data in its system “is secondhand and often inaccurate”)",
                 "officer_name": "the name of the latest training record; the officer is found by the names of the "
                                 "older records too",
                 "detail": "the number of training records, and whether they give the officer more than one name"}
OFFICER_LINKS = {"ma_training": "acadis_id", "ma_training_agencies": "acadis_id"}

# The state's name abbreviated in its agencies' names ("Mass. State Police"): the importer warns of two spellings of one
# agency (certdata.importers.loose_agency)
AGENCY_WORDS = {"mass": "massachusetts"}

# The importer: MPTC's Acadis export as received.
SOURCE = {"name": "ma-training", "resource": "ma_training", "state": CODE,
          "title": "Massachusetts MPTC Acadis training export"}
COLUMNS = {
    "acadis_id": ["Acadis ID", "Officer Acadis ID", "Acadis Unique ID", "Person ID", "Acadis #", "Acadis Number", "Acadis No"],
    "state_id": ["State ID", "MPTC ID", "POST ID", "State Unique ID", "Officer State ID"],
    "officer_name": ["Officer Name", "Full Name", "Student Name", "Name"],
    "course_name": ["Course Name", "Course Title", "Class Name", "Course", "Training"],
    "completion_date": ["Completion Date", "Date Completed", "Completed", "End Date"],
    "agency_name": ["Employing Agency", "Agency Name", "Agency", "Department", "Agency at Time of Training",
                    "Agency/Department", "Employing Department"],
    "last_name": ["Last Name", "Last", "Surname", "Family Name", "LName"],
    "first_name": ["First Name", "First", "Given Name", "FName"],
    "middle_name": ["Middle Name", "Middle", "Middle Initial", "MI"],
    "name_suffix": ["Suffix", "Name Suffix", "Sfx"],
}
# A column saying whether a row is a completed training at all, as a class roster's does (a foreign-data trial after the
# eighteenth: 67 rows an "Enrollment Status" called Withdrawn, Failed or Incomplete were published as completed
# trainings). Rows whose word is among "read" are read; those whose word is among "left_out" are left out and counted
# in the import's report; any other value (a blank too) stops the import until its word is listed here.
ROW_STATUS = {
    "what": "a completed training",
    "headers": ["Enrollment Status", "Completion Status", "Course Status", "Training Status", "Class Status",
                "Student Status", "Registration Status", "Status", "Result", "Outcome", "Pass/Fail", "P/F", "Graduated",
                "Certified", "Credit Awarded", "Done", "Final", "Grade", "Final Grade", "Certificate", "Qualified",
                "Qualification"],
    "header_parts": ["status", "result", "outcome", "pass", "complet", "attend", "enrol", "success", "disposition", "certif",
                     "graduat",
                     "issued", "qualif"],
    # and any header holding one of these (compared without case, spaces or punctuation) and none of not_parts:
    # "Attendance Status", "Completed?", "P/F" (a final attack run after the eighteenth: "Passed", "Graduated",
    # "Certified", "Credit Awarded" were dropped as unknown columns, their N and F rows published)
    "not_parts": ["date", "hour", "hrs", "time",
                  # a person's state, not the row's ("Officer Status": Active, Retired; a foreign-data trial after the
                  # nineteenth saw the import stop on it)
                  "officer", "employ", "licen", "person", "job", "duty", "member", "rank"],
    # a header saying the row is no completion ("Withdrawn", "Dropped", "Failed?"): its Yes means left out, its No read
    "negative_parts": ["didnot", "notcomplet", "notpass", "notattend", "nonattend", "unsuccess", "unqualif", "notcertif",
                       "notgrad", "notqualif",  # (an attack run after the twenty-first: "Did Not Complete": Y was read)
                       "uncomplet", "noncomplet", "nevercomplet", "notsuccess", "unpass", "notissued", "denied",
                       "withdr", "drop", "fail", "incomplet", "cancel", "noshow", "absent", "dismiss", "expel", "dnf",
                       "disqualif", "remedia", "recycl"],  # (a second attack run after the nineteenth: DNF, Recycled...)
    "flipped": {"Yes": "No", "Y": "N", "True": "False", "No": "Yes", "N": "Y", "False": "True"},
    "read": ["Completed", "Complete", "Passed", "Pass", "P", "Graduated", "Yes", "Y", "True", "Qualified", "Q"],
    "left_out": ["Withdrawn", "Withdrew", "Failed", "Fail", "Incomplete", "Not Completed", "No Show", "Dropped",
                 "Cancelled", "Canceled", "Enrolled", "Registered", "In Progress", "Waitlisted", "Wait Listed", "Denied",
                 "Did Not Attend", "Absent", "Scheduled", "Pending", "No", "N", "False", "F", "Not Qualified", "Unqualified",
                 "DQ", "Disqualified", "DNF", "Remedial", "Recycled"],
}
NAME_PARTS_HEADERS = True  # Last / First / Middle / Suffix columns stand in for a display name ("Last, First Middle Suffix")
REQUIRED = ["acadis_id", "officer_name", "course_name", "completion_date"]
# Columns a file is expected to have (not required in every row), with the field each gives: a file without one is refused
# unless --blank-field names its field
EXPECTED = {"agency_name": "agency_id"}
CELL_KINDS = {"acadis_id": ("number",), "state_id": ("number",), "completion_date": ("date", "number")}  # Excel cells other than text
FORMATS = ("%Y-%m-%d", "%m/%d/%Y", "%m/%d/%y", "%Y/%m/%d", "%d-%b-%Y", "%d-%b-%y", "%m-%d-%Y", "%Y%m%d")
TWO_DIGIT_YEARS = ("%m/%d/%y", "%d-%b-%y")  # 3/5/19, 01-MAR-19 (an Oracle report's): a year after this one is the 1900s
WORDED = ("%b %d, %Y", "%B %d, %Y", "%d %b %Y", "%d %B %Y", "%b %d %Y")  # "Oct 4, 2019", "4 October 2019", "Oct  4 2019"
TIME_OF_DAY = re.compile(r"(?:[01]?\d|2[0-3]):[0-5]\d(?::[0-5]\d(?:\.\d+)?)?(?:\s?[AaPp]\.?[Mm]\.?)?")
# and a time after a date as SQL Server writes one ("Jun 14 2013 12:00AM") or Oracle a TIMESTAMP ("03-APR-19
# 12.00.00.000000 AM"), and a weekday's name before it ("Wednesday, April 3, 2019"), which must be the date's (a
# foreign-data trial after the twenty-first saw the three refused)
TRAILING_TIME = re.compile(rf"\s+(?:{TIME_OF_DAY.pattern}|(?:[01]?\d|2[0-3])\.[0-5]\d\.[0-5]\d(?:\.\d+)?\s?[AaPp][Mm])"
                           r"(?:\s?(?:Z|UTC|GMT|[+-](?:[01]\d|2[0-3]):?[0-5]\d))?$")  # and its zone (not published)
ORDINAL_DAY = re.compile(r"(?<=[A-Za-z] )([0-9]{1,2})(?:st|nd|rd|th)\b|(?<=\bSep)t(?=\.?\s)", re.IGNORECASE)  # "June 14th",
# "Sept 14" (the second alternative has no group: its "t" is taken out)
WEEKDAY = re.compile(r"(?i)(monday|tuesday|wednesday|thursday|friday|saturday|sunday|mon|tues|tue|wed|thurs|thur|thu|fri|"
                     r"sat|sun)\.?,?\s+(?=\S)")
# a date and a time of day, as a database export writes one (a foreign-data trial after the seventeenth:
# 2019-10-04T00:00:00 was refused); the time is not published
DATE_TIME = re.compile(r"(\d{4}-\d{2}-\d{2})[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?")


def parse_date(value, label, row):
    """ISO date from the formats exports use, including Excel serial numbers."""
    text = value.strip()
    if re.fullmatch(r"[0-9]+(\.[0-9]+)?", text) and 20000 < float(text) < 80000:  # ASCII digits only
        return (date(1899, 12, 30) + timedelta(days=int(float(text)))).isoformat()
    timed = DATE_TIME.fullmatch(text)
    if timed:
        try:
            datetime.fromisoformat(text.replace("Z", "+00:00"))  # a time of day that is one (no 25:00)
            text = timed.group(1)
        except ValueError:
            pass
    weekday = WEEKDAY.match(text)
    if weekday:
        text = text[weekday.end():]
    timed = TRAILING_TIME.search(text)
    if timed:
        text = text[:timed.start()]  # "2019-10-04 lunch" is no date; "06/14/2019 12:00:00 AM" is one
    day = text if " " not in text else ""
    for fmt, candidate in [(f, " ".join(ORDINAL_DAY.sub(r"\1", text.replace(",", ", ")).split()))
                           for f in WORDED] + [(f, day) for f in FORMATS]:
        if fmt == "%Y%m%d" and not re.fullmatch(r"[0-9]{8}", candidate):
            continue  # (a second attack run after the twenty-first: "201912" was read as 2019-01-02)
        try:
            parsed = datetime.strptime(candidate, fmt).date()
        except ValueError:
            continue
        if fmt in TWO_DIGIT_YEARS and parsed.year > date.today().year:
            parsed = parsed.replace(year=parsed.year - 100)
        if weekday and not parsed.strftime("%A").lower().startswith(weekday.group(1).lower()):
            raise ImportError_(f"{label}, row {row}, field completion_date: the weekday's name is not the date's (which "
                               "is it?); it is not shown. Ask MPTC for the date")
        return parsed.isoformat()
    raise ImportError_(f"{label}, row {row}, field completion_date: {NOT_A_DATE}")


NOT_A_DATE = ("the value is not a date (expected YYYY-MM-DD, MM/DD/YYYY, DD-MON-YY, a month's name with the day and year, "
              "a date and time, or an Excel date; a weekday's name before it must be the date's)")


# A completion date before EARLIEST, or one of PLACEHOLDER_DATES, is doubtful: likely what a system writes for a date it
# lacks (1900-01-01, Excel's day 0, the Unix epoch) or a mistyped year. The 1950 floor is this project's choice; the
# sources say nothing of MPTC's earliest records. Such dates are published as released (the import names their rows,
# for a maintainer to ask MPTC). A date after the day the release was received is refused: no
# training completed by then has it (a course scheduled but not yet held, or a mistyped year).
EARLIEST = date(1950, 1, 1)
PLACEHOLDER_DATES = frozenset({date(1899, 12, 30), date(1899, 12, 31), date(1900, 1, 1), date(1970, 1, 1)})


def check_date(done, label, row, received):
    """Refuse a completion date (ISO) after the day received (ISO, or today when the release's is not given);
    True when it is a placeholder or before EARLIEST."""
    day = date.fromisoformat(done)
    latest = date.fromisoformat(received) if received else date.today()
    if day > latest:
        when = f"the day the release was received ({received})" if received else "today (no --received date was given)"
        raise ImportError_(f"{label}, row {row}, field completion_date: a completion date after {when}, which no training "
                           "completed by then has (a course scheduled but not yet held, or a mistyped year); it is not "
                           "shown. Ask MPTC what the record means, and import the release they confirm")
    return day < EARLIEST or day in PLACEHOLDER_DATES


def record_key(course, done):
    """8 hex digits of the SHA-256 of a training record's folded course name and completion date."""
    return hashlib.sha256(f"{fold(course)}|{done}".encode()).hexdigest()[:8]


def table(cleaned):
    """ma_training.csv rows from (acadis, state id, name, course, date, agency name) tuples: record ids
    MA-<acadis>-<record_key>-<n>, n counting an officer's identical records (same course and date) in file order.
    A record keeps its identifier while its course and date are unchanged, whatever records are added before it
    (a counter in date order had given a record's identifier to another when an earlier one appeared: the
    thirteenth attack run)."""
    counters, out = {}, []
    for acadis, sid, name, course, done, agency in sorted(cleaned, key=lambda r: (r[0], r[4], r[3])):
        key = (acadis, record_key(course, done))
        counters[key] = counters.get(key, 0) + 1
        out.append((f"MA-{acadis}-{key[1]}-{counters[key]}", acadis, sid, name, course, done,
                    agency_id(CODE, agency) if agency else ""))
    return out


def confirmations(table_rows, same_officer):
    """{Acadis ID: the digest of each name its records hold in this release, sorted} for the IDs MPTC confirmed the
    same officer's (--same-officer): the build accepts the new name under a published ID only while it is the name
    confirmed (an attack run after the nineteenth: a later hand edit put another person's name under a confirmed ID)."""
    names = collections.defaultdict(set)
    for row in table_rows:
        if row[1] in same_officer:
            names[row[1]].add(name_digest(row[3]))
    return {acadis: sorted(names[acadis]) for acadis in sorted(same_officer)}


def name_digest(name):
    """A name's digest as a confirmation records it (folded: case, accents and punctuation aside)."""
    return hashlib.sha256(fold(name).encode()).hexdigest()[:16]


def refuse_blanks(label, blanks):
    """Refuse the rows that leave a required field blank ({blank fields: rows}), all named at once."""
    raise ImportError_("\n".join(f"{label}, {'row' if len(rows_) == 1 else 'rows'} {numbers(rows_)}, field {fields[0]}: the value is blank{BLANK}, which "
                                 "a training record cannot be without" for fields, rows_ in blanks.items()))


def rows(records, package, label, same_officer=frozenset(), received=None, report=print):
    """(rows for ma_training.csv, agency names, {RETIRED: rows}) from mapped records (the agency names include those
    of the retired Acadis IDs' records). An Acadis ID is an officer's address
    (/officer/ma/<id>): against the previous release, a published one that carries another name is refused unless
    same_officer holds it (MPTC confirmed the officer is the same), and so is one written with other leading zeros.
    A completion date after received (the release's received date, ISO) is refused, and report names the rows of
    placeholder or implausibly early dates, published as released (check_date)."""
    cleaned = []
    patterns = {f["name"]: re.compile(f["constraints"]["pattern"]) for f in package.resource(SOURCE["resource"])["schema"]["fields"]
                if "pattern" in f.get("constraints", {})}  # the schema's, which the build checks again
    resource = package.resource(SOURCE["resource"])
    published = [] if resource.get("pcr:synthetic") else package.read_rows(SOURCE["resource"])
    retired_before = [] if package.resource(RETIRED).get("pcr:synthetic") else package.read_rows(RETIRED)
    previous = {}  # Acadis ID: the folded names it was published with (a retired one's too: it may come back)
    for r in published + retired_before:
        previous.setdefault(r["acadis_id"], set()).add(fold(r["officer_name"]))
    unpadded, confirmed, doubtful, unconfirmed, forms, blanks, carried, undated = {}, set(), [], {}, {}, {}, {}, []
    for i in previous:
        unpadded.setdefault(i.lstrip("0"), set()).add(i)
    for record in records:
        acadis = record["acadis_id"]
        blank = [field for field in REQUIRED if not record.get(field)]
        if blank:  # every such row named at once (a foreign-data trial after the nineteenth: a grouped transcript)
            blanks.setdefault(tuple(blank), []).append(record["_row"])
            continue
        if not patterns["acadis_id"].fullmatch(acadis):
            raise ImportError_(f"{label}, row {record['_row']}, field acadis_id: not an Acadis ID (letters and digits only)"
                               + ("; a number written with a decimal point, as a program that reads identifiers as numbers "
                                  "writes one (and drops their leading zeros): ask MPTC for the column exported as text"
                                  if re.fullmatch(r"[0-9]+\.[0-9]+", record["acadis_id"]) else ""))
        first = forms.setdefault(acadis.lstrip("0"), (acadis, record["_row"]))
        if first[0] != acadis:  # (a foreign-data trial after the nineteenth: one officer published as two)
            raise ImportError_(f"{label}, rows {first[1]} and {record['_row']}, field acadis_id: one Acadis ID written "
                               "with and without leading zeros (a number cell, a number format, or a spreadsheet that "
                               "dropped or added them); the officer would be published as two. Format the column as text "
                               "and export it again, or ask MPTC which is right")
        if acadis not in previous and unpadded.get(acadis.lstrip("0")):
            raise ImportError_(f"{label}, row {record['_row']}, field acadis_id: the previous release has this Acadis ID "
                               "with other leading zeros (a number cell, a number format, or a spreadsheet that dropped or "
                               "added them); the officer's page would move. Format the column as text and export it again")
        renamed = acadis in previous and fold(record["officer_name"]) not in previous[acadis]
        if renamed:
            confirmed.add(acadis)
        if renamed and acadis not in same_officer:
            unconfirmed.setdefault(acadis, record["_row"])
        if record.get("state_id") and not patterns["state_id"].fullmatch(record["state_id"]):
            raise ImportError_(f"{label}, row {record['_row']}, field state_id: not a state ID as the schema's pattern "
                               "takes it (letters and digits, at most one hyphen; no run of digits as long as a date's, "
                               "a telephone number's or an identity number's, and no label such as DOB: the schema "
                               "refuses those until MPTC's format is known); it is not shown. Check the export's columns")
        carried.setdefault(acadis, {}).setdefault(fold(record["officer_name"]), record["_row"])
        try:
            done = parse_date(record["completion_date"], label, record["_row"])
        except ImportError_:  # every such row named in one refusal (a foreign-data trial after the twentieth)
            undated.append(record["_row"])
            continue
        if check_date(done, label, record["_row"], received):
            doubtful.append(record["_row"])
        cleaned.append((acadis, record.get("state_id", ""), record["officer_name"],
                        record["course_name"], done, record.get("agency_name", "")))
    if undated:
        raise ImportError_(f"{label}, {'row' if len(undated) == 1 else 'rows'} {numbers(undated)}, field completion_date: "
                           f"{NOT_A_DATE}")
    if blanks:
        refuse_blanks(label, blanks)
    unrelated = {acadis: rows_ for acadis, names in carried.items() if len(names) > 1 for rows_ in [sorted(names.values())]
                 if not set.intersection(*(set(name.split()) for name in names))}
    if unrelated:  # (a second attack run after the nineteenth: two people under one ID, published without a word)
        first = sorted(unrelated.items(), key=lambda item: item[1])[:10]
        report(f"warning: {label}: {len(unrelated):,} Acadis ID(s) carry names that share no word in this release ("
               + "; ".join(f"{acadis}: rows {numbers(rows_)}" for acadis, rows_ in first)
               + "): published as released, under one officer's page each; check with MPTC that each is one officer")
    if unconfirmed:
        refuse_renamed(label, unconfirmed, len(previous))
    if doubtful:
        shown = ", ".join(map(str, doubtful[:10])) + (f", ... ({len(doubtful):,} in all)" if len(doubtful) > 10 else "")
        report(f"warning: {label}: {len(doubtful):,} completion date(s) before {EARLIEST.year} or such as a system writes "
               f"for a date it lacks (1900-01-01, 1970-01-01), in row(s) {shown}: published as released; check them "
               "with MPTC")
    if same_officer - confirmed:  # a mistyped identifier would otherwise pass unnoticed
        raise ImportError_(f"{label}: --same-officer {', '.join(sorted(same_officer - confirmed))}: no Acadis ID of the "
                           "previous release carries another name in this file")
    retired_rows = retired(published, retired_before, cleaned, package)
    names = {r[5] for r in cleaned if r[5]}
    # the agencies of retired Acadis IDs' records stay listed (unless this release names the agency otherwise), so
    # that their pages name the agency as it was published, not by its identifier
    agency_names = {r["agency_id"]: r["agency_name"] for r in package.read_rows("agencies")}
    now = {agency_id(CODE, n) for n in names}
    names |= {agency_names[r[2]] for r in retired_rows if r[2] and r[2] not in now and agency_names.get(r[2])}
    return table(cleaned), names, {RETIRED: retired_rows}


def refuse_renamed(label, unconfirmed, published, shown=10):
    """Refuse the published Acadis IDs (unconfirmed: {Acadis ID: first row}) that carry another name, all in one
    refusal with their count (the trial: a release writing "First Last" for "Last, First" was found one officer per
    run, --same-officer by --same-officer, with no word of how many)."""
    first = sorted(unconfirmed.items(), key=lambda item: item[1])
    if len(first) == 1:
        (acadis, row), = first
        raise ImportError_(f"{label}, row {row}, field officer_name: the previous release published this Acadis ID, the "
                           "address of an officer's page, with another name (neither is shown; it is the only one of "
                           f"the {published:,} Acadis IDs published that does); its page may show another person. If "
                           f"MPTC confirms the officer is the same (a corrected name), import again with --same-officer {acadis}")
    rows = ", ".join(f"row {row} (Acadis ID {acadis})" for acadis, row in first[:shown])
    more = f", ... ({len(first):,} in all)" if len(first) > shown else ""
    form = (" More than half of them: likely a change of the names' form (\"First Last\" for \"Last, First\", another "
            "column for the name) rather than corrections; compare the file with the previous release."
            if 2 * len(first) > published else "")
    raise ImportError_(f"{label}: {len(first):,} of the {published:,} Acadis IDs the previous release published (each the "
                       f"address of an officer's page) carry another name in this file (neither is shown): {rows}{more}; "
                       f"their pages may show another person.{form} If MPTC confirms an officer is the same (a corrected "
                       "name), import again with --same-officer ID for each")


def retired(published, retired_before, cleaned, package):
    """ma_retired_ids.csv rows: the retirements kept but for Acadis IDs the release holds again, and every Acadis ID
    of the previous release (published: its ma_training rows) that the release no longer holds, with the name and
    agency of its latest record and the package version it was last in."""
    held = {r[0] for r in cleaned}
    fields = ("acadis_id", "officer_name", "agency_id", "retired_with")
    out = {r["acadis_id"]: tuple(r[f] or "" for f in fields) for r in retired_before if r["acadis_id"] not in held}
    latest = {}
    for r in sorted(published, key=lambda r: (r["completion_date"], r["record_id"])):  # as the officer page orders them
        latest[r["acadis_id"]] = r
    agency_names = {r["agency_id"]: r["agency_name"] for r in package.read_rows("agencies")}
    for acadis, r in latest.items():
        if acadis not in held:
            out[acadis] = (acadis, *retirement(package, r["officer_name"], r["agency_id"] or "", agency_names))
    return sorted(out.values())


def id_problems(conn, confirmed=None):
    """Where this release would show a published Acadis ID's page with another officer, or answer it with 'not
    found', with the previous release's database attached as ``old`` (a hand edit of data/ma_training.csv or
    ma_retired_ids.csv): (row, field, kind, message[, resource]), the row numbered in its file, no value shown. The
    rules are the importer's: an Acadis ID keeps a name it was published with; one the release no longer holds is
    retired with the name and agency of its latest record, and stays so until a release holds it again. An Acadis ID
    in confirmed ({Acadis ID: digests of the names MPTC confirmed as the same officer's}, the import's --same-officer:
    confirmations) may carry those names."""
    confirmed = confirmed if isinstance(confirmed, dict) else {}  # (a list of bare IDs, as written before, binds no name)
    names = collections.defaultdict(lambda: ({}, set()))  # Acadis ID: ({folded name: row in main}, {folded names before})
    for side, table_ in (("main", OFFICERS), ("old", OFFICERS), ("old", RETIRED)):
        if conn.execute(f"select 1 from {side}.sqlite_master where name = ?", [table_]).fetchone():
            for rowid, acadis, name in conn.execute(f"select rowid, acadis_id, officer_name from {side}.{table_}"):
                if side == "main":
                    names[acadis][0].setdefault(fold(name), rowid + 1)
                else:
                    names[acadis][1].add(fold(name))
    out = []
    for acadis, (now, before) in names.items():
        if now and before and not set(now) & before and not {name_digest(n) for n in now} <= set(confirmed.get(acadis, ())):
            out.append((min(now.values()), "officer_name", "identifier-reassigned",
                        f"Acadis ID {acadis} was published with another name: its page would show another person. "
                        f"If MPTC confirms the officer is the same, re-import the release with --same-officer {acadis}"))
    out += dropped_identifiers(conn, OFFICERS, "acadis_id", RETIRED)
    if conn.execute(f"select 1 from old.sqlite_master where name = '{RETIRED}'").fetchone():
        for (acadis,) in conn.execute(f"select acadis_id from old.{RETIRED} except select acadis_id from main.{RETIRED} "
                                      f"except select acadis_id from main.{OFFICERS}"):
            out.append((None, "acadis_id", "identifier-retirement-changed",
                        f"Acadis ID {acadis} was published as retired ({RETIRED}); its row there is kept until a "
                        "release holds the ID again, so that its address still says what became of it", RETIRED))
    latest = ("select acadis_id, officer_name, coalesce(agency_id, '') as agency_id from (select *, row_number() over "
              "(partition by acadis_id order by completion_date desc, record_id desc) as k from old.ma_training) where k = 1")
    kept = (f"select acadis_id, officer_name, coalesce(agency_id, '') as agency_id from old.{RETIRED}"
            if conn.execute(f"select 1 from old.sqlite_master where name = '{RETIRED}'").fetchone() else None)
    for rowid, acadis, *both in conn.execute(
            f"select r.rowid, r.acadis_id, o.officer_name, o.agency_id, r.officer_name, coalesce(r.agency_id, '') "
            f"from main.{RETIRED} r join ({' union all '.join(filter(None, (latest, kept)))}) o on o.acadis_id = r.acadis_id"):
        if not redaction(dict(zip(("officer_name", "agency_id"), both[:2])), dict(zip(("officer_name", "agency_id"), both[2:]))):
            out.append((rowid + 1, "officer_name", "identifier-retirement-changed",
                        f"Acadis ID {acadis} is retired with another record than the one it last had (words of its "
                        f"name may only be replaced by {REDACTED}, or its agency blanked, to remove a closed value): its "
                        "address would say it belonged to someone else", RETIRED))
    return out


# The release diff: what a change of a Massachusetts training record means to a reader (its officer is its Acadis ID).
CHANGE_KINDS = {
    "training record added": "a record identifier the previous release did not hold: no record of this Acadis ID with "
                             "this course and completion date (a corrected course or date shows as one record removed "
                             "and one added)",
    "training record removed": "a record identifier the previous release held and this one does not: no record of this "
                               "Acadis ID with that course and date any more (its officer's Acadis ID is still in the "
                               "release)",
    "Acadis ID retired": "a training record of an Acadis ID this release no longer holds at all; the ID is retired, "
                         "and its page says which release last held it",
    "name changed": "the name a training record gives its officer changed (an Acadis ID takes a name it was not "
                    "published with only when the maintainer records, at the import, that MPTC confirmed the officer "
                    "is the same: --same-officer)",
    "changed agency": "the agency a training record names changed; MPTC's reply says of the agency data: “the "
                      "employment data that does exist in our system is secondhand and often inaccurate”",
    "State ID changed": "the State ID a training record gives changed",
    "State ID blanked": "a training record that gave a State ID gives none",
    **RESPELT_KINDS,
}


def change_kind(conn):
    """A function (row_id, change, field, old, new) -> {kind, officer_id, officer_name, old_shown, new_shown} or None
    for ma_training changes, with the previous release attached as ``old``: a training record added or removed (or
    its Acadis ID retired), its officer's name, agency or State ID changed. The officer is named as this release
    names them (a retired Acadis ID by the name its retirement keeps); an agency by the name each release gave it."""
    table, agency = release_lookups(conn)  # read once, at the first change that needs them

    def officer(acadis):
        latest = table("main.names", "select acadis_id, officer_name from (select acadis_id, officer_name, row_number() "
                                     "over (partition by acadis_id order by completion_date desc, record_id desc) as k "
                                     f"from main.{OFFICERS}) where k = 1")
        retired = table("main.retired", f"select acadis_id, officer_name from main.{RETIRED}")
        return (latest.get(acadis) or retired.get(acadis) or (None,))[0]

    def kind(row_id, change, field, old, new):
        schema = "old" if change == "removed" else "main"
        records = table(f"{schema}.records", f"select record_id, acadis_id, course_name, completion_date "
                                             f"from {schema}.{OFFICERS}")
        acadis, course, done = records.get(row_id, (None, None, None))
        out = {"officer_id": acadis, "officer_name": officer(acadis) if acadis else None}
        if change == "added":
            return dict(out, kind="training record added", new_shown=f"{course}, {done}")
        if change == "removed":
            gone = acadis not in table("main.held", f"select distinct acadis_id from main.{OFFICERS}")
            return dict(out, kind="Acadis ID retired" if gone else "training record removed")
        if field == "officer_name":
            return dict(out, kind=respelt(field, old, new) or "name changed")
        if field == "agency_id":
            return dict(out, kind=respelt(field, old, new) or "changed agency", old_shown=agency("old", old),
                        new_shown=agency("main", new))
        if field == "state_id":
            return dict(out, kind="State ID blanked" if not new else "State ID changed")
        return None
    return kind


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
