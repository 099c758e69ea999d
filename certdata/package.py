"""The data package: descriptor, schemas, disclosure and provenance.

Takes: a package directory holding ``datapackage.json``. Gives: the descriptor
with every resource's Table Schema resolved, and the questions every later stage
asks of it (which fields are open, which resources are synthetic samples, which
requested elements were not released).
"""
import copy
import json
import re
from dataclasses import dataclass
from pathlib import Path

from . import cells
from .errors import CertdataError
from .patterns import slow_pattern

ROOT = Path(__file__).resolve().parent.parent
DESCRIPTOR = "datapackage.json"
DISCLOSURE = "pcr:disclosure"
SYNTHETIC = "pcr:synthetic"
# On an officer resource: the identifiers whose new name the agency confirmed as the same officer's at the last import
# (build.py import --same-officer), which the build's check against the previous release then accepts.
SAME_OFFICER = "pcr:sameOfficer"
# What every table of a synthetic sample says (the Datasette metadata, the database's synthetic_sample table)
SAMPLE_WARNING = ("SYNTHETIC SAMPLE, NOT REAL OFFICERS: the agency's release file is not in our hands yet; "
                  "these rows are generated for testing and must not be read as records of real people.")


SAMPLE_TITLE = " (synthetic sample)"


def labelled(resource):
    """A resource's (title, description) as published (the descriptor in downloads/, the database's package_resources,
    its documentation page): a synthetic sample's say so in words, not only in its flag (a walk: a program reading the
    published descriptor was shown a sample under the title of the agency's records)."""
    if not resource.get(SYNTHETIC):
        return resource["title"], resource["description"]
    return resource["title"] + SAMPLE_TITLE, SAMPLE_WARNING + " " + resource["description"]


def labelled_package(descriptor, synthetic):
    """The package's (title, description) as published: while resources (synthetic: their names) are a synthetic
    sample, both say so."""
    if not synthetic:
        return descriptor["title"], descriptor["description"]
    return (descriptor["title"] + " (includes a synthetic sample)",
            f"INCLUDES A SYNTHETIC SAMPLE: {', '.join(synthetic)} hold generated rows, not records of real people. "
            + descriptor["description"])


def derived_sample_notice(synthetic):
    """What a table or view the build makes from the resources says while some are a synthetic sample."""
    return (f"BUILT FROM A SYNTHETIC SAMPLE: its rows from {', '.join(synthetic)} (a synthetic sample in this release) "
            "are generated for testing, not records of real people.")


class PackageError(CertdataError):
    """A problem with the package itself (descriptor or schema), not with a row."""


@dataclass
class Package:
    """A data package on disk with its schemas resolved."""

    root: Path
    descriptor: dict
    schema_files: dict = None

    @classmethod
    def load(cls, root=ROOT):
        """Read ``datapackage.json`` under root, inline every schema and dialect it points to, write
        the spec's shorthand forms out in full, and check what the project requires beyond the spec.
        Raises PackageError listing every problem (resource and field named, no value quoted)."""
        root = Path(root)
        path = root / DESCRIPTOR
        descriptor = read_json(path, "the package descriptor", label=DESCRIPTOR)
        resources = descriptor.get("resources") if isinstance(descriptor, dict) else None
        schema_files = {r["name"]: r["schema"] for r in (resources if isinstance(resources, list) else [])
                        if isinstance(r, dict) and isinstance(r.get("name"), str) and isinstance(r.get("schema"), str)}
        problems = descriptor_problems(root, descriptor)
        problems += [] if problems else resolve_disclosures(descriptor["resources"])
        if problems:
            shown = problems[:20] + ([f"... and {len(problems) - 20} more"] if len(problems) > 20 else [])
            raise PackageError(f"{DESCRIPTOR} cannot be built:\n" + "\n".join(shown))
        return cls(root, descriptor, schema_files)

    @property
    def resources(self):
        return self.descriptor["resources"]

    @property
    def version(self):
        return self.descriptor["version"]

    def resource(self, name):
        """The resource called name."""
        for resource in self.resources:
            if resource["name"] == name:
                return resource
        raise PackageError(f"no resource called {name!r} in {self.root / DESCRIPTOR}")

    def path(self, resource):
        """The absolute path of a resource's CSV (checked at load to lie inside the package)."""
        return self.root / resource["path"]

    def schema_file(self, resource):
        """The file a resource's schema was read from (for messages): its schema file, or the descriptor."""
        return (self.schema_files or {}).get(resource["name"], DESCRIPTOR)

    def synthetic_resources(self):
        """Names of the resources that hold a synthetic sample, not an agency's release."""
        return [r["name"] for r in self.resources if r.get(SYNTHETIC)]

    def contributors(self, role):
        """The titles of the descriptor's contributors with the role (the citations name its publishers)."""
        return [c["title"] for c in self.descriptor.get("contributors", []) if role in c.get("roles", [])]

    def read_rows(self, name):
        """Rows of a small resource as dicts of strings (for the documentation and guards)."""
        import csv
        resource = self.resource(name)
        with open(self.path(resource), encoding="utf-8-sig", newline="") as handle:
            return list(csv.DictReader(handle, **csv_options(resource)))


def resolve_disclosures(resources):
    """Give each field whose pcr:disclosure is ``{"as": "resource.field"}`` (values published in that field: a
    retired identifier's record) a copy of that field's disclosure, so its grounds are written once; problems
    (resource and field named) for a reference to no field, or to another reference."""
    def reference(field):  # any other shape is the guard's to report
        info = field.get(DISCLOSURE)
        return info["as"] if isinstance(info, dict) and set(info) == {"as"} and isinstance(info["as"], str) else None
    fields = {(r["name"], f["name"]): f for r in resources for f in r["schema"]["fields"]}
    references = {key: reference(f) for key, f in fields.items() if reference(f)}  # read before any is resolved
    problems = []
    for resource in resources:
        for field in resource["schema"]["fields"]:
            info = field.get(DISCLOSURE)
            if (resource["name"], field["name"]) not in references:
                continue
            target = tuple(info["as"].split(".", 1))
            grounds = fields[target].get(DISCLOSURE) if target in fields else None
            if not isinstance(grounds, dict) or target in references:
                problems.append(f"resource {resource['name']!r}, field {field['name']!r}: pcr:disclosure refers to "
                                f"{info['as']!r}, which is no field with grounds of its own")
            else:
                field[DISCLOSURE] = copy.deepcopy(grounds)
                if cells.name_kind(fields[target]) != cells.name_kind(field):  # a retired record's name is a name
                    problems.append(f"resource {resource['name']!r}, field {field['name']!r}: pcr:disclosure refers to "
                                    f"{info['as']!r}, which holds {cells.name_kind(fields[target]) or 'no'} names; declare "
                                    f"the same '{cells.NAME_PROPERTY}' here, so that its values are checked alike")
    return problems


def read_schema(root, relative):
    """Load a Table Schema JSON file named relative to the package root."""
    return read_json_inside(root, relative, "the Table Schema")


def read_json_inside(root, relative, what):
    """A JSON file named relative to the package root; PackageError if remote, outside the package or unreadable."""
    problem = path_problem(root, relative)
    if problem:
        raise PackageError(f"{what} {relative!r}: {problem}")
    return read_json(Path(root) / relative, what, label=relative)


FIELD_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_ -]{0,62}")  # a column's name in the CSV, the database and every download
MAX_DEPTH = 32  # arrays and objects within one another; a schema needs six


VERSION = re.compile(r"[0-9]{1,9}\.[0-9]{1,9}\.[0-9]{1,9}")  # MAJOR.MINOR.PATCH, compared as numbers
MAX_JSON_BYTES = 4 * 1024 * 1024  # a descriptor or a schema; the package's largest is 15 KB
MAX_RESOURCES = 400  # fifty states of eight resources; each costs the build a table, a page and checks
MAX_ENUM, MAX_MISSING_VALUES = 10_000, 100  # a 300,000-value enum took the validation to 531 MB


def read_json(path, what, label=None):
    """A descriptor file's JSON; PackageError if larger than MAX_JSON_BYTES, unreadable, not JSON (NaN and
    Infinity are not), or nested deeper than MAX_DEPTH (the validators walk it recursively). Messages name
    the file by label (its path in the package), never by where the package is on this machine."""
    path, label = Path(path), label or Path(path).name

    def refuse(constant):
        raise ValueError(f"{constant} is not a JSON value")

    def finite(text):
        number = float(text)
        if number in (float("inf"), float("-inf")):
            refuse(f"{text[:20]} (too large a number)")
        return number

    def unique(pairs):  # a key written twice: a reader takes the first, the validators the last (an attack run after
        # the twenty-first published a second "version" that a reviewer of the first would not see)
        value = dict(pairs)
        if len(value) < len(pairs):
            seen = set()
            twice = next(key for key, _ in pairs if key in seen or seen.add(key))
            raise ValueError(f"the key {twice[:40]!r} is written twice in one object")
        return value
    try:
        size = path.stat().st_size
        if size > MAX_JSON_BYTES:
            raise PackageError(f"{label}: {what} has {size:,} bytes; the limit is {MAX_JSON_BYTES:,}")
        value = json.loads(path.read_text(encoding="utf-8"), parse_constant=refuse, parse_float=finite, object_pairs_hook=unique)
    except (OSError, ValueError) as error:
        reason = error.strerror if isinstance(error, OSError) else error
        raise PackageError(f"{label}: cannot read {what} ({reason})") from None
    except RecursionError:
        raise PackageError(f"{label}: cannot read {what} (its JSON is nested too deeply)") from None
    level, depth = [value], 0
    while level:  # one level of arrays and objects at a time
        depth += 1
        if depth > MAX_DEPTH:
            raise PackageError(f"{label}: cannot read {what} (its JSON is nested too deeply)")
        level = [v for x in level for v in (x.values() if isinstance(x, dict) else x if isinstance(x, list) else ())
                 if isinstance(v, (dict, list))]
    return value


REMOTE = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")  # a URL scheme: http:, https:, ftp:, file:, s3: ...
DIALECT = {"delimiter": ",", "lineTerminator": "\r\n", "quoteChar": '"', "doubleQuote": True,
           "skipInitialSpace": False, "header": True, "headerRows": [1]}  # the spec's defaults, made explicit
DIALECT_KEYS = set(DIALECT) | {"$schema", "escapeChar", "caseSensitiveHeader", "csvddfVersion"}  # nullSequence: not read
# Tables the build makes in the release database besides the resources (certdata/load.py; FTS5 adds
# shadow tables named after its own, and SQLite reserves "sqlite_"): no resource or view may take a name.
BUILD_TABLES = {"people", "people_names", "people_fts", "name_vocabulary", "name_deletions", "agencies_fts",
                "package_resources", "package_fields", "changes", "build_info", "synthetic_sample",
                "retired_agencies"}
FTS_TABLES = ("people_fts", "agencies_fts")
DESCRIPTION_TABLES = ("package_resources", "package_fields", "build_info", "synthetic_sample")  # they describe the package


def derived_tables(views):
    """The tables and views the build makes from the resources' rows (the search index, the changes, the views
    of data/presentation.yml), which hold a synthetic sample's rows while the release has one."""
    return sorted((BUILD_TABLES - set(DESCRIPTION_TABLES)) | set(views))


def reserved_name(name):
    """Whether a table name is taken by the build or by SQLite (compared as SQLite does, ignoring case)."""
    name = name.lower()
    return name in BUILD_TABLES or name.startswith("sqlite_") or any(name.startswith(f + "_") for f in FTS_TABLES)


REQUIRED = {"package": ("name", "title", "description", "version", "created", "licenses"),
            "resource": ("title", "description"), "field": ("title", "description", DISCLOSURE)}


def path_problem(root, relative):
    """Why a descriptor path cannot be read (remote, absolute, outside the package, a link out of it), or None."""
    if not isinstance(relative, str) or not relative:
        return "a path must be one non-empty string"
    if REMOTE.match(relative) or relative.startswith("//"):
        return "remote paths are refused: builds are offline; download the file into the package and name it by path"
    if relative.startswith(("/", "\\")) or ".." in Path(relative).parts or "\\" in relative:
        return "the path must be relative to datapackage.json and stay inside the package (no '/', '..' or '\\')"
    base = Path(root).resolve()
    target = (Path(root) / relative).resolve()
    if target != base and base not in target.parents:
        return "the path leads outside the package (a symbolic link?); copy the file into the package"
    if target.exists() and not target.is_file():
        return "the path is not a regular file (a folder, a pipe or a device); name the file itself"
    return None


# The profiles a descriptor may name: the specs' own, which the validator knows without fetching them.
# Any other value is a URL (or a name) the validator would fetch over the network while checking.
PROFILES = {"data-package", "tabular-data-package", "data-resource", "tabular-data-resource", "table-schema",
            "tabular-data-dialect"} | {f"https://datapackage.org/profiles/{v}/{name}.json" for v in ("1.0", "2.0")
                                       for name in ("datapackage", "dataresource", "tableschema", "tabledialect")}


def profile_problems(descriptor, where):
    """Problems of the profile a descriptor (package, resource, schema or dialect) names."""
    if not isinstance(descriptor, dict):
        return []
    return [f"{where}{key} {descriptor[key]!r} is not a profile of the specs: checking against it would fetch it "
            "over the network, and builds are offline; remove it" for key in ("profile", "$schema")
            if key in descriptor and (not isinstance(descriptor[key], str) or descriptor[key] not in PROFILES)]


def descriptor_problems(root, descriptor):
    """Check and normalise the descriptor in place; a list of problems, one line each."""
    if not isinstance(descriptor, dict) or not isinstance(descriptor.get("resources"), list):
        return ["the descriptor must be a JSON object with a list of resources"]
    if len(descriptor["resources"]) > MAX_RESOURCES:
        return [f"{len(descriptor['resources']):,} resources; the limit is {MAX_RESOURCES} (the build's time grows with "
                "their number: 2,000 small resources took two minutes)"]
    shape = spec_problems("Package", dict(descriptor, resources=[]))
    if shape:  # nothing below may read a descriptor of the wrong shape
        return shape
    problems = [f"property {key!r} is required by this project" for key in REQUIRED["package"] if not descriptor.get(key)]
    problems += profile_problems(descriptor, "")
    if not VERSION.fullmatch(str(descriptor.get("version", ""))):
        problems.append("'version' must be MAJOR.MINOR.PATCH, each at most nine digits (the release check compares versions)")
    if not any(isinstance(s, dict) and s.get("title") for s in descriptor.get("sources", [])):
        problems.append("'sources' needs at least one source with a title")
    for source in descriptor.get("sources", []):  # the copy of a source document the build reads
        if isinstance(source, dict) and "pcr:text" in source:
            problem = path_problem(root, source["pcr:text"])
            if problem:
                problems.append(f"source {source.get('pcr:id') or source.get('title')!r}: pcr:text: {problem}")
    if not all(isinstance(x, dict) and x.get("title") and x.get("path") for x in descriptor.get("licenses", [])):
        problems.append("every licence needs a title and a path")
    seen = set()
    for number, resource in enumerate(descriptor["resources"], start=1):
        if not isinstance(resource, dict) or not isinstance(resource.get("name"), str):
            problems.append(f"resource {number}: must be an object with a name")
            continue
        if resource["name"] in seen:  # the spec: names must be unique within the package
            problems.append(f"resource {number}: the name {resource['name']!r} is used by an earlier resource; "
                            "resource names must be unique")
            continue
        seen.add(resource["name"])
        if reserved_name(resource["name"]):
            problems.append(f"resource {number}: the name {resource['name']!r} is taken by a table the build makes "
                            "(or by SQLite); rename the resource")
            continue
        try:
            problems += [f"resource {resource['name']}: {p}" for p in resource_problems(root, resource)]
        except PackageError as error:
            problems.append(f"resource {resource['name']}: {error}")
    return problems


def resource_problems(root, resource):
    """Problems of one resource; its schema and dialect are inlined and normalised on the way."""
    path = resource.get("path")
    problems = spec_problems("Resource", resource)
    if problems:
        return problems
    if isinstance(path, list):
        return ["'path' is a list of files: multi-part resources are not supported; join the parts into one CSV"]
    if "data" in resource:  # with a path too, it would be published in datapackage.json unchecked
        return ["inline 'data' is not supported; write the rows to a CSV file and name it in 'path'"]
    problem = path_problem(root, path)
    if problem:
        return [f"path {path!r}: {problem}" if isinstance(path, str) else problem]
    if Path(path).suffix.lower() != ".csv" or resource.get("format", "csv").lower() != "csv":
        problems.append("only CSV data files are supported (format csv, a .csv path)")
    if resource.get("encoding", "utf-8").lower().replace("_", "-") not in ("utf-8", "utf8"):
        problems.append("the data file must be UTF-8 (encoding 'utf-8'); re-save it as UTF-8")
    if resource.get("compression"):
        problems.append("compressed data files are not supported; name the uncompressed CSV")
    problems += [f"property {key!r} is required by this project" for key in REQUIRED["resource"] if not resource.get(key)]
    where = ""
    if isinstance(resource.get("schema"), str):
        where = f"schema {resource['schema']}: "
        resource["schema"] = read_schema(root, resource["schema"])
    schema = resource.get("schema")
    if not isinstance(schema, dict) or not isinstance(schema.get("fields"), list):
        return problems + ["a Table Schema with a list of fields is required"]
    shape = shape_problems(schema)
    if shape:  # nothing below may read a schema of the wrong shape
        return problems + [where + p for p in shape]
    problems += [where + p for p in schema_problems(schema)]
    problems += profile_problems(resource, "") + profile_problems(schema, "schema: ")
    dialect = resource.get("dialect", {})
    if isinstance(dialect, str):
        dialect = read_json_inside(root, dialect, "the CSV dialect")
    problems += dialect_problems(dialect) + profile_problems(dialect, "dialect: ")
    resource["dialect"] = dict(DIALECT, **dialect) if isinstance(dialect, dict) else DIALECT
    return problems


def spec_problems(kind, descriptor):
    """A package's or a resource's own properties checked against frictionless's profile of the spec
    (its resources, schema, dialect and inline data are checked elsewhere, and a profile it names is
    not fetched): one line per problem, naming the property."""
    import frictionless
    from frictionless.exception import FrictionlessException
    own = {k: v for k, v in descriptor.items() if k not in ("schema", "dialect", "data", "profile", "profiles", "$schema")}
    if isinstance(own.get("path"), (str, list)):  # path_problem says why one is refused (remote, outside, a list)
        own["path"] = "data.csv"
    try:
        return [error.note for error in getattr(frictionless, kind).metadata_validate(own)]
    except (FrictionlessException, LookupError, TypeError, ValueError, AttributeError):
        return [f"the {kind.lower()}'s properties do not have the shapes the Data Package spec gives them"]


LIMITS = ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum")


def as_v1(descriptor):
    """A copy in the forms frictionless's check takes (a descriptor without $schema is v1 to it) of what
    the project also accepts: missingValues as v2's objects with a value, a key of one field as a string."""
    out = dict(descriptor)
    values = out.get("missingValues")
    if isinstance(values, list) and all(isinstance(v, str) or (isinstance(v, dict) and isinstance(v.get("value"), str))
                                        for v in values):
        out["missingValues"] = missing_strings(values)
    if isinstance(out.get("primaryKey"), str):
        out["primaryKey"] = [out["primaryKey"]]
    if isinstance(out.get("foreignKeys"), list):
        out["foreignKeys"] = [as_v1(fk) if isinstance(fk, dict) else fk for fk in out["foreignKeys"]]
    if isinstance(out.get("fields"), str):  # a foreign key's, or its reference's, one field
        out["fields"] = [out["fields"]]
    if isinstance(out.get("reference"), dict):
        out["reference"] = as_v1(out["reference"])
    return out


def shape_problems(schema):
    """The schema checked against the Table Schema spec (frictionless's profiles for the schema and
    for each field's type) and by what the readers will do with it: a pattern must compile, a limit
    or an enum value must be a value of the field's type. One line per problem, naming the field and
    the property; schema metadata is quoted (it is published), never a row."""
    from frictionless import Field, Schema, system
    from frictionless.exception import FrictionlessException
    problems = []
    for field in schema["fields"]:
        if not isinstance(field, dict) or not isinstance(field.get("name"), str):
            continue  # reported by schema_problems
        try:
            kind = system.select_field_class(field.get("type", "any"))
            notes = [error.note for error in kind.metadata_validate(as_v1(field))]
        except FrictionlessException as error:
            notes = [error.error.note]
        except Exception:  # the profile's checker itself failed on this shape
            notes = ["is not a valid Table Schema field"]
        constraints = field.get("constraints", {}) if isinstance(field.get("constraints", {}), dict) else {}
        if not notes and isinstance(constraints.get("pattern"), str):
            try:
                re.compile(constraints["pattern"])
                re.compile(f"^{constraints['pattern']}$")  # as frictionless compiles it: "(?x) a" had crashed it
            except (re.error, OverflowError, RecursionError) as error:  # (a{4294967295}: OverflowError)
                notes.append(f"constraint 'pattern' is not a regular expression that can be matched as a whole value "
                             f"({type(error).__name__}: {error})")
            else:
                slow = slow_pattern(constraints["pattern"])
                if slow:  # both validators and frictionless match it on every cell, with no time limit
                    notes.append(f"constraint 'pattern' could take minutes on one long value: {slow}")
        if not notes:
            reader = Field.from_descriptor({k: v for k, v in field.items() if k != "constraints"})
            for key in [k for k in (*LIMITS, "enum") if k in constraints]:
                values = constraints[key] if key == "enum" else [constraints[key]]
                numeric = field.get("type") in ("integer", "number") and key != "enum"
                if any(reader.read_cell(v)[1] or (numeric and (isinstance(v, bool) or not isinstance(v, (int, float))))
                       for v in values):
                    notes.append(f"constraint {key!r} holds a value that is not of type {field.get('type', 'any')!r}")
        problems += [f"field {field['name']}: {note}" for note in notes]
    keys = schema.get("foreignKeys") if isinstance(schema.get("foreignKeys"), list) else []
    unnamed = [n for n, fk in enumerate(keys, start=1) if isinstance(fk, dict) and not isinstance(fk.get("reference"), dict)]
    if unnamed:  # frictionless's own check fails on it
        return problems + [f"foreign key {n}: 'reference' must be an object naming a resource and its fields" for n in unnamed]
    try:
        rest = as_v1({key: value for key, value in schema.items() if key != "fields"})
        named = [{"name": f["name"]} for f in schema["fields"] if isinstance(f, dict) and isinstance(f.get("name"), str)]
        problems += [error.note for error in Schema.metadata_validate(dict(rest, fields=named))]
    except Exception:
        problems.append("the schema's keys (primaryKey, foreignKeys, uniqueKeys, missingValues) are not valid")
    return problems


def schema_problems(schema):
    """Write the schema's shorthand forms out in full and report what the project needs beyond the spec."""
    problems = []
    names = set()
    for number, field in enumerate(schema["fields"], start=1):
        if not isinstance(field, dict) or not isinstance(field.get("name"), str):
            problems.append(f"field {number}: must be an object with a name")
            continue
        if not FIELD_NAME.fullmatch(field["name"]):
            problems.append(f"field {number}: its name must be ASCII letters, digits, spaces, hyphens and underscores, "
                            "starting with a letter, at most 63 (a column's name in the CSV, the database and every download)")
            continue
        if field["name"].lower() in {n.lower() for n in names}:  # SQLite's column names ignore case
            problems.append(f"field {field['name']}: another field has the same name in other case; the release "
                            "database's columns would be one, so rename one of them")
        names.add(field["name"])
        problems += [f"field {field['name']}: property {key!r} is required by this project"
                     for key in REQUIRED["field"] if key not in field or field[key] in (None, "")]
        constraints = field.get("constraints")
        enum = constraints.get("enum") if isinstance(constraints, dict) else None
        if isinstance(enum, list) and len(enum) > MAX_ENUM:
            problems.append(f"field {field['name']}: constraint 'enum' lists {len(enum):,} values; the limit is {MAX_ENUM:,} "
                            "(a longer list of allowed values belongs in a table the field's foreign key names)")
        if isinstance(field.get("missingValues"), list) and len(field["missingValues"]) > MAX_MISSING_VALUES:
            problems.append(f"field {field['name']}: 'missingValues' lists {len(field['missingValues']):,} values; the "
                            f"limit is {MAX_MISSING_VALUES}")
        if "missingValues" in field:
            field["missingValues"] = missing_strings(field["missingValues"])
        problems += [f"field {field['name']}: {p}" for p in name_field_problems(field)]
    if schema.get("fieldsMatch", "exact") != "exact":  # frictionless would then match columns by name
        problems.append(f"fieldsMatch {schema['fieldsMatch']!r} is not supported: the CSV's columns must be the schema's "
                        "fields, in the schema's order (the build reads them by position); remove it")
    if isinstance(schema.get("missingValues"), list) and len(schema["missingValues"]) > MAX_MISSING_VALUES:
        problems.append(f"'missingValues' lists {len(schema['missingValues']):,} values; the limit is {MAX_MISSING_VALUES}")
    schema["missingValues"] = missing_strings(schema.get("missingValues", [""]))
    if isinstance(schema.get("primaryKey"), str):
        schema["primaryKey"] = [schema["primaryKey"]]
    unique = schema.get("uniqueKeys") or []
    for key in unique if isinstance(unique, list) else [unique]:
        if not isinstance(key, list) or not key or not all(isinstance(name, str) for name in key):
            problems.append("uniqueKeys must be lists of field names")
        else:
            problems += [f"unique key field {name!r} is not a field of the schema" for name in key if name not in names]
    for fk in schema.get("foreignKeys", []) or []:
        if isinstance(fk.get("fields"), str):
            fk["fields"] = [fk["fields"]]
        reference = fk.get("reference", {})
        if isinstance(reference.get("fields"), str):
            reference["fields"] = [reference["fields"]]
        if "resource" not in reference:
            reference["resource"] = ""  # v2: no resource means this one
    for key in (schema.get("primaryKey") or []) + [n for fk in schema.get("foreignKeys", []) or [] for n in fk.get("fields", [])]:
        if key not in names:
            problems.append(f"key field {key!r} is not a field of the schema")
    return problems


def name_field_problems(field):
    """What a field that holds names must declare (cells.name_kind): its "pcr:name", "person" for a person's name or a
    part of one (a field whose name or title says so, or whose pattern is the names' own), "other" or "person" for any
    other field whose name says it holds a name; and a type the cell readers read (string, the default format), so that
    the name checks run on every value. Neither removing the property nor rewriting or dropping the pattern can then
    switch the checks off: the build refuses the schema."""
    from .names import NAME_PATTERN, TEXT_PATTERN
    declared = field.get(cells.NAME_PROPERTY)
    constraints = field.get("constraints") if isinstance(field.get("constraints"), dict) else {}
    pattern = constraints.get("pattern")
    if declared is not None and declared not in cells.NAME_KINDS:
        return [f"'{cells.NAME_PROPERTY}' must be \"person\" (a person's name or a part of one) or \"other\" (the name "
                "of an agency, a course or anything else)"]
    problems = []
    if (cells.says_person_name(field) or pattern == NAME_PATTERN) and declared != cells.PERSON:
        problems.append(f"it holds a person's name (its {'pattern' if pattern == NAME_PATTERN else 'name or title'} says "
                        f"so): declare \"{cells.NAME_PROPERTY}\": \"person\", which applies the name checks to every value")
    elif (cells.says_name(field) or pattern == TEXT_PATTERN) and declared is None:
        problems.append(f"its {'pattern' if pattern == TEXT_PATTERN else 'name or title'} says it holds a name: declare "
                        f"\"{cells.NAME_PROPERTY}\": \"person\" (a person's name or a part of one) or \"other\" (an "
                        "agency's, a course's...), which applies that name's checks to every value")
    if cells.name_kind(field) and (field.get("type") != "string" or not cells.strict(field)):
        problems.append("it holds names, so it must be of type \"string\" in the default format (the name checks read "
                        "every value of such a field)")
    return problems


def missing_strings(values):
    """missingValues as strings (the spec also allows objects with a value and a label)."""
    return [v["value"] if isinstance(v, dict) else v for v in values]


def dialect_problems(dialect):
    """What this project cannot read in a declared CSV dialect (the rest is honoured by every reader)."""
    if not isinstance(dialect, dict):
        return ["the dialect must be an object"]
    problems = [f"dialect property {key!r} is not supported; remove it or re-save the CSV with a plain header row"
                for key in sorted(set(dialect) - DIALECT_KEYS)]
    if dialect.get("header", True) is not True or dialect.get("headerRows", [1]) != [1]:
        problems.append("the CSV must have one header row, on line 1 (the guard checks column names against the schema)")
    for key in ("delimiter", "quoteChar", "escapeChar"):
        if key in dialect and (not isinstance(dialect[key], str) or len(dialect[key]) != 1 or dialect[key] in "\r\n"):
            problems.append(f"dialect {key!r} must be one character")
    for key in ("doubleQuote", "skipInitialSpace", "header", "caseSensitiveHeader"):
        if key in dialect and not isinstance(dialect[key], bool):
            problems.append(f"dialect {key!r} must be true or false")
    for key in ("lineTerminator", "nullSequence", "$schema"):
        if key in dialect and not isinstance(dialect[key], str):
            problems.append(f"dialect {key!r} must be text")
    return problems


def csv_options(resource):
    """Keyword arguments for Python's csv.reader from the resource's (explicit) dialect."""
    dialect = resource.get("dialect") or DIALECT
    options = {"delimiter": dialect.get("delimiter", ","), "quotechar": dialect.get("quoteChar", '"'),
               "doublequote": dialect.get("doubleQuote", True),
               "skipinitialspace": dialect.get("skipInitialSpace", False), "strict": False}
    if dialect.get("escapeChar"):
        options["escapechar"] = dialect["escapeChar"]
    return options


def fields(resource):
    """The fields of a resource's schema."""
    return resource["schema"]["fields"]


def open_fields(resource):
    """Names of the fields of a resource that may be published and echoed in messages."""
    from .disclosure import is_published
    return {f["name"] for f in fields(resource) if is_published(f, bool(resource.get(SYNTHETIC)))}


def not_published(package, resource):
    """The elements of the resource's request that no field of the package publishes, each once
    (the first list it appears in), with the agency's disposition, statute and words."""
    request = resource.get("pcr:request")
    if not request:
        return []
    seen, out = set(), []
    for row in package.read_rows("request_items"):
        key = " ".join(row["element"].lower().rstrip(" .").split())
        if row["request_id"] != request or row["our_field"] or key in seen:
            continue
        seen.add(key)
        out.append({"element": row["element"], "disposition": row["disposition"], "list": row["list"],
                    "basis": row["legal_basis_id"] or None, "agencyWords": row["agency_words"] or None})
    return out


SAMPLE_VALUE = re.compile(r"\bsample\b", re.IGNORECASE)  # the sample's names, agencies and courses all say so


def shown_example(resource, field):
    """The field's example as the documentation and the data dictionary give it: None, in a resource that is no
    longer a synthetic sample, for an example that is one of the sample's values ("Sample-Harris, Justin"): a trial
    after the sixteenth found a real release's field pages still giving them."""
    example = field.get("example")
    if not resource.get(SYNTHETIC) and isinstance(example, str) and SAMPLE_VALUE.search(example):
        return None
    return example
