"""Reading a CSV export as HR systems and spreadsheets write it: encoding, delimiter, headers.

:func:`read_export` turns the bytes of a file into data rows keyed by *role* (``id``,
``manager_id``, ``division``, ``team`` for employees; ``a``, ``b``, ``weight`` for collaboration
ties), whatever the spreadsheet or HR system that wrote it:

* **Encoding**: UTF-8, with or without a byte-order mark; UTF-16 or UTF-32 with a byte-order
  mark (Excel's "Unicode text"); any other file that is not valid UTF-8 is read as
  Windows-1252 (the five bytes that code page leaves undefined as Latin-1), with a notice to
  save it as "CSV UTF-8". Excel workbooks (``.xlsx``, ``.xls``), OpenDocument spreadsheets and
  other binary files (NUL bytes without a byte-order mark) are refused by name.
* **Delimiter**: comma, semicolon, tab or pipe, whichever splits the header row into the most
  known columns (ties: the most columns); a first line ``sep=;``, as Excel writes, names it.
* **Header names** are compared after :func:`header_key` (case, spaces, underscores, hyphens
  and dots do not matter), and the names of :data:`HEADER_ALIASES` mean the same role:
  ``Employee ID`` is ``id``, ``Reports To`` is ``manager_id``, ``Department`` is
  ``division``. Two columns that mean one role are refused, unless one of them has the role's
  own name (``Manager ID`` beside a ``Manager`` column of names), which is then the one read;
  other columns are ignored.

Line numbers in messages are those a text editor shows: every line end counts (``CR LF``, ``LF``
or ``CR``), also one inside a quoted cell.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from sim.errors import ScenarioError, shown

__all__ = ["DELIMITERS", "HEADER_ALIASES", "WINDOWS_1252_NOTICE", "ChartError", "CsvExport",
           "ExportFormat", "header_key", "read_export"]

DELIMITERS: dict[str, str] = {",": "comma", ";": "semicolon", "\t": "tab", "|": "pipe"}
"""The delimiters a file may use, and their names in messages and summaries."""

HEADER_ALIASES: dict[str, tuple[str, ...]] = {
    "id": ("id", "employee id", "employee number", "employee no", "personnel number",
           "personnel id", "staff id", "staff number", "person id", "worker id", "emp id",
           "emp no", "user id"),
    "manager_id": ("manager_id", "manager", "manager employee id", "manager number",
                   "supervisor", "supervisor id", "reports to", "reports to id",
                   "line manager", "line manager id", "boss", "boss id"),
    "division": ("division", "department", "division name", "department name", "dept",
                 "business unit", "unit", "org unit", "organisation unit",
                 "organization unit", "organisational unit", "organizational unit",
                 "function", "practice"),
    "team": ("team", "team id", "team name", "group", "group name", "cost centre",
             "cost center", "cost centre id", "cost center id"),
    "a": ("a", "source", "a id", "source id", "from", "from id", "sender", "sender id",
          "person a", "employee a", "id a", "person 1", "employee 1", "id 1"),
    "b": ("b", "target", "b id", "target id", "to", "to id", "recipient", "recipient id",
          "receiver", "person b", "employee b", "id b", "person 2", "employee 2", "id 2"),
    "weight": ("weight", "count", "e-mails", "email count", "meetings",
               "messages", "interactions", "frequency", "strength", "trust", "n"),
    "week": ("week", "week number", "week no", "wk"),
    "aware_share": ("aware_share", "aware", "awareness", "aware %"),
    "participating_share": ("participating_share", "participating", "participation",
                            "active share"),
    "voluntary_share": ("voluntary_share", "voluntary"),
    "contributing_share": ("contributing_share", "contributing", "contributors share"),
    "mean_knowledge": ("mean_knowledge", "knowledge", "knowledge score"),
    "error_rate": ("error_rate", "errors", "error share"),
    "active_members": ("active_members", "members", "active users", "weekly active members"),
    "sample_size": ("sample_size", "respondents", "responses", "n respondents"),
}
"""Header names each role is known by, first its own. Names are compared by
:func:`header_key`, so ``Employee ID``, ``employee_id`` and ``EMPLOYEE-ID`` are one name."""

_BINARY = (
    (b"PK\x03\x04", "an Excel workbook"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "an Excel 97-2003 workbook (.xls)"),
)
_BOMS = (  # longest first: the UTF-32 little-endian mark starts with the UTF-16 one
    (codecs.BOM_UTF32_LE, "utf-32", "UTF-32"),
    (codecs.BOM_UTF32_BE, "utf-32", "UTF-32"),
    (codecs.BOM_UTF16_LE, "utf-16", "UTF-16"),
    (codecs.BOM_UTF16_BE, "utf-16", "UTF-16"),
)
_UNDEFINED_CP1252 = {0xDC00 + b: b for b in (0x81, 0x8D, 0x8F, 0x90, 0x9D)}
_SEP_LINE = re.compile(r"\s*sep=(.)\s*", re.IGNORECASE)
WINDOWS_1252_NOTICE = ("read as Windows-1252 (not UTF-8); save it as 'CSV UTF-8' to be sure of "
                       "accented names")
"""The notice for a file that is not valid UTF-8."""


class ChartError(ScenarioError):
    """An organisation file that cannot be used.

    The message is one line naming the file, the line, the column, the value and what is
    allowed.
    """


def header_key(name: str) -> str:
    """A header name as compared: case-folded, without spaces, ``_``, ``-``, ``.`` or BOM."""
    return re.sub(r"[\s_\-.\ufeff]+", "", name.casefold())


_ROLE_OF = {header_key(alias): role for role, names in HEADER_ALIASES.items()
            for alias in names}


@dataclass(frozen=True)
class ExportFormat:
    """How a file was written.

    Attributes:
        encoding: ``"UTF-8"``, ``"UTF-8 with BOM"``, ``"UTF-16"``, ``"UTF-32"`` or
            ``"Windows-1252"``.
        delimiter: The delimiter character, a key of :data:`DELIMITERS`.
        notices: Things worth knowing that did not stop the file being read (no data).
    """

    encoding: str
    delimiter: str
    notices: tuple[str, ...] = ()

    @property
    def delimiter_name(self) -> str:
        """The delimiter's name: ``"comma"``, ``"semicolon"``, ``"tab"`` or ``"pipe"``."""
        return DELIMITERS[self.delimiter]


@dataclass(frozen=True)
class CsvExport:
    """The data rows of a file, by role.

    Attributes:
        path: The file, as named in messages.
        rows: ``(line number, {role: stripped text})`` per data row; blank rows are left out.
        present: The optional roles the header has (required ones are always there).
        format: How the file was written.
    """

    path: str
    rows: Sequence[tuple[int, dict[str, str]]]
    present: frozenset[str]
    format: ExportFormat


def read_export(path: str | Path, required: tuple[str, ...], optional: tuple[str, ...] = (),
                *, row_is: str, allow_no_rows: bool = False) -> CsvExport:
    """Read a CSV export: decode it, find its delimiter and its columns, return its rows.

    Args:
        path: The file.
        required: Roles the header must have (keys of :data:`HEADER_ALIASES`).
        optional: Roles it may have.
        row_is: What one row is, for messages (``"employee"``).
        allow_no_rows: Whether a header without data rows is allowed (with a notice).

    Raises:
        ChartError: If the file cannot be read, is empty, is a workbook or
            binary, lacks a required column, has two columns for one role, has no data rows
            (unless allowed) or is not valid CSV.
    """
    path = str(path)
    shape = (f"allowed: a CSV file with a header row ({_columns(required, optional)}) and one "
             f"row per {row_is}")
    text, encoding, notices = _decode(path, shape)
    delimiter, skip = _delimiter(text, (*required, *optional))
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header = _first_record(reader, skip)
        where = _roles(path, header or [], (*required, *optional))
        missing = [role for role in required if role not in where]
        if missing:
            found = (f"; found {len(header or [])} {DELIMITERS[delimiter]}-separated "
                     f"column(s): {shown(header or [])}")
            flat = (" (for an organisation without managers, such as a partnership, add an "
                    "empty manager_id column)" if missing[0] == "manager_id" else "")
            raise ChartError(f"{path}: column {missing[0]!r} is missing; allowed: a header row "
                             f"with {_columns(required, optional)} {_examples(required)}{flat}"
                             f"{found}")
        width = len(header or [])
        rows = []
        for record in reader:
            if not any(cell.strip() for cell in record):
                continue  # blank line
            cells = record + [""] * (width - len(record))
            rows.append((reader.line_num, {r: cells[i].strip() for r, i in where.items()}))
    except csv.Error as failure:
        raise ChartError(f"{path}: line {reader.line_num}: {failure}; allowed: "
                    f"{DELIMITERS[delimiter]}-separated values") from None
    if not rows:
        if not allow_no_rows:
            raise ChartError(f"{path}: has a header row but no data rows; {shape}")
        notices = (*notices, f"has a header row but no data rows: no {row_is}s")
    present = frozenset(role for role in optional if role in where)
    return CsvExport(path, rows, present, ExportFormat(encoding, delimiter, notices))


# --- encoding -----------------------------------------------------------------------------------


def _decode(path: str, shape: str) -> tuple[str, str, tuple[str, ...]]:
    """The file's text, the name of its encoding and the notices about it."""
    try:
        data = Path(path).read_bytes()
    except OSError as failure:
        raise ChartError(f"{path}: cannot be read ({failure.strerror}); allowed: a readable CSV "
                    "file") from None
    for signature, kind in _BINARY:
        if data.startswith(signature):
            if b"opendocument.spreadsheet" in data[:100]:
                kind = "an OpenDocument spreadsheet"
            raise ChartError(f"{path}: is {kind}, not a CSV file; save it as 'CSV UTF-8' ({shape})")
    text, encoding, notices = None, "UTF-8", ()
    for bom, codec, name in _BOMS:
        if data.startswith(bom):
            try:
                text, encoding = data.decode(codec), name
            except UnicodeDecodeError as failure:
                raise ChartError(f"{path}: is not valid {name} text (at offset {failure.start}); "
                            f"save it as 'CSV UTF-8' ({shape})") from None
            break
    if text is None:
        if b"\x00" in data:
            raise ChartError(f"{path}: is a binary file, not CSV text; {shape}")
        body = data.removeprefix(codecs.BOM_UTF8)
        encoding = "UTF-8 with BOM" if len(body) < len(data) else "UTF-8"
        try:
            text = body.decode("utf-8")
        except UnicodeDecodeError:
            text = body.decode("cp1252", "surrogateescape").translate(_UNDEFINED_CP1252)
            encoding, notices = "Windows-1252", (WINDOWS_1252_NOTICE,)
    text = text.removeprefix("\ufeff")
    if "\x00" in text:
        raise ChartError(f"{path}: is a binary file, not CSV text; {shape}")
    if not text.strip():
        raise ChartError(f"{path}: the file is empty; {shape}")
    return text, encoding, notices


# --- header -------------------------------------------------------------------------------------


def _delimiter(text: str, roles: tuple[str, ...]) -> tuple[str, bool]:
    """The delimiter, and whether a first line ``sep=X`` names it (and is to be skipped).

    Otherwise the delimiter that splits the header into the most known columns wins; ties go to
    the one that gives the most columns, then to the order of :data:`DELIMITERS`.
    """
    first = text.lstrip("\r\n").split("\n", 1)[0].rstrip("\r")
    named = _SEP_LINE.fullmatch(first)
    if named and named.group(1) in DELIMITERS:
        return named.group(1), True
    best, score = ",", (-1, -1)
    for delimiter in DELIMITERS:
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
        try:
            header = _first_record(reader, False) or []
        except csv.Error:
            continue
        known = {_ROLE_OF.get(header_key(cell)) for cell in header} & set(roles)
        if (len(known), len(header)) > score:
            best, score = delimiter, (len(known), len(header))
    return best, False


def _first_record(reader: Iterator[list[str]], skip: bool) -> list[str] | None:
    """The first record that is not blank (the second if ``skip``: after a ``sep=`` line)."""
    for record in reader:
        if any(cell.strip() for cell in record):
            if not skip:
                return record
            skip = False
    return None


def _roles(path: str, header: list[str], roles: tuple[str, ...]) -> dict[str, int]:
    """``{role: column index}`` of the header's known columns."""
    where: dict[str, int] = {}
    for i, cell in enumerate(header):
        role = _ROLE_OF.get(header_key(cell))
        if role not in roles:
            continue
        if role in where:
            exact = [header_key(header[where[role]]) == header_key(role),
                     header_key(cell) == header_key(role)]
            if exact == [True, False]:  # "Manager ID" beside "Manager" (a name): the id wins
                continue
            if exact == [False, True]:
                where[role] = i
                continue
            raise ChartError(f"{path}: columns {header[where[role]].strip()!r} and "
                        f"{cell.strip()!r} both mean {role}; allowed: one column for {role} "
                        "(rename or delete the other)")
        where[role] = i
    return where


def _columns(required: tuple[str, ...], optional: tuple[str, ...]) -> str:
    """``"id, manager_id, division and optionally team"``."""
    text = ", ".join(required)
    return text + (f" and optionally {', '.join(optional)}" if optional else "")


def _examples(roles: tuple[str, ...]) -> str:
    """Other names the roles go by, for a message: ``"(or e.g. 'employee id', ...)"``."""
    names = [repr(HEADER_ALIASES[role][1]) for role in roles if len(HEADER_ALIASES[role]) > 1]
    return f"(or other names, e.g. {', '.join(names)})" if names else ""
