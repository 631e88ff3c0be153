"""Writing a table as aligned text, Markdown or CSV.

A table is a list of column headers and rows of cells (already strings for text
and Markdown; numbers stay numbers for CSV, written with repr so they read back
exactly). `numeric` marks the columns to right-align.
"""
import csv
import io

FORMATS = ("text", "csv", "markdown")


def render(headers, rows, fmt="text", numeric=()):
    """The table in one of FORMATS, as one string ending with a newline."""
    if fmt == "csv":
        return render_csv(headers, rows)
    if fmt == "markdown":
        return render_markdown(headers, rows, numeric)
    if fmt == "text":
        return render_text(headers, rows, numeric)
    raise ValueError(f"unknown table format {fmt!r} (one of: {', '.join(FORMATS)})")


def render_text(headers, rows, numeric=()):
    cells = [list(map(str, headers))] + [list(map(str, r)) for r in rows]
    widths = [max(len(row[i]) for row in cells) for i in range(len(headers))]

    def line(row):
        return "  ".join(c.rjust(w) if i in numeric else c.ljust(w)
                         for i, (c, w) in enumerate(zip(row, widths))).rstrip()

    rule = "  ".join("-" * w for w in widths)
    return "\n".join([line(cells[0]), rule] + [line(r) for r in cells[1:]]) + "\n"


def render_markdown(headers, rows, numeric=()):
    def esc(cell):
        return str(cell).replace("|", "\\|")

    out = ["| " + " | ".join(map(esc, headers)) + " |",
           "|" + "|".join("---:" if i in numeric else "---" for i in range(len(headers))) + "|"]
    out += ["| " + " | ".join(map(esc, r)) + " |" for r in rows]
    return "\n".join(out) + "\n"


def render_csv(headers, rows):
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(headers)
    for row in rows:
        writer.writerow([repr(c) if isinstance(c, float) else c for c in row])
    return buf.getvalue()
