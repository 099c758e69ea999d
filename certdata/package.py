"""The data package: descriptor, schemas, disclosure and provenance.

Takes: a package directory holding ``datapackage.json``. Gives: the descriptor
with every resource's Table Schema resolved, and the questions every later stage
asks of it (which fields are open, which resources are synthetic samples, which
requested elements were not released).
"""
import json
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DESCRIPTOR = "datapackage.json"
DISCLOSURE = "pcr:disclosure"
SYNTHETIC = "pcr:synthetic"


class PackageError(Exception):
    """A problem with the package itself (descriptor or schema), not with a row."""


@dataclass
class Package:
    """A data package on disk with its schemas resolved."""

    root: Path
    descriptor: dict
    schema_files: dict = None

    @classmethod
    def load(cls, root=ROOT):
        """Read ``datapackage.json`` under root and inline every schema it points to."""
        root = Path(root)
        path = root / DESCRIPTOR
        try:
            descriptor = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as error:
            raise PackageError(f"{path}: cannot read the package descriptor ({error})") from error
        schema_files = {}
        for resource in descriptor.get("resources", []):
            if isinstance(resource.get("schema"), str):
                schema_files[resource.get("name")] = resource["schema"]
                resource["schema"] = read_schema(root, resource["schema"])
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
        """The absolute path of a resource's CSV."""
        return self.root / resource["path"]

    def schema_file(self, resource):
        """The file a resource's schema was read from (for messages): its schema file, or the descriptor."""
        return (self.schema_files or {}).get(resource["name"], DESCRIPTOR)

    def synthetic_resources(self):
        """Names of the resources that hold a synthetic sample, not an agency's release."""
        return [r["name"] for r in self.resources if r.get(SYNTHETIC)]

    def read_rows(self, name):
        """Rows of a small resource as dicts of strings (for the documentation and guards)."""
        import csv
        with open(self.path(self.resource(name)), encoding="utf-8-sig", newline="") as handle:
            return list(csv.DictReader(handle))


def read_schema(root, relative):
    """Load a Table Schema JSON file named relative to the package root."""
    path = Path(root) / relative
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise PackageError(f"{path}: cannot read the Table Schema ({error})") from error


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
