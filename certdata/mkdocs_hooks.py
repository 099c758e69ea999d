"""MkDocs hooks (declared in mkdocs.yml).

Takes: each documentation page's HTML as MkDocs renders it. Gives: the same HTML with every code
block focusable, so that a block that scrolls sideways on a phone can be scrolled with the keyboard
(axe-core's scrollable-region-focusable). The element that scrolls is the one made focusable: in
MkDocs Material that is the ``<code>`` inside ``<pre>`` (its stylesheet gives ``pre > code`` the
``overflow: auto``), so ``<pre><code tabindex="0">``; a ``<pre>`` without a ``<code>`` gets it itself.
Material's script also marks those ``<code>`` focusable, but only once it has run: a reader whose
script is blocked or still loading would meet a block they cannot scroll.

Also makes the navigation drawer's menu button reachable by keyboard (``keyboard_menu_button``). Also refuses a
page whose HTML would run a script the site did not write: an event handler attribute
(``onmouseover=``) or a ``javascript:``, ``vbscript:`` or ``data:`` link, which Markdown in a description could make (an
attack run after the sixteenth published ``{: onmouseover=...}`` through attr_list and a ``javascript:`` reference link).
The page is written without it and the build fails (a warning, which ``--strict`` makes an error); the message names
the page, never the markup. And gives the theme's Jinja environment its cache of compiled templates (``templatecache``).
"""
import html as htmllib
import logging
import re

CODE_IN_PRE = re.compile(r"(<pre\b[^>]*>\s*<code)(?![^>]*\btabindex=)(?=[\s>])")
BARE_PRE = re.compile(r"<pre(?![^>]*\btabindex=)(?=[\s>])(?![^>]*>\s*<code[\s>])")


def focusable_code_blocks(html):
    """The HTML with the scrolling element of every code block given ``tabindex="0"`` (once)."""
    html = CODE_IN_PRE.sub(r'\1 tabindex="0"', html)
    return BARE_PRE.sub('<pre tabindex="0"', html)


def on_page_content(html, **kwargs):
    return focusable_code_blocks(html)


HANDLER = re.compile(r"<[a-z][^<>]*?[\s\"'/]on[a-z]+\s*=", re.IGNORECASE)  # an attribute, inside a tag
LINK_ATTRIBUTE = re.compile(r"""\b(?:href|src|action|formaction|srcdoc|xlink:href|poster|background|data)\s*=\s*"""
                            r"""("[^"]*"|'[^']*'|[^\s>]+)""", re.IGNORECASE)
SCRIPT_SCHEME = re.compile(r"^[\s\x00-\x20'\"]*(?:javascript|vbscript|livescript|data)\s*:", re.IGNORECASE)


def unsafe_markup(html):
    """Whether a page's HTML holds an event handler attribute or a link whose address (its entities read:
    "&#106;avascript:") runs a script."""
    return bool(HANDLER.search(html)) or any(SCRIPT_SCHEME.match(htmllib.unescape(m.group(1)).replace("\t", "").replace("\n", ""))
                                             for m in LINK_ATTRIBUTE.finditer(html))


MENU_BUTTON = re.compile(r'<label class="md-header__button md-icon" for="__drawer">')


def keyboard_menu_button(html):
    """The HTML with the drawer's menu button (a <label>, which no keyboard reached) focusable and announced as a
    button: Material's script opens and closes the drawer when Enter is pressed on a focusable label. (A walk after the
    sixteenth: at phone width the closed drawer's links were invisible Tab stops; the stylesheet hides them now, and
    they are reached through this button.)"""
    return MENU_BUTTON.sub('<label class="md-header__button md-icon" for="__drawer" tabindex="0" role="button" '
                           'aria-label="Navigation">', html, count=1)


def on_post_page(output, page, **kwargs):
    output = keyboard_menu_button(output)
    if unsafe_markup(output):
        logging.getLogger("mkdocs.hooks.certdata").warning(
            "%s: the page would carry markup that runs a script (an event handler attribute, or a link to a javascript, "
            "vbscript or data address), which no page of ours writes: Markdown in a description or a hand-written page? "
            "It is not shown", page.file.src_uri)
        return "<!doctype html><title>Withheld</title><p>This page was withheld: it carried markup that runs a script.</p>"
    return output


def on_env(env, **kwargs):
    from certdata import templatecache  # MkDocs loads this file by its path, within the build's process
    return templatecache.attach(env)
