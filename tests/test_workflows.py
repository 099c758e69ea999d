"""GitHub Actions: lint clean, and they run exactly the README's commands."""
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from certdata.package import Package
from certdata.publish import ReleaseRefused, check_version

from .conftest import ROOT, run_cli

WORKFLOWS = sorted((ROOT / ".github" / "workflows").glob("*.yml"))


def readme_commands():
    text = (ROOT / "README.md").read_text()
    return re.findall(r"^    (make \w+)$", text, flags=re.M)


def steps(workflow):
    jobs = yaml.safe_load(workflow.read_text())["jobs"]
    return [step.get("run", "") for job in jobs.values() for step in job["steps"]]


def test_actionlint_passes_on_every_workflow():
    assert WORKFLOWS
    result = subprocess.run([str(Path(sys.executable).with_name("actionlint")), *map(str, WORKFLOWS)],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_workflows_run_the_readme_commands():
    build, test = readme_commands()[:2]
    assert (build, test) == ("make build", "make test")
    assert test in steps(ROOT / ".github" / "workflows" / "ci.yml")
    assert build in steps(ROOT / ".github" / "workflows" / "publish.yml")
    assert (ROOT / ".ci" / "run").read_text().strip().endswith(test)


def test_publish_refuses_samples_unless_demo(small_package):
    result = run_cli(small_package, "release-check")
    assert result.returncode == 1 and "synthetic samples" in result.stderr
    assert run_cli(small_package, "release-check", "--demo", "true").returncode == 0


def test_changed_data_needs_a_new_version(built, tmp_path):
    """The README says the release check enforces a patch version for corrected data: it had checked
    schemas only, so a release with every row replaced went out under the live version, whose GitHub
    Release kept the old files."""
    import json
    import shutil
    live = tmp_path / "live-datapackage.json"
    shutil.copyfile(built / "site" / "downloads" / "datapackage.json", live)
    root = tmp_path / "pkg"
    shutil.copytree(built, root, ignore=shutil.ignore_patterns("site", "build"))
    assert run_cli(root, "release-check", "--demo", "true", "--previous", str(live)).returncode == 0  # unchanged
    # a live descriptor that gives a resource no SHA-256 cannot be compared with: a new version is needed (the
    # thirteenth attack run: such a resource was not compared at all)
    unhashed = json.loads(live.read_text(encoding="utf-8"))
    unhashed["resources"][0].pop("hash")
    (tmp_path / "unhashed.json").write_text(json.dumps(unhashed), encoding="utf-8")
    result = run_cli(root, "release-check", "--demo", "true", "--previous", str(tmp_path / "unhashed.json"))
    assert result.returncode == 1 and "gives no SHA-256 for " + unhashed["resources"][0]["name"] in result.stderr, result.stderr
    measures = root / "data" / "mo_post_measures.csv"
    measures.write_bytes(measures.read_bytes().replace(b"\n", b"\r\n", 1) if b"\r\n" not in measures.read_bytes()
                         else measures.read_bytes().replace(b"\r\n", b"\n", 1))
    result = run_cli(root, "release-check", "--demo", "true", "--previous", str(live))
    assert result.returncode == 1 and "mo_post_measures changed since the live release" in result.stderr, result.stderr
    assert "patch" in result.stderr
    descriptor = json.loads((root / "datapackage.json").read_text(encoding="utf-8"))
    major, minor, patch = descriptor["version"].split(".")
    descriptor["version"] = f"{major}.{minor}.{int(patch) + 1}"
    (root / "datapackage.json").write_text(json.dumps(descriptor, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    assert run_cli(root, "release-check", "--demo", "true", "--previous", str(live)).returncode == 0
    # a version lower than the live one, with the changed data (the twelfth attack run: 0.0.1 over the live release)
    for lower in (f"{major}.{minor}.{int(patch) - 1}" if int(patch) else f"{major}.{int(minor) - 1}.9", "0.0.1"):
        descriptor["version"] = lower
        (root / "datapackage.json").write_text(json.dumps(descriptor, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        result = run_cli(root, "release-check", "--demo", "true", "--previous", str(live))
        assert result.returncode == 1 and "is lower than the live release's" in result.stderr, (lower, result.stderr)


def test_release_check_refuses_a_live_descriptor_it_was_given_and_cannot_read(small_package, tmp_path):
    """The twelfth attack run: --previous naming no file passed as a first release without a word (so a live release
    that failed to download let every version check be skipped), and a FIFO there hung the check."""
    import os
    result = run_cli(small_package, "release-check", "--demo", "true", "--previous", str(tmp_path / "missing.json"))
    assert result.returncode == 1 and "no such file" in result.stderr and "Traceback" not in result.stderr, result.stderr
    os.mkfifo(tmp_path / "pipe")
    result = run_cli(small_package, "release-check", "--demo", "true", "--previous", str(tmp_path / "pipe"))
    assert result.returncode == 1 and "not a regular file" in result.stderr, result.stderr
    assert run_cli(small_package, "release-check", "--demo", "true").returncode == 0  # a first release: none given


def test_the_publish_fetches_the_live_release_or_stops(tmp_path):
    """The twelfth attack run: the workflow's fetch of the live release ignored every failure, so a transient error
    skipped the identifier and version checks and published. fetch_live.sh is run against a local server: a release
    is fetched whole; no release there yet (404) is a first publish; any other failure stops the publish."""
    import functools
    import http.server
    import shutil
    import threading
    if not shutil.which("curl"):
        pytest.skip("curl is not installed (make chromium installs it)")
    served = tmp_path / "served"
    (served / "downloads").mkdir(parents=True)
    script = ROOT / ".github" / "scripts" / "fetch_live.sh"

    class Handler(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def do_GET(self):
            if (served / "fail").exists() and (served / "fail").read_text() in self.path:
                self.send_error(403)  # (not a 5xx: curl would retry it, with pauses)
            else:
                super().do_GET()
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Handler, directory=str(served)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{server.server_address[1]}"

    def fetch(address=url):
        target = tmp_path / "previous"
        result = subprocess.run(["bash", str(script), address, str(target)], capture_output=True, text=True, timeout=120)
        return result.returncode, sorted(p.name for p in target.iterdir()), result.stderr
    try:
        code, files, err = fetch()
        assert (code, files) == (0, []) and "no release yet (404)" in err, err
        assert fetch("")[:2] == (0, [])
        for name in ("datapackage.json", "certification.db", "SHA256SUMS"):
            (served / "downloads" / name).write_text(name)
        assert fetch()[:2] == (0, ["SHA256SUMS", "certification.db", "datapackage.json"])
        for failing in ("datapackage.json", "certification.db", "SHA256SUMS"):
            (served / "fail").write_text(failing)
            code, files, err = fetch()
            assert code == 1 and files == [] and "not publishing without comparing" in err, (failing, code, files, err)
        (served / "fail").unlink()
        (served / "downloads" / "SHA256SUMS").unlink()
        assert fetch()[0] == 1
    finally:
        server.shutdown()
        server.server_close()
    code, files, err = fetch(url)  # nothing listens there now
    assert code == 1 and files == [] and "could not be reached" in err, err


def test_schema_change_needs_the_right_version_bump():
    current = Package.load(ROOT).descriptor
    previous = yaml.safe_load(yaml.safe_dump(current))
    previous["resources"][0]["schema"]["fields"].append({"name": "gone", "type": "string"})
    try:
        check_version(previous, current)
        raise AssertionError("a removed field must need a major version")
    except ReleaseRefused as error:
        assert "major" in str(error)
    previous["version"] = "0.9.0"
    check_version(previous, current)
    retyped = yaml.safe_load(yaml.safe_dump(current))
    retyped["resources"][0]["schema"]["fields"][0]["type"] = "integer"
    try:
        check_version(retyped, current)
        raise AssertionError("a retyped field must need a major version")
    except ReleaseRefused:
        pass


def test_build_refuses_a_retyped_field_without_a_major_version(tmp_path):
    import json
    from .conftest import make_package
    root = make_package(tmp_path / "pkg")
    assert run_cli(root, "--quiet").returncode == 0
    schema_path = root / "data" / "schemas" / "mo_post_measures.json"
    schema = json.loads(schema_path.read_text())
    schema["fields"][3]["type"] = "number"
    schema_path.write_text(json.dumps(schema))
    result = run_cli(root, "--quiet")
    assert result.returncode == 1 and "major version must increase" in result.stderr
    descriptor = json.loads((root / "datapackage.json").read_text())
    descriptor["version"] = f"{int(descriptor['version'].split('.')[0]) + 1}.0.0"
    (root / "datapackage.json").write_text(json.dumps(descriptor))
    assert run_cli(root, "--quiet").returncode == 0


def compare_script():
    import importlib.util
    spec = importlib.util.spec_from_file_location("compare_fingerprint", ROOT / ".github" / "scripts" / "compare_fingerprint.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_publish_compares_the_whole_fingerprint_with_the_live_instance():
    workflow = (ROOT / ".github" / "workflows" / "publish.yml").read_text()
    assert "serve --deployed --get /-/fingerprint.json" in workflow and "compare_fingerprint.py" in workflow
    assert "sha256sum site/downloads/certification.db" not in workflow


def test_deploy_is_skipped_only_when_the_live_instance_serves_the_same_release(built, tmp_path):
    import json
    import subprocess
    import sys
    from .test_abuse import running_server
    result = run_cli(built, "serve", "--get", "/-/fingerprint.json")
    assert result.returncode == 0, result.stderr
    ours = json.loads(result.stdout)
    assert set(ours["components"]) >= {"databases", "metadata", "templates", "plugins", "settings", "datasette"}
    (tmp_path / "built.json").write_text(result.stdout)
    script = [sys.executable, str(ROOT / ".github" / "scripts" / "compare_fingerprint.py"), str(tmp_path / "built.json")]
    with running_server(built) as live:
        same = subprocess.run(script + [live], capture_output=True, text=True)
    assert same.stdout.strip() == "deploy=false", same.stderr
    gone = subprocess.run(script + [live], capture_output=True, text=True)  # the server has stopped
    assert gone.stdout.strip() == "deploy=true" and "unreachable" in gone.stderr
    module = compare_script()
    for component in ("metadata", "templates", "plugins", "settings", "datasette", "databases"):
        live_doc = json.loads(result.stdout)
        live_doc["components"][component] = "something else"
        assert module.differences(ours, live_doc) == [component]
    assert module.differences(ours, None)


PUBLISH = ROOT / ".github" / "workflows" / "publish.yml"


def job_runs(job):
    """The run scripts of one job of the publish workflow."""
    return [step.get("run", "") for step in yaml.safe_load(PUBLISH.read_text())["jobs"][job]["steps"]]


def as_here(script, root):
    """A workflow's command line run on the package at root with this interpreter (the workflow's .venv/bin/python)."""
    assert ".venv/bin/python build.py" in script, script
    return script.replace(".venv/bin/python build.py", f"{sys.executable} {ROOT / 'build.py'}")


GCLOUD = ("import os, shutil, sys\n"  # gcloud as datasette publish cloudrun runs it: builds submit keeps the image's folder
          "if sys.argv[1:4] == ['config', 'get-value', 'project']: print('example-project')\n"
          "if sys.argv[1:3] == ['builds', 'submit']: shutil.copytree(os.getcwd(), os.environ['IMAGE_DIR'])\n")


def test_the_deploy_is_skipped_when_the_deployed_server_serves_the_built_release(built, tmp_path):
    """A new user's walk: ``datasette publish cloudrun`` adds ``--setting force_https_urls on`` unless the extra
    options name it, and the fingerprint the workflow built came from serve's settings, which lack it: the live
    fingerprint never equalled the built one, so every publish redeployed. The workflow's fingerprint step and its
    deploy step are run (gcloud stood in for: it keeps the image's folder), then the image's own commands (its RUN
    datasette inspect and its CMD, --get in place of --port): the deployed server's fingerprint equals the built one.
    Local serve keeps its settings."""
    import json
    import shlex
    import shutil
    root = tmp_path / "pkg"  # the workflow writes the fingerprint into site/: not into the session's build
    shutil.copytree(built, root, symlinks=True, ignore=shutil.ignore_patterns("build"))
    env = {"CERTDATA_ROOT": str(root), "PATH": f"{tmp_path / 'bin'}:{Path(sys.executable).parent}:/usr/bin:/bin",
           "IMAGE_DIR": str(tmp_path / "image")}
    [fingerprint] = [run for run in job_runs("build") if "/-/fingerprint.json" in run]
    result = subprocess.run(["bash", "-e", "-c", as_here(fingerprint, root)], cwd=root, env=env, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    ours = json.loads((root / "site" / "datasette" / "fingerprint.json").read_text())
    (tmp_path / "bin").mkdir()
    (tmp_path / "bin" / "gcloud").write_text(f"#!{sys.executable}\n{GCLOUD}")
    (tmp_path / "bin" / "gcloud").chmod(0o755)
    [deploy] = [line for run in job_runs("datasette") for line in run.splitlines() if "build.py deploy" in line]
    deploy = as_here(deploy.replace("${{ vars.CLOUD_RUN_SERVICE }}", "example-service"), root)
    result = subprocess.run(["bash", "-e", "-c", deploy], cwd=root, env=env, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    image = tmp_path / "image"
    dockerfile = (image / "Dockerfile").read_text()
    datasette = str(Path(sys.executable).with_name("datasette"))
    [inspect] = [shlex.split(line[4:]) for line in dockerfile.splitlines() if line.startswith("RUN datasette inspect")]
    subprocess.run([datasette, *inspect[1:]], cwd=image, env=env, check=True, capture_output=True)
    [command] = [shlex.split(line[4:]) for line in dockerfile.splitlines() if line.startswith("CMD ")]
    assert command[:2] == ["datasette", "serve"] and command[-2:] == ["--port", "$PORT"], command
    assert " ".join(command).count("force_https_urls") == 1, command  # stated by us, so publish added none
    result = subprocess.run([datasette, *command[1:-2], "--get", "/-/fingerprint.json"], cwd=image,
                            env={**env, "DATASETTE_SECRET": "x"}, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    deployed = json.loads(result.stdout)
    assert compare_script().differences(ours, deployed) == [], (ours["components"], deployed["components"])
    assert ours["fingerprint"] == deployed["fingerprint"]
    # local serve as it was: plain http URLs (the smoke test and the browser tests use it)
    settings = json.loads(run_cli(root, "serve", "--get", "/-/settings.json").stdout)
    assert settings["force_https_urls"] is False
    assert json.loads(run_cli(root, "serve", "--deployed", "--get", "/-/settings.json").stdout)["force_https_urls"] is True


def test_the_fingerprint_changes_with_the_settings(built):
    import asyncio
    from certdata import datasette
    database, metadata = built / "site" / "downloads" / "certification.db", built / "site" / "datasette" / "metadata.json"
    first = asyncio.run(datasette.app(database, metadata).client.get("/-/fingerprint.json")).json()
    changed = datasette.app(database, metadata)
    changed._settings["sql_time_limit_ms"] = 99
    second = asyncio.run(changed.client.get("/-/fingerprint.json")).json()
    assert first["components"]["databases"] == second["components"]["databases"]
    assert first["components"]["settings"] != second["components"]["settings"]


STAND_INS = {  # programs the release step runs, as stand-ins: gh records its arguments, zip is Python's
    "gh": ("import json, os, sys\n"
           "if sys.argv[1:3] == ['release', 'view']: sys.exit(1)\n"
           "open(os.environ['GH_CALLS'], 'a').write(json.dumps(sys.argv[1:]) + '\\n')\n"),
    "zip": ("import os, sys, zipfile\n"
            "args = [a for a in sys.argv[1:] if not a.startswith('-')]\n"
            "with zipfile.ZipFile(args[0], 'w') as z:\n"
            "    for item in args[1:]:\n"
            "        for root, _, files in (os.walk(item) if os.path.isdir(item) else [('', [], [item])]):\n"
            "            for f in files: z.write(os.path.join(root, f))\n"),
}


def test_the_github_release_carries_every_file_its_checksums_name_but_the_spreadsheet_copies(built, tmp_path):
    """A new user's walk: the release notes said the data dictionary was left out, when csv.zip held its CSV and the
    release lacked its JSON and the source documents. The release step is run (gh and zip stood in for): every
    file SHA256SUMS names is an asset or in one of its zips, but the spreadsheet copies, which the notes name."""
    import json
    import os
    import zipfile
    publish = ROOT / ".github" / "workflows" / "publish.yml"
    step = next(s for s in steps(publish) if "gh release create" in s)
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    for name, code in STAND_INS.items():
        (bin_dir / name).write_text(f"#!{sys.executable}\n{code}")
        (bin_dir / name).chmod(0o755)
    work = tmp_path / "work"
    (work / "site").mkdir(parents=True)
    import shutil
    shutil.copytree(built / "site" / "downloads", work / "site" / "downloads")
    env = {**os.environ, "PATH": f"{bin_dir}:{os.environ['PATH']}", "GH_CALLS": str(tmp_path / "calls"),
           "VERSION": "9.9.9", "DEMO": "false", "GITHUB_SHA": "0" * 40, "GITHUB_REPOSITORY": "example/certification"}
    result = subprocess.run(["bash", "-e", "-c", step], cwd=work, env=env, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    [call] = [json.loads(line) for line in (tmp_path / "calls").read_text().splitlines()]
    # the tag goes on the commit built (without --target, on the branch's head when the release is made)
    assert call[call.index("--target") + 1] == env["GITHUB_SHA"], call
    notes = call[call.index("--notes") + 1]
    assets = [work / a for a in call[call.index("--notes") + 2:]]
    carried = set()
    for asset in assets:
        if asset.suffix == ".zip":
            carried |= {os.path.normpath(n) for n in zipfile.ZipFile(asset).namelist()}
        else:
            carried.add(asset.name)
    listed = {line.split(maxsplit=1)[1].lstrip("*") for line in (work / "site" / "downloads" / "SHA256SUMS").read_text().splitlines()}
    left_out = listed - carried
    assert left_out and all(name.startswith("spreadsheet/") for name in left_out), sorted(left_out)
    assert "spreadsheet/" in notes and "dictionary" not in notes
    for archive in (a.name for a in assets if a.suffix == ".zip"):
        assert "Unzip" in notes and archive in notes


def test_the_deploy_pins_the_servers_the_fingerprint_names(built, tmp_path):
    """The twelfth attack run: the Cloud Run deploy pinned Datasette alone, so uvicorn and h11, whose internals the
    limits plugin relies on, floated, and the fingerprint did not name them. Both are pinned as installed here, and
    the fingerprint names their versions."""
    import json
    from importlib.metadata import version

    from certdata import datasette
    args = datasette.publish_args(tmp_path / "x.db", tmp_path / "m.json", "service")
    installs = {args[i + 1] for i, a in enumerate(args) if a == "--install"}
    assert {f"uvicorn=={version('uvicorn')}", f"h11=={version('h11')}"} <= installs, installs
    result = run_cli(built, "serve", "--get", "/-/fingerprint.json")
    server = json.loads(result.stdout)["components"]["server"]
    assert server["uvicorn"] == version("uvicorn") and server["h11"] == version("h11")
    # every package under Datasette, and its requirements' requirements (the thirteenth attack run: Jinja2 floated)
    for name in ("jinja2", "markupsafe", "asgiref", "click", "packaging"):
        assert server[name] == version(name) and f"{name}=={version(name)}" in installs, name
    assert installs == {f"{name}=={v}" for name, v in server.items()} | {f"datasette=={version('datasette')}"}
    assert "pip" not in server and "datasette" not in server


def workflow_env(variables):
    """The publish workflow's CERTDATA_ settings, given the repository's variables (unset ones as GitHub gives them:
    empty)."""
    def value(text):
        text = re.sub(r"\$\{\{ vars\.(\w+) \}\}", lambda m: variables.get(m.group(1), ""), str(text))
        text = text.replace("${{ github.server_url }}", "https://github.com").replace("${{ github.repository }}", "example/certification")
        assert "${{" not in text, text
        return text
    return {name: value(text) for name, text in yaml.safe_load(PUBLISH.read_text())["env"].items() if name.startswith("CERTDATA_")}


def site_links(site, docs_url):
    """{absolute address: pages} of every href and src of the built site's pages and feed, each page at its address
    under docs_url (data-datasette links too, as a browser reads them: plugins/pages.py rewrites only the others)."""
    from urllib.parse import urljoin
    links = {}
    for path in sorted(site.rglob("*")):
        if path.suffix not in (".html", ".xml") or "downloads" in path.relative_to(site).parts:
            continue
        relative = path.relative_to(site).as_posix()
        page = urljoin(docs_url, relative[:-len("index.html")] if relative.endswith("index.html") else relative)
        for link in re.findall(r'(?:href|src)="([^"]*)"', path.read_text(encoding="utf-8")):
            links.setdefault(urljoin(page, link.replace("&amp;", "&")), set()).add(relative)
    return links


def test_a_deployed_site_without_a_datasette_links_to_none(small_package):
    """A new user's walk: without DATASETTE_URL the published documentation's "Search officers", "Decertified
    officers" and "Datasette" links went to / and /decertified, which on a project site (user.github.io/repo/) are
    the domain's root, and 404 on any static host. Built with the publish workflow's settings: without DATASETTE_URL
    every link stays within the site, its pages say the officer search is not deployed and the build warns; with
    it, they lead there; a build of one's own (no CERTDATA_DEPLOY) keeps linking to the Datasette of build.py serve."""
    from urllib.parse import urlsplit
    docs_url = "https://example.github.io/repo/"
    site = small_package / "site"

    def build(variables, workflow=True):
        env = {"PATH": str(Path(sys.executable).parent) + ":/usr/bin:/bin", "CERTDATA_ROOT": str(small_package),
               **(workflow_env(variables) if workflow else {"CERTDATA_DOCS_URL": docs_url})}
        result = subprocess.run([sys.executable, str(ROOT / "build.py"), "--quiet"], cwd=small_package, env=env,
                                capture_output=True, text=True, timeout=600)
        assert result.returncode == 0, result.stderr
        return result.stderr, site_links(site, docs_url)
    warning, links = build({"PAGES_URL": docs_url})
    outside = {url: pages for url, pages in links.items()
               if urlsplit(url).netloc == "example.github.io" and not urlsplit(url).path.startswith("/repo/")}
    assert not outside, sorted(outside.items())[:5]
    assert "warning: a deploy build" in warning and "not deployed" in warning, warning
    home = (site / "index.html").read_text(encoding="utf-8")
    assert "data-datasette" not in home and "officer search (a Datasette) is not deployed with this site" in home
    assert "Officer search not deployed" in home and "not deployed with this site" in (site / "search" / "index.html").read_text()
    assert "Search officers" not in home and "Decertified officers" not in home
    assert all("data-datasette" not in p.read_text(encoding="utf-8") for p in site.rglob("*.html"))
    _, links = build({"PAGES_URL": docs_url, "DATASETTE_URL": "https://datasette.example/"})
    datasette = {url for url in links if url.startswith("https://datasette.example/")}
    assert {"https://datasette.example/", "https://datasette.example/decertified"} <= datasette, sorted(datasette)
    assert any(url.startswith("https://datasette.example/certification/") for url in datasette)
    assert not [url for url in links if urlsplit(url).netloc == "example.github.io" and not urlsplit(url).path.startswith("/repo/")]
    warning, links = build({"PAGES_URL": docs_url, "DATASETTE_URL": "/datasette/"})
    assert "not an absolute http(s) address" in warning, warning
    warning, links = build({}, workflow=False)  # one's own build: build.py serve answers the Datasette at /
    assert not warning and "https://example.github.io/" in links and "https://example.github.io/decertified" in links


def job_runs_after(job, results, cancelled=False):
    """Whether the publish workflow runs job, given {needed job: its result}: its ``if`` (a GitHub expression of
    ``!cancelled()``, ``needs.JOB.result``, ``==``, ``&&``, ``||`` and brackets) read as Python."""
    import re
    spec = yaml.safe_load(PUBLISH.read_text())["jobs"][job]
    needs = spec["needs"] if isinstance(spec["needs"], list) else [spec["needs"]]
    assert set(needs) == set(results), needs
    condition = str(spec.get("if", "success()")).strip()
    condition = condition.removeprefix("${{").removesuffix("}}")
    python = re.sub(r"needs\.(\w+)\.result", r"results['\1']", condition)
    python = python.replace("!cancelled()", "(not cancelled)").replace("&&", " and ").replace("||", " or ")
    if python.strip() == "success()":  # the default: every job needed succeeded
        return not cancelled and all(r == "success" for r in results.values())
    assert set(re.findall(r"\b[a-z_]\w*\b(?!')", re.sub(r"'[^']*'", "", python))) <= {"results", "not", "and", "or", "cancelled"}, python
    return eval(python, {}, {"results": results, "cancelled": cancelled})  # noqa: S307 (the workflow's own expression)


def test_the_github_release_waits_for_the_deploys():
    """A new user's walk: the release job needed only the build, so a GitHub Release appeared although the Pages or
    the Cloud Run deploy failed. It runs once both succeeded, the Datasette's also when it was skipped (no
    CLOUD_RUN_SERVICE), and not after any failure or a cancel."""
    ok = {"build": "success", "pages": "success", "datasette": "success"}
    assert job_runs_after("release", ok)
    assert job_runs_after("release", dict(ok, datasette="skipped"))
    assert not job_runs_after("release", ok, cancelled=True)
    for failed in ({"pages": "failure"}, {"datasette": "failure"}, {"pages": "cancelled"},
                   {"build": "failure", "pages": "skipped", "datasette": "skipped"}):
        assert not job_runs_after("release", dict(ok, **failed)), failed
    assert job_runs_after("pages", {"build": "success"}) and not job_runs_after("pages", {"build": "failure"})


NOT_SERVED = {".ci", ".gitignore", "CONTRIBUTING.md", "README.md", "benchmarks", "package-lock.json", "package.json",
              "pyproject.toml", "pytest.ini", "requirements-dev.txt", "tests"}  # the tests' and the benchmarks' only


def test_the_publish_runs_for_every_change_to_what_is_served():
    """The fourteenth attack run: a package's own state modules (``states/``, which the build discovers) and the
    publish workflow itself (its CERTDATA_ settings shape the pages) changed served pages without a deploy. Every
    top-level entry of the repository, and the states folder a package may bring, is in the workflow's paths or
    named here as serving nothing."""
    from fnmatch import fnmatch

    from certdata import states
    paths = yaml.safe_load((ROOT / ".github" / "workflows" / "publish.yml").read_text())[True]["push"]["paths"]
    tracked = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True).stdout.split()
    entries = {f for f in tracked if not f.startswith(".github/")} | {f"{states.LOCAL}/xs.py", ".github/workflows/publish.yml",
                                                                        ".github/scripts/fetch_live.sh"}
    uncovered = sorted(e for e in entries if e.split("/")[0] not in NOT_SERVED and not any(fnmatch(e, p) for p in paths))
    assert not uncovered, uncovered


def test_a_release_with_one_state_real_and_another_a_sample_says_which_is_which(small_package, tmp_path):
    """A new user's walk: with Missouri's roster imported and Massachusetts still a sample, release-check said
    "resources agencies, ma_training are synthetic samples", passed only as a demo, and the GitHub Release was
    titled "SYNTHETIC SAMPLE demo" with notes calling every officer-level file a sample; then, the code sheets still
    published the sample's placeholder rows and described them, and the About page said no release was in hand."""
    import json
    import re
    from certdata import pipeline
    roster = tmp_path / "roster.csv"
    roster.write_text('Name,License Status,License Class,Commissioning Agency\n"Doe, Jane",Revoked,unknown,'
                      "Columbia Police Department\n", encoding="utf-8")
    assert run_cli(small_package, "import", "mo-roster", str(roster), "--received", "2023-01-18").returncode == 0
    refused = run_cli(small_package, "release-check")
    assert refused.returncode != 0 and "Traceback" not in refused.stderr
    assert "Massachusetts's records are a synthetic sample (ma_training; the rows of agencies whose state is MA)" in refused.stderr
    assert "Missouri's is the agency's release" in refused.stderr and "partial=true" in refused.stderr
    assert run_cli(small_package, "release-check", "--demo", "true").returncode != 0  # no demo: Missouri's are real
    placeholders = run_cli(small_package, "release-check", "--partial", "true")
    assert placeholders.returncode != 0
    assert "data/mo_license_statuses.csv, rows 2, 3, field license_status" in placeholders.stderr
    assert "data/mo_license_classes.csv, rows 2, 3, field license_class" in placeholders.stderr
    assert "resource mo_license_statuses, description" in placeholders.stderr
    for name in ("mo_license_statuses", "mo_license_classes"):  # what the maintainer does, told so
        path = small_package / "data" / f"{name}.csv"
        path.write_text("".join(line for line in path.read_text(encoding="utf-8").splitlines(keepends=True)
                                if not line.startswith("Sample ")), encoding="utf-8")
    descriptor = json.loads((small_package / "datapackage.json").read_text(encoding="utf-8"))
    for resource in descriptor["resources"]:
        resource["description"] = re.sub(r",? and the sample's placeholders", "", resource["description"])
    (small_package / "datapackage.json").write_text(json.dumps(descriptor), encoding="utf-8")
    notes = tmp_path / "output"
    passed = run_cli(small_package, "release-check", "--partial", "true", "--notes", str(notes))
    assert passed.returncode == 0, passed.stderr
    said = dict(line.split("=", 1) for line in notes.read_text(encoding="utf-8").splitlines())
    assert said["title"] == f"Data release {descriptor['version']}: Missouri real; Massachusetts a SYNTHETIC SAMPLE (not real officers)"
    assert "Massachusetts's records are a synthetic sample" in said["notes"] and "Missouri's is the agency's release" in said["notes"]
    assert "The officer-level files are a synthetic sample" not in said["notes"]
    pipeline.build(root=small_package, progress=pipeline.Progress(quiet=True))
    about = (small_package / "site" / "about" / "index.html").read_text(encoding="utf-8")
    assert "The officer-level records of Missouri published here are from the agency's release" in about
    assert "officer-records:" not in about


def test_a_public_release_without_a_contact_for_corrections_stops_and_a_demo_does_not():
    """A walk after the sixteenth: a deployed copy's corrections page offered only GitHub's issue form. The publish
    workflow's step, run as GitHub runs it (bash), stops without CORRECTIONS_CONTACT, and is skipped by a demo run."""
    jobs = yaml.safe_load((ROOT / ".github" / "workflows" / "publish.yml").read_text())["jobs"]
    step = next(s for s in jobs["build"]["steps"] if "contact for corrections" in s.get("name", ""))
    assert step["if"].replace(" ", "") == "${{!inputs.demo}}"
    for contact, code in (("", 1), ("corrections@example.com", 0)):
        result = subprocess.run(["bash", "-e", "-c", step["run"]], capture_output=True, text=True,
                                env={"PATH": "/usr/bin:/bin", "CERTDATA_CORRECTIONS_CONTACT": contact})
        assert result.returncode == code, result.stdout + result.stderr
        assert ("CORRECTIONS_CONTACT" in result.stdout) == (code == 1)
