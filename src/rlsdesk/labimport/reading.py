"""Reading a file named by the clinician: size limit, binary refusal, text decoding, and which
reader (FHIR JSON, HL7 v2, CSV/TSV) it is for."""

from __future__ import annotations

from pathlib import Path

from rlsdesk.fileio import read_regular_file
from rlsdesk.labimport.delimited import read_delimited
from rlsdesk.labimport.fhir import read_fhir
from rlsdesk.labimport.hl7v2 import has_hl7_segments, looks_like_hl7, read_hl7
from rlsdesk.labimport.model import LabFileError, ParsedFile

MAX_LAB_FILE_BYTES = 10_000_000  # ten times a large multi-patient export; refuses a disk image
BINARY_SNIFF_BYTES = 8192


def read_lab_file(path: Path) -> ParsedFile:
    """The file parsed by the reader for its kind, or LabFileError naming what is wrong."""
    name = str(path)
    try:
        data = read_regular_file(path, MAX_LAB_FILE_BYTES + 1)
    except OSError as error:
        raise LabFileError(name, "", error.strerror or str(error)) from None
    return parse_lab_bytes(name, data)


def parse_lab_bytes(name: str, data: bytes) -> ParsedFile:
    if len(data) > MAX_LAB_FILE_BYTES:
        limit = MAX_LAB_FILE_BYTES // 1_000_000
        raise LabFileError(name, "", f"larger than {limit} MB: not a lab file")
    if b"\x00" in data[:BINARY_SNIFF_BYTES]:
        raise LabFileError(name, "", "a binary file, not a lab file")
    try:
        text = data.decode("utf-8-sig")  # exports often start with a byte-order mark
    except UnicodeDecodeError as error:
        message = f"not UTF-8 text (bad byte at position {error.start})"
        raise LabFileError(name, "", message) from None
    stripped = text.lstrip()
    if not stripped:
        raise LabFileError(name, "", "the file is empty")
    if stripped.startswith(("{", "[")):
        return read_fhir(name, text)
    if looks_like_hl7(stripped):
        return read_hl7(name, text)
    if has_hl7_segments(stripped):
        raise LabFileError(name, "segment 1", "HL7 segments without an MSH header")
    return read_delimited(name, text)
