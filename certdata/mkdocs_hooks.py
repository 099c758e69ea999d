"""MkDocs hooks (declared in mkdocs.yml).

Takes: each documentation page's HTML as MkDocs renders it. Gives: the same HTML with every code
block focusable (``<pre tabindex="0">``), so that a block that scrolls sideways on a phone can be
scrolled with the keyboard (axe-core's scrollable-region-focusable).
"""
import re

PRE = re.compile(r"<pre(?![^>]*\btabindex=)(?=[\s>])")


def on_page_content(html, **kwargs):
    return PRE.sub('<pre tabindex="0"', html)
