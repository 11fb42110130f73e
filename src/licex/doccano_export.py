"""What a doccano export holds, read without trusting it: the zip within licex's limits, and the
spans of each line in the shapes doccano writes (doccano.convert_export turns them into licex's
annotations).

- The zip: at most `EXPORT_MEMBERS` files (its file list is sized from the end record before
  zipfile reads it), one JSONL file of at most `limits.EXPORT_BYTES` unzipped (its declared size
  checked, then read with that cap, since a declared size may lie), deflated or stored. A zip
  bomb is refused in one line before it fills memory.
- The spans: `label: [[start, end, "X"], ...]` (doccano 1.8's sequence labelling export) or
  `entities: [{"id", "label": "X", "start_offset", "end_offset"}, ...]` (its newer format, beside
  `relations`), read by corpus.spans (`export_spans`), the reader licex's corpus files use too. A
  span of any other shape, and anything licex's scheme has no place for (relations, categories),
  is a problem naming the example: nothing is dropped unseen.
"""

from __future__ import annotations

import io
import struct
import zipfile
import zlib
from licex.files import limits
from licex.corpus.spans import SPAN_KEYS, UNREAD_KEYS, export_spans  # noqa: F401 (doccano.py reads them from here)
from licex.doccano_http import DoccanoError, said

EXPORT_MEMBERS = 1000  # files in an export zip: doccano writes one, or one per user
_LISTING_BYTES = 1024  # per file of the zip's file list (its name, extra field and comment)


def export_member(zip_bytes: bytes, project: str) -> bytes:
    """The one JSONL file of an export zip, within the limits; DoccanoError otherwise."""
    where = f"the export of project {project!r}"
    too_many = DoccanoError(f"{where} lists more files than licex reads (at most {EXPORT_MEMBERS:,}; "
                            "doccano writes one or a few)")
    # zipfile reads the whole file list before anything else: its size is in the end record.
    end = zip_bytes.rfind(b"PK\x05\x06", max(0, len(zip_bytes) - 22 - 65535))
    if end < 0 or len(zip_bytes) < end + 22:
        raise DoccanoError(f"{where} is not a valid zip file (no end record)")
    members, listing = struct.unpack("<HI", zip_bytes[end + 10:end + 16])
    zip64 = zip_bytes[max(0, end - 20):end - 16] == b"PK\x06\x07"  # its sizes would override these
    if zip64 or members > EXPORT_MEMBERS or listing > EXPORT_MEMBERS * _LISTING_BYTES:
        raise too_many
    cap = limits.EXPORT_BYTES
    try:
        archive = zipfile.ZipFile(io.BytesIO(zip_bytes))
        if len(archive.infolist()) > EXPORT_MEMBERS:
            raise too_many
        found = [info for info in archive.infolist() if info.filename.endswith(".jsonl")]
        if len(found) != 1:
            shown = ", ".join(said(info.filename, 60) for info in found[:5]) + (", ..." if len(found) > 5 else "")
            raise DoccanoError(f"{where} holds {len(found)} JSONL files ({shown}); "
                               "expected one (a project that shares annotations among users)")
        member = found[0]
        name = said(member.filename, 60)
        too_big = DoccanoError(f"{where}: {name} unzips to more than {limits.size(cap)}: not read "
                               "(the limit export_bytes)")
        if member.file_size > cap:
            raise too_big
        if member.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            # zipfile inflates bzip2 and LZMA with no bound on what one read returns.
            raise DoccanoError(f"{where}: {name} is compressed with method {member.compress_type}; "
                               "licex reads deflate, as doccano writes it")
        with archive.open(member) as handle:
            data = handle.read(cap + 1)
        if len(data) > cap:
            raise too_big
        return data
    except (zipfile.BadZipFile, zlib.error, EOFError, ValueError, NotImplementedError, RuntimeError, OSError,
            struct.error) as error:
        raise DoccanoError(f"{where} is not a valid zip file ({said(str(error), 100)})") from None
