"""Static SVG bar charts drawn at build time (no JavaScript, no CDN).

Takes: labelled values. Gives: SVG files, each with a <title> and <desc>, and
the alt text and table rows the documentation prints beside it. A chart drawn from
a synthetic sample says so in its title, its description and its alt text.
"""
from xml.sax.saxutils import escape

BAR_HEIGHT, GAP, LABEL_WIDTH, BAR_WIDTH, VALUE_WIDTH = 22, 8, 330, 300, 80


def bar_chart_svg(title, rows):
    """A horizontal bar chart of (label, value) rows as SVG text."""
    top = max((v for _, v in rows), default=0) or 1
    height = len(rows) * (BAR_HEIGHT + GAP) + 40
    width = LABEL_WIDTH + BAR_WIDTH + VALUE_WIDTH
    desc = f"{title}. " + "; ".join(f"{label}: {value:,}" for label, value in rows)
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" viewBox="0 0 {width} {height}" role="img" aria-labelledby="t d">',
             f'<title id="t">{escape(title)}</title><desc id="d">{escape(desc)}</desc>',
             f'<text x="0" y="18" font-family="sans-serif" font-size="15" font-weight="bold">{escape(title)}</text>']
    for i, (label, value) in enumerate(rows):
        y = 32 + i * (BAR_HEIGHT + GAP)
        length = max(1, round(BAR_WIDTH * value / top))
        parts += [f'<text x="{LABEL_WIDTH - 8}" y="{y + 16}" text-anchor="end" font-family="sans-serif" font-size="12">{escape(label[:52])}</text>',
                  f'<rect x="{LABEL_WIDTH}" y="{y}" width="{length}" height="{BAR_HEIGHT}" fill="#3f51b5"/>',
                  f'<text x="{LABEL_WIDTH + length + 6}" y="{y + 16}" font-family="sans-serif" font-size="12">{value:,}</text>']
    parts.append("</svg>")
    return "\n".join(parts) + "\n"


def measure_rows(measures, unit):
    """(label, value) rows for the stated measures of one unit."""
    return [(m["measure"], int(m["value"])) for m in measures if m["unit"] == unit and m["value"]]


SAMPLE_LABEL = "SYNTHETIC SAMPLE, not real data: "


def write_charts(specs, directory):
    """Write every chart of the (name, title, rows, sample) specs the states give (their module's
    ``chart_specs``); returns {name: {file, title, alt, rows}} for the templates."""
    charts = {}
    for name, title, rows, sample in specs:
        title = SAMPLE_LABEL + title if sample else title
        (directory / f"{name}.svg").write_text(bar_chart_svg(title, rows), encoding="utf-8")
        alt = f"Bar chart. {title}: " + "; ".join(f"{label}: {value:,}" for label, value in rows)
        charts[name] = {"file": f"figures/{name}.svg", "title": title, "alt": alt, "rows": rows}
    return charts
