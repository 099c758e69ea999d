"""Legal-limits guard: a field is published only when its disclosure holds.

Takes: a ``Package``. Gives: a list of ``Problem``; empty when every column of
every CSV is declared in its schema, every field's ``pcr:disclosure`` fits the
profile and opens it (``disclosure``), every statute it cites names that element
in words that open it, no real release carries a field whose disclosure is still
"not yet known", every derived field comes from published fields (and, in a record about
a person, is one our code computes: the record's identifier or its retirement's record), and every quote
is, word for word, in its source document (``sources``). Names that look like a
closed category (age, birth, address, residence and its city or zip, phone,
e-mail, social security number, driver's licence, demographics) are refused unless
a statute ground whose element names that category opens them. In a real release, a
name, an agency's or a course's name that begins with a formula's sign is refused, and so is a resource not
marked synthetic that still carries the sample's marks (its source, its placeholder values). Anything that
cannot be read is refused (fails closed). Column names are reported; the pipeline
prints them through ``validate.redact_columns``, which hides a header cell that
looks like a value.
"""
import csv
import functools
import re
import unicodedata
from pathlib import Path

from . import cells, disclosure, presentation, states
from .cells import PERSON, name_kind
from .errors import CertdataError
from .names import ATTRIBUTE_LIST, formula_start, free_text_problem
from .package import ROOT, PackageError, csv_options, fields
from .sample import NAME_MARK
from .sources import PassedTexts, copy_problems, mark_passed, normalise, passed_stamp, quote_problems
from .validate import Problem, byte_problems

# Each closed category: a test on the name's words (split on _, -, space, dots and camelCase).
CLOSED_CATEGORIES = {
    "age": lambda w, j: bool({"age", "ages", "aged"} & set(w)),
    "date of birth": lambda w, j: any(x in j for x in ("birth", "brth", "natal", "nacimiento", "naissance", "geburt", "nascit",
                                                       "nascim", "byear", "yearb"))
    or j.startswith("dob") or j.endswith("dob") or bool({"dob", "born", "yob", "bday", "dtob", "byr", "nac", "nasc"} & set(w))
    or seq(w, "d", "o", "b") or any(seq(w, "b", y) or seq(w, y, "b") for y in ("year", "yr", "y", "yyyy", "ano", "anno")),
    "address": lambda w, j: "address" in j or "street" in j or bool({"addr", "addr1", "addr2", "apt", "po"} & set(w)),
    "residence": lambda w, j: any(x.startswith("resid") for x in w) or bool({"home", "domicile", "hometown", "res", "resloc"} & set(w)),
    "city or zip code": lambda w, j: bool({"city", "zip", "zipcode", "zip5", "postcode", "postal", "postalcode"} & set(w))
    or "zipcode" in j or "postcode" in j or "postalcode" in j,
    "telephone number": lambda w, j: "phone" in j or "telef" in j or "fono" in j or bool({"tel", "ph", "mobile", "cell", "fax"} & set(w)),
    "contact details": lambda w, j: "contact" in j,
    "e-mail address": lambda w, j: "email" in j or seq(w, "e", "mail") or "mail" in w,
    "social security number": lambda w, j: "ssn" in w or "social" in w or "socialsecurity" in j or "socsec" in j,
    "driver's licence": lambda w, j: any(x.startswith(("driver", "driving")) for x in w) or bool({"dl", "dln"} & set(w)),
    # in the languages a release or a maintainer may write a column in, and by stem ("sexo", "genero", "origen",
    # "ethnicities"): an attack run after the fifteenth added sexo, genero and origen
    "demographics": lambda w, j: bool({"gender", "gndr", "sex", "sexo", "sexe", "race", "raza", "rasse", "demographic",
                                       "demographics", "genre", "origin", "origins", "origen", "origine", "herkunft",
                                       "ancestry", "hispanic", "latino", "latinx", "religion", "religious", "faith",
                                       "orientation", "sexuality", "marital", "veteran", "citizenship", "nationality",
                                       "nacionalidad", "nationalite", "immigration", "disability"} & set(w))
    or bool({"genero", "generos"} & set(w)) or any(x.startswith(("ethni", "etni", "geschlecht", "nationalit", "religi")) for x in w),
}


def seq(words, *wanted):
    """True when the words contain the wanted words one after the other."""
    n = len(wanted)
    return any(tuple(words[i:i + n]) == wanted for i in range(len(words) - n + 1))


def words_of(name):
    """The lower-case words of a column name: snake_case, kebab-case, spaces, dots and camelCase alike, accents dropped
    (a title may write "Género")."""
    name = "".join(c for c in unicodedata.normalize("NFKD", name or "") if not unicodedata.combining(c))
    name = re.sub(r"([a-z0-9])([A-Z])", r"\1 \2", name)
    name = re.sub(r"([A-Z]+)([A-Z][a-z])", r"\1 \2", name)
    return [w for w in re.split(r"[^0-9a-z]+", name.lower()) if w]


def closed_categories(name):
    """The closed categories a name (or title) looks like; empty for innocent names such as agency."""
    words = words_of(name)
    joined = "".join(words)
    return [category for category, test in CLOSED_CATEGORIES.items() if test(words, joined)]


_PASSED = []  # the running guard_package's PassedTexts


def text_problem(value):
    """names.free_text_problem, skipping the strings that passed before (sources.PassedTexts) while guard_package runs."""
    return _PASSED[-1].problem(value) if _PASSED else free_text_problem(value)


def guard_package(package):
    """Every guard problem in the package."""
    passed = PassedTexts()
    _PASSED.append(passed)
    try:
        problems = package_problems(package)
    finally:
        _PASSED.pop()
    passed.save()
    return problems


def package_problems(package):
    statutes, problems = read_statutes(package)
    for resource in package.resources:
        problems += undeclared_columns(package, resource)
        by_name = {f["name"]: f for f in fields(resource)}
        # a field not yet known ('pending') may stand in a sample, or in a resource that publishes no row yet (the
        # identifiers a release has retired, before any was)
        synthetic = bool(resource.get("pcr:synthetic")) or holds_no_row(package, resource)
        for field in fields(resource):
            problems += field_problems(package, resource, field, by_name, statutes, synthetic)
        problems += (contact_problems(package, resource) + real_row_problems(package, resource)
                     + derived_value_problems(package, resource) + claim_problems(package, resource))
    return (problems + schema_text_problems(package) + quote_problems(package) + copy_problems(package)
            + correction_problems(package))


def correction_problems(package):
    """A correction in the corrections log (the ``corrections`` resource, when the package has one) that names a field
    its resource does not have: an old value it withholds (``old_value_withheld``) would then be withheld nowhere."""
    try:
        resource = package.resource("corrections")
    except PackageError:
        return []
    if file_problems(package, resource) or "field" not in {f["name"] for f in fields(resource)}:
        return []
    known = {r["name"]: {f["name"] for f in fields(r)} for r in package.resources}
    return [Problem(resource["path"], number, "field", "unknown-field",
                    f"the corrections log names a field that resource {row['resource']!r} does not have: name one of its "
                    "fields, or leave field blank for a whole row")
            for number, row in enumerate(package.read_rows("corrections"), start=2)
            if (row.get("field") or "").strip() and row.get("resource") in known
            and row["field"].strip() not in known[row["resource"]]]


def holds_no_row(package, resource):
    """Whether the resource's file is its header alone (nothing of it is published but its schema)."""
    if file_problems(package, resource):
        return False
    try:
        with open(package.path(resource), encoding="utf-8-sig", newline="") as handle:
            rows = csv.reader(handle, **csv_options(resource))
            next(rows, None)
            return not any(any(cell.strip() for cell in row) for row in rows)
    except (OSError, UnicodeDecodeError, csv.Error):
        return False


def enum_problem(field):
    """Why a value of the field's enum cannot be published (free_text_problem), or None; None without an enum."""
    return next(filter(None, map(text_problem, map(str, field.get("constraints", {}).get("enum") or []))), None)


def schema_text_problems(package, pages=None):
    """A closed value in any word the package publishes about its data (the data dictionary, the Datasette's
    metadata, the documentation, the published descriptor): every string of the descriptor and of each resource and
    its schema (titles, descriptions, examples, sources, contributors, keywords...; not a field's pattern, which is
    a rule, not words), of data/presentation.yml, and every line of the hand-written pages (pages: docs/*.md of
    this code, which the site copies). The fourteenth
    attack run published a telephone number put in a source's title, a contributor's e-mail, a keyword, a canned
    query's description and docs/about.md: the check had read a fixed list of keys. The value is never shown."""
    problems = []

    def walk(where, field, path, value, key_of=None):
        if isinstance(value, dict):
            for key, item in value.items():
                problem = text_problem(str(key))  # a key is published as much as its value (an attack run: an
                if problem:  # "x-contact" object keyed by an e-mail address and a telephone number); not named
                    problems.append(Problem(where, None, field, "closed-value-in-schema",
                                            f"a key of its {path or 'top level'} {problem.removeprefix('the value ')}, "
                                            "which no field publishes; it is not shown"))
                    continue
                if key != "pattern" and key != "fields":
                    walk(where, field, f"{path}.{key}" if path else key, item, key)
        elif isinstance(value, list):
            for index, item in enumerate(value):
                walk(where, field, f"{path}[{index}]", item)
        elif isinstance(value, str) or (isinstance(value, (int, float)) and not isinstance(value, bool)
                                        and key_of not in NUMBERS):  # a number is published as written, too
            problem = text_problem(str(value)) or (ATTRIBUTE_LIST.search(str(value)) and MARKUP_REASON)
            if problem:
                problems.append(Problem(where, None, field, "closed-value-in-schema",
                                        f"its {path} {problem.removeprefix('the value ')}, which no field publishes; "
                                        "it is not shown"))
    walk("datapackage.json", None, "", {k: v for k, v in package.descriptor.items() if k != "resources"})
    for resource in package.resources:
        walk("datapackage.json", None, f"resource {resource['name']}'s",
             {k: v for k, v in resource.items() if k != "schema"})
        where = package.schema_file(resource)
        walk(where, None, "schema", resource.get("schema") or {})
        for f in fields(resource):
            walk(where, f["name"], "", f)
    try:
        walk("data/presentation.yml", None, "", presentation.read(package.root))
    except CertdataError:
        pass  # an unreadable file is the presentation stage's to report
    return problems + site_source_problems(package, pages)


# (an attack run after the sixteenth: "{: onmouseover=...}" in a description was published as the attribute of a page's
# paragraph: a description is words, and the pages that show it are ours to style)
MARKUP_REASON = "the value holds Markdown's attribute list ('{: ...}'), which sets a page's markup"
# Keys whose numbers are sizes or limits, not words: a file's bytes may run to ten digits.
NUMBERS = {"bytes", "minimum", "maximum", "minLength", "maxLength"}
# What the site's sources hold that no page shows as text: an SVG's drawing (its path's numbers, d="M19.4 15a1.65
# ...", read as digits, are no telephone number) and a template's comments, which Jinja drops ({# ... #}). An HTML
# comment is published, and read.
DRAWING = re.compile(r"""\b(?:d|points|viewBox|transform)\s*=\s*(?:"[^"<>]*"|'[^'<>]*')""")
JINJA_COMMENT = re.compile(r"\{#.*?#\}", re.DOTALL)
SITE_TEXT = {".md", ".j2", ".html", ".htm", ".css", ".js", ".yml", ".yaml", ".txt", ".svg", ".json", ".xml"}


def site_sources(package):
    """Every hand-written file the site is made from: mkdocs.yml, the pages of docs/, every text file of templates/
    (the documentation's pages, the theme's overrides and assets, the Datasette's templates and static files), and
    the states' officer pages and documentation templates beside their modules."""
    from . import states
    folders = [ROOT / "docs", ROOT / "templates"]
    files = [ROOT / "mkdocs.yml"]
    for folder in folders:
        files += sorted(p for p in folder.rglob("*") if p.is_file() and p.suffix in SITE_TEXT)
    try:
        state_folders = sorted({Path(s.path).parent for s in states.of_package(package)})
    except CertdataError:
        state_folders = []  # a state that does not load stops every command, with its own message
    for folder in state_folders:
        files += sorted(p for p in folder.iterdir() if p.is_file() and p.suffix in {".html", ".j2", ".md"})
    return files


# A statement about a named person in the site's hand-written prose (an attack run after the nineteenth published "Officer
# Jane Roe was suspended pending an internal investigation.", "Roe was arrested for DWI in 2019.", "Jane Roe is 44." and
# "Sgt. Roe's home is in Ashland." on the about page): a name in capitals, then what befell them, their age or their home
NAMED = r"\b[A-Z][a-z'\u2019-]+(?:\s+[A-Z][a-z'\u2019-]+)*"
PERSON_STATEMENT = re.compile(
    NAMED + r"\s+(?:was|is|has\s+been|had\s+been|got)\s+(?:arrested|suspended|terminated|fired|charged|convicted|indicted|"
    r"disciplined|investigated|demoted|reprimanded|pregnant|hospitali[sz]ed|decertified|jailed)\b"
    r"|" + NAMED + r"\s+(?:is|was|turned)\s+(?:1[89]|[2-9][0-9])(?:\s+years?\s+old)?\s*(?:[.,;)]|$)"
    r"|" + NAMED + r"(?:'s|\u2019s)\s+(?:home|house|residence|address|apartment)\s+(?:is|was)\b")


def site_source_problems(package, files=None):
    """A closed value (a telephone number or an e-mail address in any form ``redaction.closed`` knows, a street
    address, a date of birth...) on any line of the site's hand-written sources (``site_sources``; files: others, a
    test's): a page, a template (an HTML comment too), the theme's configuration (mkdocs.yml's copyright line). An
    attack run published a telephone number and an address put in mkdocs.yml, a documentation template and a
    Datasette template's comment: only docs/*.md was read. The value is never shown."""
    from .redaction import closed
    problems = []
    for path in site_sources(package) if files is None else files:
        try:
            data = path.read_bytes()
            text = data.decode("utf-8")
        except (OSError, UnicodeDecodeError):
            problems.append(Problem(shown_path(path), None, None, "unreadable-page",
                                    "the file cannot be read as UTF-8 text, so it cannot be checked for closed values, "
                                    "and the site is made from it: save it as UTF-8"))
            continue
        stamp = passed_stamp(data)
        if stamp is not None and stamp.is_file():
            continue  # these bytes passed these checks before
        found = len(problems)
        text = JINJA_COMMENT.sub(lambda m: "\n" * m.group().count("\n"), text)
        for number, line in enumerate(text.splitlines(), start=1):
            line = DRAWING.sub(" ", line)
            if closed(line) or PERSON_STATEMENT.search(line):
                problem = (free_text_problem(line) or ("the value holds a statement about a named person (what befell "
                                                       "them, their age or their home)" if PERSON_STATEMENT.search(line)
                                                       else "the value holds a telephone number or an e-mail address"))
                problems.append(Problem(shown_path(path), number, None, "closed-value-in-page",
                                        f"{problem.replace('the value', 'the line', 1)}, which no page publishes; "
                                        "it is not shown"))
        if len(problems) == found:
            mark_passed(stamp)
    return problems


def shown_path(path):
    """A site source's path from the repository's root (a test's page elsewhere: docs/ and its name)."""
    path = Path(path)
    return path.relative_to(ROOT).as_posix() if path.is_relative_to(ROOT) else f"docs/{path.name}"


# Free text that no field may hold, one of each kind free_text_problem finds: a field whose pattern admits none of
# them holds no free text (an identifier, a date, a code); one whose pattern admits any ("[\s\S]*") is free text.
CLOSED_PROBES = ("jdoe@example.com", "call 555-555-0142", "4417 Larkspur Lane", "PO Box 12", "resides in Springfield",
                 "born 1971-04-05")


@functools.cache
def pattern_holds_free_text(pattern):
    """Whether a field's pattern admits a value that free_text_problem would refuse (a probe of each kind)."""
    try:
        match = re.compile(pattern).fullmatch
    except (re.error, OverflowError, RecursionError):
        return True  # refused as a pattern by the validation
    return any(match(probe) for probe in CLOSED_PROBES)


def free_text_fields(resource):
    """The fields whose values no rule of their own keeps from holding a closed value: every field of type string or
    any but a foreign key (its values are its table's, checked there), a person's or an agency's name (the names'
    own checks), a field whose pattern admits no free text, or whose enum's values are themselves free of closed
    values. A schema edit (a pattern that admits anything, an enum, type any) thus cannot switch the check off."""
    keys = {name for fk in resource.get("schema", {}).get("foreignKeys", []) for name in fk.get("fields", [])}
    free = []
    for f in fields(resource):
        constraints = f.get("constraints", {})
        pattern, enum = constraints.get("pattern"), constraints.get("enum")
        if f.get("type", "string") not in ("string", "any") or f["name"] in keys or name_kind(f):
            continue
        if isinstance(pattern, str) and not pattern_holds_free_text(pattern):
            continue
        if isinstance(enum, list) and not enum_problem(f):
            continue
        free.append(f["name"])
    return free


def claim_problems(package, resource):
    """A true cell of a field marked ``pcr:claim`` states what an agency said (a status under which it says decertified
    officers appear): the row must hold the agency's words, in the claim's ``quote`` field (a ``pcr:quote`` field, so
    checked word for word against its source), and they must name the row's value of its ``names`` field (a
    foreign-data trial after the seventeenth: a status added to the code sheet as decertified, with no source, put the
    word on named officers' page). No value is shown."""
    claims = {f["name"]: f["pcr:claim"] for f in fields(resource) if isinstance(f.get("pcr:claim"), dict)}
    problems = [Problem(package.schema_file(resource), None, name, "bad-claim",
                        "pcr:claim does not fit data/profile.json: " + "; ".join(errors))
                for name, claim in claims.items() for errors in [disclosure.profile_errors(claim, "claim")] if errors]
    if problems or not claims or file_problems(package, resource):
        return problems
    quoted = {f["name"] for f in fields(resource) if f.get("pcr:quote")}
    for name, claim in claims.items():
        if claim["quote"] not in quoted:
            problems.append(Problem(package.schema_file(resource), None, name, "bad-claim",
                                    f"pcr:claim's quote field {claim['quote']!r} is not a pcr:quote field of this resource"))
    if problems:
        return problems
    for number, row in enumerate(package.read_rows(resource["name"]), start=2):
        for name, claim in claims.items():
            if (row.get(name) or "").strip() not in cells.TRUE_VALUES:
                continue
            words, value = row.get(claim["quote"]) or "", row.get(claim["names"]) or ""
            if not words.strip():
                problems.append(Problem(resource["path"], number, name, "claim-without-source",
                                        f"{name} is true, which says an agency said so, but the row quotes no agency's "
                                        f"words ({claim['quote']} is blank): quote them, with their source, or leave "
                                        f"{name} blank"))
            elif not re.search(rf"(?<!\w){re.escape(value)}(?!\w)", words, flags=re.IGNORECASE):
                problems.append(Problem(resource["path"], number, name, "claim-not-in-quote",
                                        f"{name} is true, but the agency's words this row quotes ({claim['quote']}) do not "
                                        f"name its {claim['names']}: quote the words that say it, or leave "
                                        f"{name} blank"))
    return problems


def contact_problems(package, resource):
    """A closed value (names.free_text_problem: a telephone number, an e-mail address, a street address, where someone
    lives, a date of birth) in a field of free text (``free_text_fields``: the hand-edited tables' notes, meanings and
    the corrections log) or in the words of an enum: no field publishes one. The value is never shown."""
    problems = [Problem(package.schema_file(resource), None, f["name"], "closed-value-in-schema",
                        "the field's enum holds a value that " + problem.removeprefix("the value ") + ", which no field "
                        "publishes; it is not shown")
                for f in fields(resource) for problem in [enum_problem(f)] if problem]
    free = free_text_fields(resource)
    if not free or file_problems(package, resource):
        return problems
    try:
        with open(package.path(resource), encoding="utf-8-sig", newline="") as handle:
            for number, row in enumerate(csv.DictReader(handle, **csv_options(resource)), start=2):
                for name in free:
                    problem = text_problem(row.get(name) or "")
                    if problem:
                        problems.append(Problem(resource["path"], number, name, "closed-value-in-text",
                                                f"{problem}, which no field publishes; it is not shown"))
    except (OSError, UnicodeDecodeError, csv.Error):
        return []  # reported by the validation, by row
    return problems


def import_made(resource):
    """Whether the importer wrote the resource from an agency's file (its file's digest among its sources)."""
    return any(isinstance(x, dict) and x.get("pcr:sha256") for x in resource.get("sources") or [])


def real_row_problems(package, resource):
    """In a resource not marked as a synthetic sample, in one pass over its rows:

    - a generated row: a name whose word begins with the sample's mark (``sample.NAME_MARK``, which begins every
      generated surname; the first such row is reported). The fourteenth attack run took the marks off the descriptor
      without importing anything: the build and the release check passed, and the sample's officers were published,
      and charted, as real;
    - the sample's other marks, compared with the flag: its source still among the resource's (sample_source_problems),
      or, in a record about people that no import made, a placeholder value of the sample (SAMPLE_PLACEHOLDER: "Sample
      status A"; the first row of each field is reported);
    - a person's, an agency's or a course's name (a field of a name's kind, cells.name_kind) that begins with =,
      +, - or @ (names.formula_start): the published CSV keeps it as written, and a spreadsheet that opens it runs it
      as a formula. (A synthetic sample is passed: the tests of the spreadsheet copies' defusing build one with such
      names, and no sample is deployed as real.)

    No value is shown."""
    names = [f["name"] for f in fields(resource) if name_kind(f)]
    marked = "officer_name" in {f["name"] for f in fields(resource)}
    if resource.get("pcr:synthetic") or not (names or marked):
        return []
    problems = sample_source_problems(resource)
    if file_problems(package, resource):
        return problems
    mark = re.compile(r"(?<!\w)" + re.escape(NAME_MARK))
    # a release the importer made (its file's digest among the sources) took its values from the code sheets, which list
    # the placeholders too (a test's release may use them); a resource of records about people with no such record is
    # the sample's unless its values say otherwise
    imported = import_made(resource) or any(  # a state's retired identifiers, kept by the import of its officers
        state.get("RETIRED") == resource["name"] and import_made(package.resource(state.OFFICERS))
        for state in states.of_package(package))
    placeholders = set() if imported or not holds_people(resource) else {
        f["name"] for f in fields(resource) if f.get("type", "string") == "string"}
    try:
        with open(package.path(resource), encoding="utf-8-sig", newline="") as handle:
            for number, row in enumerate(csv.DictReader(handle, **csv_options(resource)), start=2):
                if marked and mark.search(row.get("officer_name") or ""):
                    marked = False
                    problems.append(Problem(resource["path"], number, "officer_name", "sample-published-as-real",
                                            f"a name the synthetic sample generated (a surname beginning {NAME_MARK}) in a "
                                            "resource not marked pcr:synthetic: a sample is never published as real. Import "
                                            "the agency's release (build.py import), or mark the resource and its sources "
                                            "pcr:synthetic again"))
                for name in [n for n in placeholders if SAMPLE_PLACEHOLDER.search(row.get(n) or "")]:
                    placeholders.discard(name)
                    problems.append(Problem(resource["path"], number, name, "sample-published-as-real",
                                            "a placeholder value of the synthetic sample (a sample's status, class, agency "
                                            "or course, 'Sample ...') in a resource not marked pcr:synthetic: a sample is "
                                            "never published as real. Import the agency's release (build.py import), or mark "
                                            "the resource and its sources pcr:synthetic again"))
                problems += [Problem(resource["path"], number, name, "formula-start",
                                     "the value begins with =, +, - or @, which a spreadsheet opening the published CSV would "
                                     "run as a formula; no name begins so. It is not shown")
                             for name in names if formula_start(row.get(name) or "")]
    except (OSError, UnicodeDecodeError, csv.Error):
        return []  # reported by the validation, by row
    return problems


# The sample's placeholders (certdata/sample.py: where the sources name only some values of a field, the sample writes
# placeholders), each "Sample" and a kind: "Sample status A", "Sample class B", "Sample City 001 Police Department",
# "Sample Town 004 ...", "Sample course 02", and the agency identifiers made of them ("XX-sample-city-049-..."). An
# attack run after the fifteenth deleted pcr:synthetic from a state's officers and took "Sample-" off its names: the build
# published the sample as real, its statuses still "Sample status A". The flag is compared with the content.
SAMPLE_PLACEHOLDER = re.compile(r"(?<![^\W_])sample[ -](?:status|class|city|county|statewide|town|course)(?![^\W_])",
                                re.IGNORECASE)
SAMPLE_SOURCE = "certdata/sample.py"  # what the sample's source's title names (datapackage.json)


def sample_source_problems(resource):
    """A resource not marked pcr:synthetic whose sources still name the synthetic sample (a source marked pcr:synthetic,
    or titled as written by certdata/sample.py): the importer takes the sample's source off a resource it makes real."""
    sources = resource.get("sources") if isinstance(resource.get("sources"), list) else []
    if any(isinstance(x, dict) and (x.get("pcr:synthetic") or SAMPLE_SOURCE in str(x.get("title") or "")) for x in sources):
        return [Problem("datapackage.json", None, None, "sample-published-as-real",
                        f"resource {resource['name']} is not marked pcr:synthetic but its sources name the synthetic "
                        "sample: a sample is never published as real. Import the agency's release (build.py import), "
                        "or mark the resource pcr:synthetic again")]
    return []


def read_statutes(package):
    """({statute id: row}, problems): statutes.csv, read whatever its byte-order mark; unreadable fails closed."""
    try:
        resource = package.resource("statutes")
        with open(package.path(resource), encoding="utf-8-sig", newline="") as handle:
            rows = list(csv.DictReader(handle))
        return {row["statute_id"]: row for row in rows}, []
    except Exception:  # any failure to read the statutes means no statute can open anything
        return {}, [Problem("data/statutes.csv", None, None, "statutes-unreadable",
                            "the statutes cannot be read as UTF-8 CSV with a statute_id column, "
                            "so no field can rest on a statute; fix the file")]


def file_problems(package, resource):
    """A file the guard cannot read is refused (missing, not UTF-8, NUL bytes), located by row."""
    path = package.path(resource)
    if not path.is_file():
        return [Problem(resource["path"], None, None, "missing-file", "the file does not exist")]
    try:
        return byte_problems(resource, path)[0]
    except OSError:
        return [Problem(resource["path"], None, None, "unreadable-file", "the file cannot be read")]


def header(package, resource):
    """The CSV's header row; None when the file cannot be read."""
    try:
        with open(package.path(resource), encoding="utf-8-sig", newline="") as handle:
            return next(csv.reader(handle, **csv_options(resource)), [])
    except (OSError, UnicodeDecodeError, csv.Error):
        return None


def undeclared_columns(package, resource):
    """A column in the CSV that the schema does not declare would be published unchecked."""
    problems = file_problems(package, resource)
    columns = header(package, resource) if not problems else None
    if columns is None:
        return problems or [Problem(resource["path"], None, None, "unreadable-file",
                                    "the file cannot be read as CSV, so its columns cannot be checked against the law")]
    declared = {f["name"] for f in fields(resource)}
    for number, name in enumerate(columns, start=1):
        if name in declared:
            continue
        kind = " and its name looks like a closed category" if closed_categories(name) else ""
        # the name is printed only if it looks like one: validate.redact_columns hides values
        problems.append(Problem(resource["path"], 1, name, "undeclared-column",
                                f"column {number} is not in the schema{kind}; remove it or declare it with a disclosure"))
    present = set(columns)
    if present and problems:  # a renamed column shows as one undeclared and one missing
        problems += [Problem(resource["path"], 1, name, "missing-column", "the schema declares this column but the CSV lacks it")
                     for name in sorted(declared - present)]
    return problems


def field_problems(package, resource, field, by_name, statutes, synthetic):
    """Every reason the field may not be published."""
    where = (package.schema_file(resource), None, field["name"])
    info = field.get("pcr:disclosure")
    if info is None:
        return [Problem(*where, "no-disclosure", "the field declares no pcr:disclosure: say why it may be published")]
    errors = disclosure.profile_errors(info, "disclosure")
    if errors:
        return [Problem(*where, "bad-disclosure", "pcr:disclosure does not fit data/profile.json: " + "; ".join(errors))]
    kinds = disclosure.kinds(field)
    problems = []
    if "pending" in kinds and not synthetic:
        problems.append(Problem(*where, "pending-disclosure",
                                "the disclosure is still 'pending' (not yet known) but the resource is a real release: "
                                "replace it with the agency's words on what it released before publishing"))
    if not disclosure.is_published(field, synthetic):
        problems.append(Problem(*where, "closed-field", "no ground opens this field; a field that is not open cannot be published"))
    elif (resource.get("pcr:request") or holds_people(resource)) and not set(kinds) & disclosure.RECORD_GROUNDS:
        problems.append(Problem(*where, "not-a-record-ground",
                                "a field of an agency's release opens only by statute, by the agency's release, as derived "
                                "from such fields, or pending while a sample; transcription and notes cannot open it"))
    valid = []
    for ground in disclosure.grounds(field):
        found = ground_problems(where, ground, by_name, statutes) or element_problems(where, ground, field)
        problems += found
        valid += [] if found else [ground]
    problems += closed_name_problems(where, field, valid)
    if "derived" in kinds and holds_people(resource):
        problems += derived_field_problems(where, resource, field)
    return problems


def holds_people(resource):
    """Whether a resource's rows are records about people: a field of it holds a person's name."""
    return any(name_kind(f) == PERSON for f in fields(resource))


# What a derived field may be, in a record about a person. A derived field is ours: a value our code computes, never one a
# maintainer types, and never a fact about the person. Our code computes two: the record's identifier (the importer's, from
# the record's open fields, a name's hash among them; the validation keeps its values unique, so it can hold no category
# that many records share, such as a sex, an origin or a birth year) and our record of the release an identifier was
# retired with (the importer's "last in package version X"). An attack run after the fifteenth added sexo, genero, origen
# ("Hispanic") and b_year (1985) to a state's officers, each "derived" from officer_name: the check asked only that the source
# field be open, so a value inferred from a name was published as ours.
RETIREMENT_RECORD = re.compile(r"last in package version [0-9]{1,9}\.[0-9]{1,9}\.[0-9]{1,9}")


def derived_field_problems(where, resource, field):
    """Why a derived field of a record about a person is not one our code computes: neither the resource's identifier (its
    primary key alone, a string of a declared pattern) nor a record about that identifier alone (its retirement, whose
    every value ``derived_value_problems`` reads against RETIREMENT_RECORD)."""
    key = resource.get("schema", {}).get("primaryKey") or []
    key = [key] if isinstance(key, str) else key
    sources = {name for g in disclosure.grounds(field) if g.get("kind") == "derived" for name in g.get("from") or []}
    pattern = (field.get("constraints") or {}).get("pattern")
    if field.get("type", "string") == "string" and isinstance(pattern, str) and (
            key == [field["name"]] or (len(key) == 1 and sources == set(key))):
        return []
    return [Problem(*where, "derived-not-ours",
                    "a derived field of a record about a person must be one our code computes: the record's identifier "
                    "(the resource's primary key alone, text of a declared pattern) or our record of that identifier's "
                    "retirement (derived from the identifier alone). A value read off a person's name or another of the "
                    "record's fields (a sex, an origin, a year of birth) is a fact about the person, which no ground of "
                    "ours opens")]


def derived_value_problems(package, resource):
    """In a record about a person, every value of a derived field that is not the identifier must be our record of a
    retirement (RETIREMENT_RECORD), as the importer writes it; the first other value of each field is reported, not
    shown."""
    key = resource.get("schema", {}).get("primaryKey") or []
    key = [key] if isinstance(key, str) else key
    records = [f["name"] for f in fields(resource) if "derived" in disclosure.kinds(f) and [f["name"]] != key]
    if not records or not holds_people(resource) or file_problems(package, resource):
        return []
    problems, pending = [], set(records)
    try:
        with open(package.path(resource), encoding="utf-8-sig", newline="") as handle:
            for number, row in enumerate(csv.DictReader(handle, **csv_options(resource)), start=2):
                for name in [n for n in pending if (row.get(n) or "") and not RETIREMENT_RECORD.fullmatch(row.get(n) or "")]:
                    pending.discard(name)
                    problems.append(Problem(resource["path"], number, name, "derived-not-ours",
                                            "the value is not one our code writes in a derived field (the record of a "
                                            "retirement: 'last in package version' and a version); it is not shown"))
                if not pending:
                    break
    except (OSError, UnicodeDecodeError, csv.Error):
        return []  # reported by the validation, by row
    return problems


def ground_problems(where, ground, by_name, statutes):
    """A statute must exist, open something and name the element; a release must name it; derivations must hold."""
    kind = ground["kind"]
    if kind == "statute":
        statute = statutes.get(ground["statute"])
        if statute is None:
            return [Problem(*where, "unknown-statute", f"statute {ground['statute']!r} is not in data/statutes.csv")]
        opening = normalise(statute.get("opening_words") or "").lower()
        quote = normalise(ground["quote"]).lower()
        if not opening:
            return [Problem(*where, "statute-opens-nothing",
                            f"{statute.get('citation') or ground['statute']} has no words in the record that open any element; it cannot be a basis")]
        if opening not in quote:
            return [Problem(*where, "quote-does-not-open", f"the quote does not contain the statute's opening words “{statute['opening_words']}”")]
        if normalise(ground["element"]).lower() not in quote:
            return [Problem(*where, "statute-does-not-name-element", f"the quote does not name the element {ground['element']!r}")]
        if quote not in normalise(statute.get("text") or "").lower():
            return [Problem(*where, "quote-not-in-statute", f"the quote is not in the text of {statute.get('citation')} in data/statutes.csv")]
    elif kind == "agency-release" and normalise(ground["element"]).lower() not in normalise(ground["quote"]).lower():
        return [Problem(*where, "release-does-not-name-element", f"the agency's words do not name the element {ground['element']!r}")]
    elif kind == "derived":
        return derived_problems(where, ground, by_name)
    return []


ELEMENT_STOPWORDS = {"the", "of", "or", "and", "if", "any", "law", "enforcement", "officer", "officers"}


def significant_words(text):
    """The words that say what an element is (licence and license alike)."""
    return {w.replace("licence", "license") for w in words_of(text) if len(w) > 2} - ELEMENT_STOPWORDS


def element_problems(where, ground, field):
    """The element a statute or a release names must be this field: they share a word of substance
    (a release of the licence class cannot be the ground of a column called yob)."""
    if ground.get("kind") not in ("statute", "agency-release"):
        return []
    element = significant_words(ground.get("element", ""))
    this = significant_words(field["name"]) | significant_words(field.get("title") or "")
    if element and not element & this:
        return [Problem(*where, "element-is-not-this-field",
                        f"the ground names the element {ground['element']!r}, which is not this field (its name and title share no word with it)")]
    return []


def derived_problems(where, ground, by_name, seen=()):
    """A derived field comes only from fields of the resource that are themselves opened (never from a closed one)."""
    problems = []
    for name in ground["from"]:
        source = by_name.get(name)
        if source is None or name in seen or name == where[2]:
            problems.append(Problem(*where, "derived-from-unpublished", f"derived from {name!r}, which is not a published field of this resource"))
            continue
        opening = [g for g in disclosure.grounds(source) if g.get("kind") in disclosure.OPENING | {"pending"}]
        if not opening:
            problems.append(Problem(*where, "derived-from-unpublished", f"derived from {name!r}, which no ground opens"))
        for g in opening:
            if g["kind"] == "derived":
                problems += derived_problems(where, g, by_name, seen + (where[2], name))
    return problems


def closed_name_problems(where, field, valid_grounds):
    """A name or title that looks closed needs a valid statute ground whose element names that category."""
    categories = closed_categories(field["name"]) + closed_categories(field.get("title") or "")
    problems = []
    for category in dict.fromkeys(categories):
        named = [g for g in valid_grounds
                 if g.get("kind") == "statute" and category in closed_categories(g.get("element", "").replace("'", ""))]
        if not named:
            problems.append(Problem(*where, "closed-category",
                                    f"the name looks like a closed category ({category}); only a statute whose words name "
                                    "that element as open can open it"))
    return problems
