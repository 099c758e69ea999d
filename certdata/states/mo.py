"""Missouri: the POST roster of licensees (name, licence status, licence class, commissioning agency).

Everything that is Missouri's: its officer resource, the roster importer and header mapping,
the row-identifier rule, its rows in the search index, its officer page, its synthetic sample,
what a status change means in the release diff, and its documentation figures. Its caveats
are the package's: the disclosure of each field of ``mo_officers`` and POST's request items.
"""
import collections

from .. import cells
from ..importers import BLANK, REDACTED, ImportError_, agency_respellings, redaction, retirement, written_out
from ..names import agency_id, fold, name_form, name_hash
from . import RESPELT_KINDS, dropped_identifiers, release_lookups, respelt

CODE, NAME, ROUTE = "MO", "Missouri", "mo"
OFFICERS = "mo_officers"
ID_PATTERN = r"MO-[0-9a-f]{10}-[0-9]+"
ID_CASE_INSENSITIVE = True  # our own identifiers: a fixed prefix, lower-case hex digits and a counter
IDENTIFIERS = """POST's reply names no officer or licence number among the open information, and the source documents do
not include its spreadsheet, so each Missouri row gets our own identifier: `MO-`, the first ten hex digits of the SHA-256 of the normalised name (lower
case, accents and punctuation removed, words sorted), and a counter among rows with the same name.
An identifier, once published, is never given to another record. When a release is imported, a
previous record keeps its identifier when the new release holds the identical record (name, case, accents and
punctuation aside but for the place of its first comma, which parts the surname from the given names; status, class
and agency, an agency the new release writes another way counting as the same: no
record names the old spelling, and the new one is the same name with its abbreviations written out, or holds most of
its officers), or when it is the only record with that name on both sides, written with the same
words in the same order and the first comma in the same place (case, accents and other punctuation aside), with
the same licence class and
either the same status or the same agency (or no agency any more), and never from a status under which POST's reply
says decertified officers appear to another status (of “Revoked” and “Surrendered”, POST wrote: “In Missouri, these are
both permanent.”): a decertified officer's address never shows a record in another status. Every other previous identifier is retired: its page says what record it belonged to and
when, and that no record of the later release could be matched to it with certainty. New records
take counters above every counter ever used for the name. Without an officer number, two officers
with the same name cannot always be told apart; an officer's page says how many records in the
release carry the name."""  # for the methodology page (Markdown)

SEARCH_SQL = """
    select o.rowid as n, o.row_id as person_key, o.officer_name, o.license_status, o.agency_id,
           o.license_class as detail, o.surname, o.given_names
    from mo_officers o"""

RETIRED_QUERY = ("select r.row_id as person_key, r.officer_name, r.retired_with, r.license_status "
                 "|| coalesce(', ' || coalesce(a.agency_name, 'an agency this release no longer lists, ' || nullif(r.agency_id, '')), '') "
                 "as summary "
                 "from mo_retired_ids r left join agencies a on a.agency_id = r.agency_id where r.row_id = :id")
PAGE_QUERIES = {  # the first finds the officer or makes the page a 404
    "officer": {"one": True, "sql": (
        "select o.*, a.agency_name, s.decertified, s.meaning, s.agency_words, s.statute_note, "
        "s.source_id as status_source_id, sq.responding_agency as status_source from mo_officers o "
        "join mo_license_statuses s on s.license_status = o.license_status "
        "left join requests sq on sq.request_id = s.source_id "
        "left join agencies a on a.agency_id = o.agency_id where o.row_id = :id")},
    "klass": {"one": True, "sql": (
        "select c.* from mo_license_classes c join mo_officers o on o.license_class = c.license_class "
        "where o.row_id = :id")},
    # records of the same name, written alike (the id's hash ignores word order, so its prefix only narrows the search)
    "namesakes": {"one": True, "sql": "select count(*) as n from mo_officers where row_id > substr(:id, 1, 13) || '-' "
                                      "and row_id < substr(:id, 1, 13) || '.' "
                                      "and officer_name = (select officer_name from mo_officers where row_id = :id)"},
}
# The agency page's section for Missouri (see certdata/states/__init__.py): its officers by the
# roster's commissioning agency, paged by the core.
AGENCY = {
    "heading": "Missouri officers whose commissioning agency this is",
    "empty": "The roster names no officer with this agency.",
    "counts": {"label": "Licence status", "sql": "select license_status as label, count(*) as n from mo_officers "
                                                 "where agency_id = :agency_id group by license_status order by n desc"},
    # the class named as such: "Sample status A, unknown" read as if "unknown" were about the status
    "sql": "select row_id as person_key, officer_name, license_status || coalesce(', licence class ' || license_class, '') "
           "as summary "
           "from mo_officers where agency_id = :agency_id order by officer_name, row_id",
}
# The decertified page: officers whose status mo_license_statuses marks as decertified (POST's reply).
DECERTIFIED = {
    "sql": ("select o.row_id as person_key, o.officer_name, o.license_status, o.license_class as detail, o.agency_id, "
            "a.agency_name from mo_officers o join mo_license_statuses s on s.license_status = o.license_status "
            "left join agencies a on a.agency_id = o.agency_id where s.decertified = 1"),
    "statuses_sql": ("select s.license_status, s.meaning, s.agency_words, s.statute_note, s.source_id, q.responding_agency, "
                     "(select count(*) from mo_officers o where o.license_status = s.license_status) as officers "
                     "from mo_license_statuses s left join requests q on q.request_id = s.source_id "
                     "where s.decertified = 1 order by s.rowid"),
    "detail": "licence class",
}
# What its rows of the search index hold, for the search documentation.
DETAIL_FIELD = "license_class"  # what ``detail`` holds: its title (the schema's) labels it in results
SEARCH_FIELDS = {"person_key": "the roster row's identifier, row_id", "license_status": "the licence status",
                 "agency_id": "the commissioning agency", "detail": "the licence class"}
# Tables whose officer_name cell links to the officer page: {table: identifier column}.
OFFICER_LINKS = {"mo_officers": "row_id", "mo_decertified_officers": "row_id"}

# The state's name abbreviated in its agencies' names ("Mo. State Highway Patrol"): the importer warns of two spellings of one
# agency (certdata.importers.loose_agency)
AGENCY_WORDS = {"mo": "missouri"}

# The importer: POST's roster as received.
SOURCE = {"name": "mo-roster", "resource": "mo_officers", "state": CODE, "title": "Missouri POST roster of licensees"}
NAME_PARTS = ("surname", "given_names", "name_suffix")  # kept when the release has split name columns
COLUMNS = {
    # most specific first: where two columns match one field, the one under the name listed first is read
    "officer_name": ["Officer Name", "Licensee Name", "Full Name", "Name"],
    "license_status": ["License Status", "Licensure Status", "Lic Status", "Status"],
    "license_class": ["License Class", "Lic Class", "Class"],
    "agency_name": ["Commissioning Agency", "Employing Agency", "Agency Name", "Agency", "Department", "Agency/Department",
                    "Employing Department", "Current Agency"],
    "last_name": ["Last Name", "Last", "Surname", "Family Name", "LName"],
    "first_name": ["First Name", "First", "Given Name", "FName"],
    "middle_name": ["Middle Name", "Middle", "Middle Initial", "MI"],
    "name_suffix": ["Suffix", "Name Suffix", "Sfx"],
}
NAME_PARTS_HEADERS = True  # Last / First / Middle / Suffix columns stand in for a display name
REQUIRED = ["officer_name", "license_status", "license_class"]
# Columns a file is expected to have (not required in every row), with the field each gives: a file without one is refused
# unless --blank-field names its field
EXPECTED = {"agency_name": "agency_id"}


RETIRED = "mo_retired_ids"


def counter(row_id):
    return int(row_id.rsplit("-", 1)[1])


def same_person_likely(old, new, decertified=frozenset()):
    """For the only record of a name on each side: the same name in the same word order, its first comma in the same
    place (case, accents and other punctuation aside: name_form; the id's hash ignores word order, so "Thomas, Ryan" and "Ryan,
    Thomas" share it), the same class, and the status or the agency kept (or the agency left blank,
    as when a commission ends), and never from a status in decertified (those under which POST's reply
    says decertified officers appear, "In Missouri, these are both permanent.") to one not in it: a
    decertified officer's cited address would show a record in another status. Anything more and the id
    is retired."""
    old_name, old_status, old_class, old_agency = old
    new_name, new_status, new_class, new_agency = new
    if old_status in decertified and new_status not in decertified:
        return False
    return (name_form(old_name) == name_form(new_name) and old_class == new_class
            and (old_status == new_status or old_agency == new_agency or not new_agency))


def identical(record):
    """What makes two records the same record: the name as folded (a release that writes names in capitals, or
    drops an apostrophe, changes no record: a foreign-data trial after the seventeenth saw 304 identifiers retired,
    decertified officers' among them, by a roster written in capitals), status, class and agency."""
    return (name_form(record[0]), *record[1:])


def row_ids(rows, previous=(), retired=(), decertified=frozenset()):
    """(ids, ids retired) for (name, status, class, agency id) tuples: MO-<hash of the folded
    name>-<n>. An id once published is never given to another record: a previous row keeps its id
    when this release has the identical record, or when it is the only previous row and the only
    new row with that name and the change is one a record makes (``same_person_likely``, given the statuses of
    decertified officers); every other previous id is retired, and new rows take counters above
    every counter ever used for the name (previous and retired). POST's reply names no officer number among the open information,
    so namesakes whose records change cannot be matched with certainty, and are not."""
    by_hash = {}
    for i, row in enumerate(rows):
        by_hash.setdefault(name_hash(row[0]), []).append(i)
    old = {}
    for row_id, *record in previous:
        old.setdefault(row_id.split("-")[1], []).append((row_id, tuple(record)))
    used = {}
    for row_id in [r[0] for r in previous] + list(retired):
        h = row_id.split("-")[1]
        used[h] = max(used.get(h, 0), counter(row_id))
    ids, gone = [None] * len(rows), []
    for h, members in by_hash.items():
        candidates = sorted(old.pop(h, []), key=lambda r: counter(r[0]))
        waiting = sorted(members, key=lambda i: (rows[i][2], rows[i][3], rows[i][1], i))
        # the only record of the name on each side, counted before identical records are paired: with two
        # namesakes on a side, the one left after pairing may be another person (Doe at Agency Two gone,
        # a Doe at Agency Three new) and keeps no one's id
        alone = len(candidates) == 1 and len(waiting) == 1
        pending, unmatched = {}, []
        for i in waiting:  # (found by record, not by scanning: 30,000 namesakes had taken two minutes)
            pending.setdefault(identical(rows[i]), collections.deque()).append(i)
        for row_id, record in candidates:  # the identical record keeps its id, the first waiting one taking it
            if pending.get(identical(record)):
                ids[pending[identical(record)].popleft()] = row_id
            else:
                unmatched.append((row_id, record))
        candidates, waiting = unmatched, [i for i in waiting if ids[i] is None]
        if alone and candidates and waiting and same_person_likely(candidates[0][1], rows[waiting[0]], decertified):
            ids[waiting.pop()] = candidates.pop()[0]  # the only one of that name on each side
        gone += [row_id for row_id, _ in candidates]
        for i in waiting:
            used[h] = used.get(h, 0) + 1
            ids[i] = f"MO-{h}-{used[h]}"
    gone += [row_id for records in old.values() for row_id, _ in records]
    return ids, sorted(gone)


def canonical(value, allowed, unknown, field, row):
    """The code-sheet spelling of a value, matched without regard to case; None for a value the code sheet does not
    hold, recorded in unknown ({field: {folded value: first row}}) for one refusal that names them all."""
    lookup = {a.lower(): a for a in allowed}
    if value.lower() not in lookup:
        unknown.setdefault(field, {}).setdefault(value.lower(), row)
        return None
    return lookup[value.lower()]


def refuse_unknown(label, unknown, sheets, shown=20):
    """Refuse the values the code sheets do not hold, each distinct one by its first row and field, never shown (the
    column may hold a misplaced residence or date of birth): all in one refusal, not one per import."""
    found = sorted((row, field, value) for field, values in unknown.items() for value, row in values.items())
    parts = [f"row {row}, field {field}: " + (f"the value is blank{BLANK}, which the code sheet does not hold" if not value
                                              else "the value (not shown) is not in the code sheet")
             for row, field, value in found[:shown]]
    more = f"; and {len(found) - shown:,} more" if len(found) > shown else ""
    held = "; ".join(f"{field}: {', '.join(sorted(sheets[field]))}" for field in sorted(unknown))
    files = " and ".join(f"data/mo_{field}es.csv" for field in sorted(unknown))
    raise ImportError_(f"{label}, {'; '.join(parts)}{more} ({len(found):,} distinct value(s), each named by its first row; "
                       f"the code sheets hold {held}); add each to {files} with POST's words for it, or, where the sources give "
                       "none, a meaning that says they do not state it")


FIELDS = ("row_id", "officer_name", "license_status", "license_class", "agency_id", *NAME_PARTS)


def id_problems(conn):
    """Where this release would give a published identifier to another record, with the previous release's
    database attached as ``old`` (a hand edit of data/mo_officers.csv or mo_retired_ids.csv, a merge): (row, field,
    kind, message[, resource when not the officers']) with the row number in the file (its rowid + 1), None when
    the row is not in it. The rule is
    the importer's (``row_ids``): an identifier stays with a record that changed only if its name is the only one
    of its hash on each side and the change is one ``same_person_likely`` allows; a retired identifier stays
    retired, with the record it belonged to. No value is shown."""
    out = []
    record = "officer_name, license_status, license_class, agency_id"
    new_ids = conn.execute(f"select n.rowid, n.row_id, n.officer_name from main.{OFFICERS} n "
                           f"where not exists (select 1 from old.{OFFICERS} o where o.row_id = n.row_id)")
    for rowid, row_id, name in new_ids:  # an identifier's hash is its name's: another name is another record
        if row_id.split("-")[1:2] != [name_hash(name)]:
            out.append((rowid + 1, "officer_name", "identifier-reassigned",
                        f"identifier {row_id} is made from another name than the one in this row: a corrected name "
                        "gets a new identifier (re-import the release), and the old one is retired"))
    decertified = decertified_statuses(conn)
    changed = conn.execute(f"select n.rowid, n.row_id, {', '.join('o.' + c for c in record.split(', '))}, "
                           f"{', '.join('n.' + c for c in record.split(', '))} from main.{OFFICERS} n "
                           f"join old.{OFFICERS} o on o.row_id = n.row_id where "
                           + " or ".join(f"o.{c} is not n.{c}" for c in record.split(", ")))
    renamed = None
    for rowid, row_id, *both in changed:
        if renamed is None:  # the agencies written another way, as the importer matches them (table)
            renamed, _ = agency_respellings(
                conn.execute(f"select officer_name, coalesce(agency_id, '') from old.{OFFICERS}"),
                conn.execute(f"select officer_name, coalesce(agency_id, '') from main.{OFFICERS}"))
        old, new = tuple(v or "" for v in both[:4]), tuple(v or "" for v in both[4:])
        prefix = row_id.rsplit("-", 1)[0] + "-"  # MO-<hash>-: the identifiers of the name's hash, a range of the key
        alone = all(conn.execute(f"select count(*) from {side}.{OFFICERS} where row_id >= ? and row_id < ?",
                                 [prefix, prefix[:-1] + "."]).fetchone()[0] == 1 for side in ("old", "main"))
        spelt = renamed if alone else written_out(renamed)  # as table matches namesakes
        old = (*old[:3], spelt.get(old[3], old[3]))
        if identical(old) == identical(new):  # the same record, in capitals or under its agency's new spelling (an
            continue  # attack run after the seventeenth: the build refused what the importer had rightly kept)
        if not (alone and same_person_likely(old, new, decertified)):
            out.append((rowid + 1, "row_id", "identifier-reassigned",
                        f"identifier {row_id} keeps a record that changed more than the importer lets one identifier "
                        "follow (another name or word order, another class, both status and agency, a status of "
                        "decertified officers for another, or a name that another record shares): re-import the "
                        "release, which retires it and gives a new one"))
    old_columns = {c[1] for c in conn.execute(f"pragma old.table_info({OFFICERS})")}
    parts = " or ".join(f"o.{c} is not n.{c}" if c in old_columns else f"coalesce(n.{c}, '') != ''" for c in NAME_PARTS[:2])
    for rowid, row_id, name, *given in conn.execute(
            f"select n.rowid, n.row_id, n.officer_name, n.surname, n.given_names from main.{OFFICERS} n "
            f"join old.{OFFICERS} o on o.row_id = n.row_id where {parts}"):
        # the name's parts say who the search finds under it: changed by hand to words the name does not hold
        # ("Doe, Jane" with surname Roe, given names Richard: the thirteenth attack run), another person's
        if not set(fold(" ".join(v or "" for v in given)).split()) <= set(fold(name).split()):
            out.append((rowid + 1, "surname", "identifier-reassigned",
                        f"identifier {row_id}: its surname or given names changed to words its name does not hold; "
                        "the parts are the release's name columns (re-import the release)"))
    for rowid, row_id in conn.execute(f"select rowid, row_id from main.{OFFICERS} "
                                      f"where row_id in (select row_id from main.{RETIRED})"):
        out.append((rowid + 1, "row_id", "identifier-reassigned",
                    f"identifier {row_id} is retired ({RETIRED}): a retired identifier is never given to a record again"))
    out += dropped_identifiers(conn, OFFICERS, "row_id", RETIRED)
    # a retirement is kept as it was published (but for a redaction: words or values taken out, none put in, so
    # that a closed value published by mistake can be removed), and one made now records the record the
    # identifier last had
    retired_record = f"{record}, retired_with"
    if conn.execute(f"select 1 from old.sqlite_master where name = '{RETIRED}'").fetchone():
        for (row_id,) in conn.execute(f"select row_id from old.{RETIRED} except select row_id from main.{RETIRED}"):
            out.append((None, "row_id", "identifier-retirement-changed",
                        f"identifier {row_id} was published as retired ({RETIRED}); its row there is kept, so that "
                        "its address still says what became of it and it is never given again", RETIRED))
        columns = retired_record.split(", ")
        for rowid, row_id, *both in conn.execute(
                f"select n.rowid, n.row_id, {', '.join('o.' + c for c in columns)}, {', '.join('n.' + c for c in columns)} "
                f"from main.{RETIRED} n join old.{RETIRED} o on o.row_id = n.row_id where "
                + " or ".join(f"o.{c} is not n.{c}" for c in columns)):
            if not redaction(dict(zip(columns, both[:len(columns)])), dict(zip(columns, both[len(columns):]))):
                out.append((rowid + 1, "row_id", "identifier-retirement-changed",
                            f"identifier {row_id} was published as retired ({RETIRED}); its row there is kept as it was "
                            f"(words of its name may be replaced by {REDACTED}, or a value blanked, to remove a closed value "
                            "published by mistake), so that its address still says what record it belonged to", RETIRED))
        new_retired = f"select row_id from main.{RETIRED} except select row_id from old.{RETIRED}"
    else:
        new_retired = f"select row_id from main.{RETIRED}"
    columns = record.split(", ")
    for rowid, row_id, *both in conn.execute(
            f"select r.rowid, r.row_id, {', '.join('o.' + c for c in columns)}, {', '.join('r.' + c for c in columns)} "
            f"from main.{RETIRED} r join old.{OFFICERS} o on o.row_id = r.row_id "
            f"where r.row_id in ({new_retired}) and (" + " or ".join(f"r.{c} is not o.{c}" for c in columns) + ")"):
        if redaction(dict(zip(columns, both[:len(columns)])), dict(zip(columns, both[len(columns):]))):
            continue  # the record it last had, with closed values taken out
        out.append((rowid + 1, "row_id", "identifier-retirement-changed",
                    f"identifier {row_id} is retired with another record than the one it last had: its address would "
                    "say it belonged to someone else", RETIRED))
    return out


def table(tuples, previous=(), retired=(), decertified=frozenset()):
    """(mo_officers.csv rows, ids retired) from (name, status, class, agency name[, surname, given
    names, suffix]) tuples, with ids carried forward from the previous release's rows (row_id, name,
    status, class, agency id). The name's parts, when the release gives them, travel with the row
    but do not decide its id (a release that splits its names keeps the ids of one that did not)."""
    ids_of = {a: agency_id(CODE, a) for a in {t[3] for t in tuples if t[3]}} | {"": ""}  # one string an agency
    records = [(n, s, c, ids_of[a]) for n, s, c, a, *_ in tuples]
    parts = [tuple(t[4:7]) + ("",) * (3 - len(t[4:7])) if any(t[4:7]) else NO_PARTS for t in tuples]
    # an agency written another way in this release (agency_respellings) is the same agency for matching records:
    # the namesakes it lists keep their identifiers (their rows and the changes page show the new spelling). For a
    # name with namesakes on either side, only an agency with its abbreviations written out (written_out): most
    # officers moving may be a merger, and a namesake another agency's
    renamed, _ = agency_respellings([(r[1], r[4]) for r in previous], [(r[0], r[3]) for r in records])
    surely = written_out(renamed)
    shared = namesake_hashes([rid.split("-")[1] for rid, *_ in previous], [name_hash(r[0]) for r in records])
    matched = [(rid, name, status, klass, (surely if rid.split("-")[1] in shared else renamed).get(agency, agency))
               for rid, name, status, klass, agency in previous]
    ids, gone = row_ids(records, matched, retired, decertified)
    return sorted((rid, *record, *part) for rid, record, part in zip(ids, records, parts)), gone


def namesake_hashes(*sides):
    """The name hashes that more than one record holds on some side (each side a list of hashes)."""
    return {h for side in sides for h, n in collections.Counter(side).items() if n > 1}


NO_PARTS = ("", "", "")  # one tuple for every row of a release that gives full names only


def name_parts(record):
    """(surname, given names, suffix) from the release's split name columns; blank when it has only a full name."""
    if not record.get("last_name"):
        return NO_PARTS
    given = " ".join(p for p in (record.get("first_name"), record.get("middle_name")) if p)
    return (record["last_name"], given, record.get("name_suffix", ""))


def rows(records, package, label, report=print):
    """(rows for mo_officers.csv, agency names, {RETIRED: rows}) from mapped records. The agency names include those
    of the retired identifiers' records, so that their pages name the agency as it was published. report warns of
    each identifier of a decertified officer's record retired because the release holds its name with another
    status (``same_person_likely``)."""
    code_sheet = package.read_rows("mo_license_statuses")
    statuses = {r["license_status"] for r in code_sheet}
    decertified = frozenset(r["license_status"] for r in code_sheet  # a boolean field's default trueValues
                            if (r["decertified"] or "").strip() in cells.TRUE_VALUES)
    classes = {r["license_class"] for r in package.read_rows("mo_license_classes")}
    tuples, unknown = [], {}
    for record in records:
        if not record["officer_name"]:
            raise ImportError_(f"{label}, row {record['_row']}, field officer_name: the name is blank{BLANK}")
        status = canonical(record["license_status"], statuses, unknown, "license_status", record["_row"])
        # a blank class stays blank: POST explains a class "listed as “unknown”", not an empty cell
        klass = canonical(record["license_class"], classes, unknown, "license_class", record["_row"]) if record["license_class"] else ""
        tuples.append((record["officer_name"], status, klass, record.get("agency_name", ""), *name_parts(record)))
    if unknown:
        refuse_unknown(label, unknown, {"license_status": statuses, "license_class": classes})
    fields = ("row_id", "officer_name", "license_status", "license_class", "agency_id")
    sample = package.resource(OFFICERS).get("pcr:synthetic")  # a sample's ids were never an officer's: none is carried
    previous = [] if sample else [tuple(r[f] or "" for f in fields) for r in package.read_rows(OFFICERS)]
    retired_before = package.read_rows(RETIRED)
    rows_out, gone = table(tuples, previous, [r["row_id"] for r in retired_before], decertified)
    by_id = {r[0]: r for r in previous}
    retired = [tuple(r[f] for f in (*fields, "retired_with")) for r in retired_before]
    agency_names = {r["agency_id"]: r["agency_name"] for r in package.read_rows("agencies")}
    for row_id, name, status, klass, agency in map(by_id.get, gone):
        name, agency, when = retirement(package, name, agency, agency_names)
        retired.append((row_id, name, status, klass, agency, when))
    statuses_now = {}  # the statuses this release gives each name (by the identifiers' hash)
    for t in tuples:
        statuses_now.setdefault(name_hash(t[0]), set()).add(t[1])
    # the name now only under other statuses (a namesake still listed with the old status may be this record with
    # another agency or class: the warning would send the maintainer to ask POST about a change it did not make)
    followed = [row_id for row_id in gone if by_id[row_id][2] in decertified
                and statuses_now.get(name_hash(by_id[row_id][1]), set()) - decertified
                and by_id[row_id][2] not in statuses_now[name_hash(by_id[row_id][1])]]
    if followed:
        shown = ", ".join(followed[:10]) + (f", ... ({len(followed):,} in all)" if len(followed) > 10 else "")
        report(f"WARNING: {label}: {len(followed):,} identifier(s) of records the previous release listed as Revoked or "
               "Surrendered (POST's reply: “The information about ‘decertified’ officers can be found in the License "
               "Status column as ‘Revoked’ and ‘Surrendered.’ In Missouri, these are both permanent.”) are retired: this "
               "release holds no record identical to theirs, and holds the name with another status: {shown}. Such an "
               "identifier never follows a record to another status (its cited address would show a record in another "
               "status); each address now says what record it belonged to. The release does not say why the status "
               "differs: ask POST".replace("{shown}", shown))
    agencies_now = {agency_id(CODE, t[3]) for t in tuples if t[3]}
    kept = {agency_names[r[4]] for r in retired if r[4] and r[4] not in agencies_now and agency_names.get(r[4])}
    return rows_out, {t[3] for t in tuples if t[3]} | kept, {RETIRED: sorted(retired)}


# The synthetic sample. Its statuses and classes are placeholders ("Sample status A", "Sample
# class A"), never values the record does not name; only Revoked, Surrendered and the class
# unknown are POST's words. The default size is a round number of the order of a state roster.
MO_ACTIVE = 16000  # rows with the placeholder status CURRENT (and an agency)
CURRENT, NO_AGENCY = "Sample status A", "Sample status B"
MO_HISTORICAL = {NO_AGENCY: 4800, "Revoked": 950, "Surrendered": 700}
MO_CLASSES = ["Sample class A", "Sample class B", "unknown"]
# The code sheets' rows of the placeholders: no real release publishes them (publish.release_check refuses)
PLACEHOLDERS = {"mo_license_statuses": ("license_status", (CURRENT, NO_AGENCY)),
                "mo_license_classes": ("license_class", ("Sample class A", "Sample class B"))}
# Agency names are generated and marked as samples: no real agency is filled with invented officers.
MO_AGENCY_COUNTS = {"city": 100, "county": 46, "statewide": 5}


def agencies():
    """Missouri sample agency names, generated and marked as samples (Sample City 01 Police Department, ...)."""
    names = [f"Sample City {i:03d} Police Department" for i in range(1, MO_AGENCY_COUNTS["city"] + 1)]
    names += [f"Sample County {i:02d} Sheriff's Office" for i in range(1, MO_AGENCY_COUNTS["county"] + 1)]
    names += [f"Sample Statewide Agency {i}" for i in range(1, MO_AGENCY_COUNTS["statewide"] + 1)]
    return names


def officer_rows(rng, active=MO_ACTIVE, historical=None):
    """Rows (officer_name, license_status, license_class, agency_name or '') for Missouri."""
    from ..sample import make_names, weighted_agencies
    if historical is None:
        historical = {s: round(n * active / MO_ACTIVE) for s, n in MO_HISTORICAL.items()}
    statuses = [CURRENT] * active + [s for s, n in historical.items() for _ in range(n)]
    names = make_names(rng, len(statuses))
    drawn = weighted_agencies(rng, agencies(), len(statuses))
    out = []
    for status, (first, middle, last), agency in zip(statuses, names, drawn):
        cls = rng.choices(MO_CLASSES, weights=[90, 6, 4 if status == CURRENT else 20])[0]
        name = f"{last}, {first} {middle}".strip()
        out.append((name, status, cls, agency if status == CURRENT else ""))
    return out


def sample(rng, options):
    """The sample mo_officers.csv and its agency names. Options: mo_active, mo_historical, and
    extra_mo (tuples shaped like officer_rows', added as given, for test fixtures)."""
    from ..sample import to_csv
    tuples = officer_rows(rng, options.get("mo_active", MO_ACTIVE), options.get("mo_historical")) + list(options.get("extra_mo", ()))
    text = to_csv(list(FIELDS), table(tuples)[0])
    return {OFFICERS: text}, {a for *_, a in tuples if a}


# The release diff: what a change of a Missouri officer means to a reader. A release is the roster as it stood:
# it says what each record held, not when a status was given. A status change says what the two rosters show, and a
# record the later one adds is added, whatever its status (the trial: a namesake's new Revoked record had been
# listed as "decertified").
ADDED, REMOVED = "added", "removed (identifier retired)"
TO_DECERTIFIED = "status changed to a decertification status"
FROM_DECERTIFIED = "status changed from a decertification status"
CHANGE_FEED = (TO_DECERTIFIED,)  # the kinds the decertifications feed announces
CHANGE_KINDS = {  # for the changes page: what each kind of change says, and no more
    ADDED: "a record with a new identifier, matched with certainty to none of the previous release (it may be a "
           "record the previous release held under an identifier now retired); the releases do not say when its "
           "status was given",
    REMOVED: "a record the previous release held and this one does not match with certainty; its identifier is "
             "retired, and its page says what record it belonged to",
    TO_DECERTIFIED: "the same identifier's record, listed with a status under which POST's reply says decertified "
                    "officers appear (“The information about ‘decertified’ officers can be found in the License "
                    "Status column as ‘Revoked’ and ‘Surrendered.’”), and with another status in the previous release; "
                    "the releases do not say when the status was given",
    FROM_DECERTIFIED: "the same identifier's record, listed in the previous release with a status under which POST's "
                      "reply says decertified officers appear, and now with another (POST's reply: “In Missouri, these "
                      "are both permanent.”; RSMo 590.1152, as the act in the source documents reads (they do not state whether "
                      "or when it took effect), of the revocations it requires: “The POST commission shall "
                      "not reinstate the peace officer's certification or grant new certification to the peace officer "
                      "unless the peace officer is exonerated for such offense by a court.”); the releases do not say "
                      "why the status differs, nor whether the two records are one person's",
    **RESPELT_KINDS,
}


def decertified_statuses(conn, schemas=("main", "old")):
    """The statuses the code sheets mark as those of decertified officers (POST's reply), in the schemas given."""
    out = set()
    for schema in schemas:
        try:
            out |= {r[0] for r in conn.execute(f"select license_status from {schema}.mo_license_statuses where decertified = 1")}
        except Exception:  # noqa: BLE001 - an older release without the code sheet
            pass
    return out


def change_kind(conn):
    """A function (row_id, change, field, old, new) -> {kind, officer_id, officer_name, old_shown, new_shown} or None,
    for mo_officers changes, with the previous release attached as ``old``: added, removed (identifier retired), a
    status changed to or from one POST's reply says marks decertified officers, another status, agency, name or class
    changed. Each value as its own release showed it: an agency by the name that release gave it; a removed record by
    the name its retired identifier keeps."""
    decertified = decertified_statuses(conn)
    table, agency = release_lookups(conn)  # read once, at the first change that needs them

    def record(schema, status, agency_id):
        return f"{status}, {agency(schema, agency_id)}" if agency_id else status

    def kind(row_id, change, field, old, new):
        officers = table("main.officers", "select row_id, officer_name, license_status, agency_id from main.mo_officers")
        name, status, agency_id = officers.get(row_id, (None, None, None))
        out = {"officer_id": row_id, "officer_name": name}
        if change == "added":
            return dict(out, kind=ADDED, new_shown=record("main", status, agency_id))
        if change == "removed":
            # the record as its retired identifier keeps it (a closed value published by mistake taken out)
            retired = table("main.retired", f"select row_id, officer_name, license_status, agency_id from main.{RETIRED}")
            name, status, agency_id = retired.get(row_id, (None, None, None))
            return dict(out, kind=REMOVED, officer_name=name, old_shown=status and record("old", status, agency_id))
        if field == "license_status":
            if new in decertified and old not in decertified:
                return dict(out, kind=TO_DECERTIFIED)
            if old in decertified and new not in decertified:
                return dict(out, kind=FROM_DECERTIFIED)
            return dict(out, kind="status changed")
        if field == "agency_id":
            return dict(out, kind=respelt(field, old, new) or "changed agency", old_shown=agency("old", old),
                        new_shown=agency("main", new))
        if field == "officer_name":
            return dict(out, kind=respelt(field, old, new) or "name changed")
        if field == "license_class":
            return dict(out, kind="licence class changed")
        return None
    return kind


# Documentation: the figures page (its template mo_figures.md.j2 beside this module), and for the decertifications
# feed, its officer changes (CHANGE_FEED) with the words of the agency whose reply defines the status.
DOCS_PAGES = [{"page": "mo-post-figures.md", "template": "mo_figures.md.j2", "title": "Missouri POST in figures"}]


def docs_context(conn, package):
    """Licence status and class counts, POST's measures, and the feed's officer changes (``officer_changes``: row_id,
    kind, license_status, agency_name, and the words of the agency whose reply defines the status, ``agency_words``
    and ``status_source``)."""
    from ..load import value_counts  # the load's statistics: no scan of the roster
    from . import LISTED_CHANGES
    statuses = value_counts(conn, OFFICERS, "license_status")
    classes = value_counts(conn, OFFICERS, "license_class", blank="(blank in the release)")
    officers = conn.execute(  # at most LISTED_CHANGES of each kind, first by name, as the changes page lists them
        "select kind, row_id, license_status, agency_name, agency_words, status_source "
        "from (select c.kind, c.row_id, o.license_status, a.agency_name, s.agency_words, "
        "q.responding_agency as status_source, "
        "row_number() over (partition by c.kind order by c.officer_name, c.row_id) as listed "
        "from changes c join mo_officers o on o.row_id = c.row_id left join agencies a on a.agency_id = o.agency_id "
        "left join mo_license_statuses s on s.license_status = o.license_status "
        "left join requests q on q.request_id = s.source_id "
        f"where c.resource = '{OFFICERS}' and c.kind in ({', '.join('?' for _ in CHANGE_FEED)})) "
        "where listed <= ? order by kind, row_id", [*CHANGE_FEED, LISTED_CHANGES]).fetchall()
    return {"status_counts": [dict(r) for r in statuses], "class_counts": [dict(r) for r in classes],
            "measures": package.read_rows("mo_post_measures"),
            "measures_description": package.resource("mo_post_measures")["description"],
            "measures_source": "; ".join(s["title"] for s in package.resource("mo_post_measures").get("sources", [])),
            # the roster's counts say which release they count, and when it was received (a foreign-data trial after
            # the seventeenth: the tables gave no source nor date)
            "roster_sources": [{"title": s["title"], "received": s.get("pcr:received")}
                               for s in package.resource(OFFICERS).get("sources", []) if not s.get("pcr:synthetic")],
            "officer_changes": [dict(r) for r in officers]}


def chart_specs(context):
    """The charts of the figures page: (name, heading, rows, drawn from a sample?[, source])."""
    from ..charts import measure_groups
    roster_sample = OFFICERS in context["synthetic"]
    return measure_groups(context["measures"], context["measures_source"]) + [
        ("roster-status", "Missouri roster by licence status", [(r["license_status"], r["n"]) for r in context["status_counts"]], roster_sample),
        ("roster-class", "Missouri roster by licence class", [(r["license_class"], r["n"]) for r in context["class_counts"]], roster_sample),
    ]
