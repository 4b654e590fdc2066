"""The export formats by name, with their file types: light to import (no charting library),
so button data and the command line can name formats without loading matplotlib."""

from __future__ import annotations

MIME = {
    "csv": "text/csv",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "png": "image/png",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "md": "text/markdown",
}
FORMATS = tuple(MIME)
# Formats that can hold row-level responses (the others are summaries by nature).
WITH_RESPONSES = ("csv", "xlsx")
