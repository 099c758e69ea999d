"""MkDocs hooks (declared in mkdocs.yml).

Takes: each documentation page's HTML as MkDocs renders it. Gives: the same HTML with every code
block focusable, so that a block that scrolls sideways on a phone can be scrolled with the keyboard
(axe-core's scrollable-region-focusable). The element that scrolls is the one made focusable: in
MkDocs Material that is the ``<code>`` inside ``<pre>`` (its stylesheet gives ``pre > code`` the
``overflow: auto``), so ``<pre><code tabindex="0">``; a ``<pre>`` without a ``<code>`` gets it itself.
Material's script also marks those ``<code>`` focusable, but only once it has run: a reader whose
script is blocked or still loading would meet a block they cannot scroll.

Also gives the theme's Jinja environment its cache of compiled templates (``templatecache``).
"""
import re

CODE_IN_PRE = re.compile(r"(<pre\b[^>]*>\s*<code)(?![^>]*\btabindex=)(?=[\s>])")
BARE_PRE = re.compile(r"<pre(?![^>]*\btabindex=)(?=[\s>])(?![^>]*>\s*<code[\s>])")


def focusable_code_blocks(html):
    """The HTML with the scrolling element of every code block given ``tabindex="0"`` (once)."""
    html = CODE_IN_PRE.sub(r'\1 tabindex="0"', html)
    return BARE_PRE.sub('<pre tabindex="0"', html)


def on_page_content(html, **kwargs):
    return focusable_code_blocks(html)


def on_env(env, **kwargs):
    from certdata import templatecache  # MkDocs loads this file by its path, within the build's process
    return templatecache.attach(env)
