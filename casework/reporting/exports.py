"""Writing a release: one CSV per table, and an ODS spreadsheet laid out as the published tables are (a cover
sheet, a notes sheet, then one table a sheet). Only published (disclosure-controlled) values are written."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

from odf.opendocument import OpenDocumentSpreadsheet
from odf.style import Style, TableColumnProperties, TextProperties
from odf.table import Table as OdsTable
from odf.table import TableCell, TableColumn, TableRow
from odf.text import P

from casework.reporting import reference as ref
from casework.reporting.selectors import Release, Table

TITLE = "Individuals referred to and supported through the Prevent programme"
HEADER = ["Row", "Level", "Number", "Percentage of total"]


def table_filename(table: Table) -> str:
    return f"table_{table.number:02d}_{table.code}.csv"


def table_rows(table: Table) -> list[list[str]]:
    return [[row.label, str(row.level), row.published, row.percent] for row in table.rows]


def notes(release: Release) -> list[tuple[str, str]]:
    bands = ", ".join(b.label for b in release.age_bands.bands)
    return [
        (
            "Period",
            f"Referrals with a date of referral from {release.year.first_day:%d %B %Y} to "
            f"{release.year.last_day:%d %B %Y} (financial year {release.year.label}).",
        ),
        ("Unit", "Counts are of referrals, not people: a person referred twice in the year is counted twice."),
        (
            "Type of concern",
            "From the latest gateway (PAF) assessment of the referral's case. Referrals not yet "
            "assessed, or closed at screening, are shown as not yet assessed.",
        ),
        (
            "Age",
            f"Age on the date of referral, from the date of birth held for the person (else as referred). "
            f"Bands ({release.age_bands.name}): {bands}. 'Age not known' where no date of birth is held.",
        ),
        ("Gender", "As recorded for the person: male, female, other or not specified."),
        ("Region", "The Counter Terrorism policing region that received the referral."),
        ("Discussed at panel", "The referral's case progressed to a Channel panel (reached 'awaiting panel')."),
        ("Adopted", "The panel adopted the case as a Channel case (a panel decision to adopt)."),
        (
            "Journey",
            "Each referral is counted once, at the furthest stage its case had reached when the tables "
            "were produced; later years' figures for earlier stages may still change.",
        ),
        (
            "Disclosure control",
            f"Counts from 1 to {ref.SUPPRESS_MAX} are shown as '{ref.SUPPRESSED}'. Where a "
            "breakdown would have a single suppressed cell, the next smallest cell is also "
            "suppressed so it cannot be derived from its total; where a suppressed row has a "
            "breakdown, at least one cell of it is suppressed so the row cannot be derived by "
            "adding it up. Table totals and zeros are not suppressed; percentages are of the "
            "table total and are suppressed with their count.",
        ),
        ("Source", f"Casework case-management data, extracted on {release.generated_on:%d %B %Y}."),
    ]


def write_csv(release: Release, directory: Path) -> list[Path]:
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for table in release.tables:
        path = directory / table_filename(table)
        with path.open("w", newline="", encoding="utf-8") as fh:
            writer = csv.writer(fh)
            writer.writerow([table.dimension, *HEADER[1:]])
            writer.writerows(table_rows(table))
        written.append(path)
    path = directory / "notes.csv"
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(["Note", "Text"])
        writer.writerows(notes(release))
    written.append(path)
    return written


def _cell(value: Any, style: Style | None = None) -> TableCell:
    cell = TableCell(valuetype="float", value=value) if isinstance(value, int) else TableCell(valuetype="string")
    if style is not None:
        cell.setAttribute("stylename", style)
    cell.addElement(P(text=str(value)))
    return cell


def _row(values: list[Any], style: Style | None = None) -> TableRow:
    row = TableRow()
    for value in values:
        row.addElement(_cell(value, style))
    return row


def write_ods(release: Release, path: Path) -> Path:
    doc = OpenDocumentSpreadsheet()
    bold = Style(name="Heading", family="table-cell")
    bold.addElement(TextProperties(fontweight="bold"))
    wide = Style(name="Wide", family="table-column")
    wide.addElement(TableColumnProperties(columnwidth="9cm"))
    narrow = Style(name="Narrow", family="table-column")
    narrow.addElement(TableColumnProperties(columnwidth="3.5cm"))
    for style in (bold, wide, narrow):
        doc.automaticstyles.addElement(style)

    cover = OdsTable(name="Cover")
    cover.addElement(TableColumn(stylename=wide))
    cover.addElement(_row([f"{TITLE}: {release.year.long_label}"], bold))
    cover.addElement(_row([f"Financial year {release.year.label} (1 April to 31 March), by date of referral."]))
    cover.addElement(_row([f"Produced from Casework on {release.generated_on:%d %B %Y}."]))
    cover.addElement(_row(["This workbook has a notes sheet and one sheet for each table:"]))
    for table in release.tables:
        cover.addElement(_row([f"Table {table.number}: {table.title}"]))
    doc.spreadsheet.addElement(cover)

    notes_sheet = OdsTable(name="Notes")
    notes_sheet.addElement(TableColumn(stylename=narrow))
    notes_sheet.addElement(TableColumn(stylename=wide))
    notes_sheet.addElement(_row(["Note", "Text"], bold))
    for name, text in notes(release):
        notes_sheet.addElement(_row([name, text]))
    doc.spreadsheet.addElement(notes_sheet)

    for table in release.tables:
        sheet = OdsTable(name=f"Table {table.number}")
        sheet.addElement(TableColumn(stylename=wide))
        for _ in HEADER[1:]:
            sheet.addElement(TableColumn(stylename=narrow))
        sheet.addElement(_row([f"Table {table.number}: {table.title}, {release.year.long_label}"], bold))
        if table.note:
            sheet.addElement(_row([table.note]))
        sheet.addElement(_row(["Suppressed values ('[c]') are explained on the Notes sheet."]))
        sheet.addElement(_row([table.dimension, *HEADER[1:]], bold))
        for row in table.rows:
            number: Any = row.count if row.published != ref.SUPPRESSED else ref.SUPPRESSED
            sheet.addElement(_row([row.label, row.level, number, row.percent], bold if row.level == 0 else None))
        doc.spreadsheet.addElement(sheet)
    path.parent.mkdir(parents=True, exist_ok=True)
    doc.save(str(path))
    return path


def write_release(release: Release, directory: Path) -> list[Path]:
    written = write_csv(release, directory)
    written.append(write_ods(release, directory / f"prevent-statistics-{release.year.label}.ods"))
    return written
