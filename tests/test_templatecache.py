"""Compiled templates are kept only inside the virtual environment, and never stand in for an edited
template or setting (certdata/templatecache.py)."""
import os
import sys

import jinja2
import pytest

from certdata import mkdocs_hooks, templatecache
from certdata.package import ROOT


@pytest.fixture
def venv(tmp_path, monkeypatch):
    """A virtual environment's prefix for the process (sys.prefix differs from sys.base_prefix)."""
    prefix = tmp_path / "venv"
    prefix.mkdir()
    monkeypatch.setattr(sys, "prefix", str(prefix))
    monkeypatch.setattr(sys, "base_prefix", str(tmp_path / "python"))
    return prefix


def environment(folder, **settings):
    return templatecache.attach(jinja2.Environment(loader=jinja2.FileSystemLoader(str(folder)), **settings))


def test_compiled_templates_are_kept_in_the_virtual_environment_and_used_again(venv, tmp_path):
    templates = tmp_path / "templates"
    templates.mkdir()
    (templates / "page.j2").write_text("{{ 1 + 1 }}")
    assert environment(templates).get_template("page.j2").render() == "2"
    kept = list((venv / "var" / "cache" / "certdata-templates").rglob("*.cache"))
    assert len(kept) == 1
    cache = environment(templates).bytecode_cache
    bucket = jinja2.bccache.Bucket(jinja2.Environment(), cache.get_cache_key("page.j2", str(templates / "page.j2")),
                                   cache.get_source_checksum("{{ 1 + 1 }}"))
    cache.load_bytecode(bucket)
    assert bucket.code is not None  # a new environment finds the compiled template


def test_an_edited_template_is_compiled_again(venv, tmp_path):
    templates = tmp_path / "templates"
    templates.mkdir()
    (templates / "page.j2").write_text("first")
    assert environment(templates).get_template("page.j2").render() == "first"
    (templates / "page.j2").write_text("second")
    assert environment(templates).get_template("page.j2").render() == "second"


def test_a_template_compiled_under_other_settings_is_not_used(venv, tmp_path):
    """trim_blocks and the like are decided when a template is compiled: each set of settings has its own
    folder, so a page rendered with other settings is compiled for them."""
    templates = tmp_path / "templates"
    templates.mkdir()
    (templates / "page.j2").write_text("{% if true %}\nyes\n{% endif %}\n")
    assert environment(templates).get_template("page.j2").render() == "\nyes\n"
    assert environment(templates, trim_blocks=True).get_template("page.j2").render() == "yes\n"
    assert environment(templates, trim_blocks=True).bytecode_cache.directory != environment(templates).bytecode_cache.directory


def test_outside_a_virtual_environment_nothing_is_kept(tmp_path, monkeypatch):
    monkeypatch.setattr(sys, "base_prefix", sys.prefix)
    assert templatecache.attach(jinja2.Environment()).bytecode_cache is None


@pytest.mark.parametrize("level", [1, len(templatecache.FOLDER) + 1])  # var/ under the prefix; the cache's own
@pytest.mark.parametrize("planted", ["open to others", "link", "file"])
def test_a_cache_folder_others_could_write_or_that_leads_elsewhere_is_not_used(venv, tmp_path, planted, level):
    """Every folder from the environment's down is checked: made by a build under umask 000, var/ had been
    open to all, and another user could swap the checked folder for one of their own."""
    folder = venv.joinpath(*(*templatecache.FOLDER, templatecache.settings_key(jinja2.Environment()))[:level])
    folder.parent.mkdir(parents=True, exist_ok=True)
    if planted == "open to others":
        folder.mkdir()
        folder.chmod(0o777)
    elif planted == "link":
        (tmp_path / "elsewhere").mkdir(mode=0o700)
        folder.symlink_to(tmp_path / "elsewhere")
    else:
        folder.write_text("")
    assert templatecache.attach(jinja2.Environment()).bytecode_cache is None


def test_a_cache_that_cannot_be_written_is_no_error(venv, tmp_path):
    templates = tmp_path / "templates"
    templates.mkdir()
    (templates / "page.j2").write_text("ok")
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(templates)))
    env.bytecode_cache = templatecache.Cache(str(tmp_path / "gone"))  # no such folder: writing fails
    assert env.get_template("page.j2").render() == "ok"


def test_the_theme_and_the_pages_use_the_cache_and_nothing_of_it_is_in_the_package(venv):
    from certdata import docs
    theme = mkdocs_hooks.on_env(jinja2.Environment())
    pages = docs.environment()
    for env in (theme, pages):
        directory = os.path.realpath(env.bytecode_cache.directory)
        assert directory.startswith(os.path.realpath(venv) + os.sep)
        assert not directory.startswith(os.path.realpath(ROOT / "build"))


def test_a_damaged_cached_template_is_compiled_again(venv, tmp_path):
    templates = tmp_path / "templates"
    templates.mkdir()
    (templates / "page.j2").write_text("{{ 6 * 7 }}")
    assert environment(templates).get_template("page.j2").render() == "42"
    [kept] = (venv / "var" / "cache" / "certdata-templates").rglob("*.cache")
    kept.write_bytes(kept.read_bytes()[:20])
    assert environment(templates).get_template("page.j2").render() == "42"
    assert len(kept.read_bytes()) > 20  # written anew


def test_a_changed_filter_has_templates_compiled_again(venv, tmp_path):
    """Jinja reads a filter as it compiles (how it takes its context; a constant through it is worked out
    then): a filter whose code changed had a build fail on templates compiled for the old one."""
    def with_filter(function):
        env = jinja2.Environment()
        env.filters["thousands"] = function
        return templatecache.attach(env).bytecode_cache.directory
    def thousands(n):
        return f"{n:,}"
    plain = with_filter(thousands)
    assert with_filter(thousands) == plain  # a new environment with the same filter: the same folder
    assert with_filter(lambda n: f"{n:_}") != plain
    assert with_filter(jinja2.pass_eval_context(lambda context, n: f"{n:,}")) != plain
