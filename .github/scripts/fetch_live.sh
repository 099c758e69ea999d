#!/usr/bin/env bash
# fetch_live.sh URL [DIRECTORY]: the live release's descriptor, database and checksums into DIRECTORY
# (build/previous), which the build compares with (permanent officer identifiers, files to reuse) and
# release-check reads (versions). It fails closed: a live release that cannot be fetched stops the publish,
# since without it those checks would not run. Only an empty URL or a 404 for the descriptor (no release
# published there yet: a first publish) goes on without one.
set -euo pipefail
url="${1:-}"
target="${2:-build/previous}"
mkdir -p "$target"
rm -f "$target/datapackage.json" "$target/certification.db" "$target/SHA256SUMS"
if [ -z "$url" ]; then
  echo "fetch_live: no PAGES_URL, so no live release to compare with: a first publish" >&2
  exit 0
fi
if ! status=$(curl -sSL --retry 3 -o "$target/datapackage.json" -w '%{http_code}' "$url/downloads/datapackage.json"); then
  rm -f "$target/datapackage.json"
  echo "fetch_live: the live release at $url could not be reached; not publishing without comparing with it" >&2
  exit 1
fi
if [ "$status" = 404 ]; then
  rm -f "$target/datapackage.json"
  echo "fetch_live: $url has no release yet (404): a first publish" >&2
  exit 0
fi
if [ "$status" != 200 ]; then
  rm -f "$target/datapackage.json"
  echo "fetch_live: the live release's descriptor answered HTTP $status; not publishing without comparing with it" >&2
  exit 1
fi
for name in certification.db SHA256SUMS; do
  if ! curl -fsSL --retry 3 -o "$target/$name" "$url/downloads/$name"; then
    rm -f "$target/datapackage.json" "$target/certification.db" "$target/SHA256SUMS"
    echo "fetch_live: the live release's $name could not be fetched; not publishing without comparing with it" >&2
    exit 1
  fi
done
