"""The data package: descriptor, schemas, disclosure and provenance.

Takes: a package directory holding ``datapackage.json``. Gives: the descriptor
with every resource's Table Schema resolved, and the questions every later stage
asks of it (which fields are open, which resources are synthetic samples, which
requested elements were not released).
"""
import json
from dataclasses import dataclass
from pathlib import Path

from .errors import CertdataError

ROOT = Path(__file__).resolve().parent.parent
DESCRIPTOR = "datapackage.json"
DISCLOSURE = "pcr:disclosure"
SYNTHETIC = "pcr:synthetic"


class PackageError(CertdataError):
    """A problem with the package itself (descriptor or schema), not with a row."""


@dataclass
class Package:
    """A data package on disk with its schemas resolved."""

    root: Path
    descriptor: dict

    @classmethod
    def load(cls, root=ROOT):
        """Read ``datapackage.json`` under root and inline every schema it points to."""
        root = Path(root)
        path = root / DESCRIPTOR
        try:
            descriptor = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as error:
            raise PackageError(f"{path}: cannot read the package descriptor ({error})") from error
        for resource in descriptor.get("resources", []):
            if isinstance(resource.get("schema"), str):
                resource["schema"] = read_schema(root, resource["schema"])
        return cls(root, descriptor)

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

    def synthetic_resources(self):
        """Names of the resources that hold a synthetic sample, not an agency's release."""
        return [r["name"] for r in self.resources if r.get(SYNTHETIC)]

    def read_rows(self, name):
        """Rows of a small resource as dicts of strings (for the documentation and guards)."""
        import csv
        with open(self.path(self.resource(name)), encoding="utf-8", newline="") as handle:
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


def disclosure(field):
    """The field's disclosure: {"status", "basis", "note"}; empty when undeclared."""
    return field.get(DISCLOSURE) or {}


def is_open(field):
    """True when the field's disclosure says the law makes it open."""
    return disclosure(field).get("status") == "open"


def open_fields(resource):
    """Names of the fields of a resource that may be published and echoed."""
    return {f["name"] for f in fields(resource) if is_open(f)}


def not_released(package, resource):
    """Requested elements of the resource's request that were not released, with basis."""
    request = resource.get("pcr:request")
    if not request:
        return []
    return [
        {"element": row["element"], "disposition": row["disposition"],
         "basis": row["legal_basis_id"] or None, "agencyWords": row["agency_words"] or None}
        for row in package.read_rows("request_items")
        if row["request_id"] == request and row["disposition"] != "released"
    ]
