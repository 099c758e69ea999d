#!/usr/bin/env python3
"""Decide whether the Datasette must be deployed: compare the built release's fingerprint with the live one.

    python3 .github/scripts/compare_fingerprint.py BUILT.json LIVE_URL

BUILT.json is ``build.py serve --get /-/fingerprint.json`` of the release; LIVE_URL the
Datasette's base URL. Prints ``deploy=false`` only when the live instance answers a
fingerprint equal to ours (database, metadata, templates, plugins, static files, settings,
Datasette version all unchanged); otherwise ``deploy=true`` (also when the live instance is
unreachable or predates the fingerprint), and on stderr which components differ.
Standard library only: the deploy job runs it before any install.
"""
import json
import sys
import urllib.request


def live_fingerprint(base_url, timeout=20):
    """The live instance's fingerprint document, or None when it cannot be read."""
    try:
        with urllib.request.urlopen(base_url.rstrip("/") + "/-/fingerprint.json", timeout=timeout) as response:
            document = json.loads(response.read())
    except (OSError, ValueError):
        return None
    return document if isinstance(document, dict) and "fingerprint" in document else None


def differences(built, live):
    """Names of the components that differ (all of them when live is None)."""
    if live is None:
        return ["live instance unreachable or without /-/fingerprint.json"]
    ours, theirs = built.get("components", {}), live.get("components", {})
    changed = sorted(name for name in set(ours) | set(theirs) if ours.get(name) != theirs.get(name))
    if not changed and built.get("fingerprint") != live.get("fingerprint"):
        changed = ["fingerprint"]
    return changed


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    if len(argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    with open(argv[0], encoding="utf-8") as handle:
        built = json.load(handle)
    changed = differences(built, live_fingerprint(argv[1]) if argv[1] else None)
    print(f"deploy={'true' if changed else 'false'}")
    print("changed: " + (", ".join(changed) if changed else "nothing; the live instance serves this release"), file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
