"""The text a piece of evidence holds, where it can be read without a document library: a CSV
file, and the text parts of office documents (zip archives of XML). PDFs and images are not
read: for them the uploader's "pseudonymisée" tick is the only control (README)."""

import html
import re
import zipfile

# Where an office document keeps text (names of its zip members, as patterns): the body, but
# also headers, footers, notes and comments, the sheets' own cells (inline strings, numbers: a
# typed NIR becomes one) and names, and the document's properties (author, title).
TEXT_MEMBERS = {
    ".docx": (r"word/[^/]+\.xml", r"docProps/(core|app|custom)\.xml"),
    ".xlsx": (
        r"xl/sharedStrings\.xml",
        r"xl/workbook\.xml",
        r"xl/worksheets/[^/]+\.xml",
        r"xl/comments[^/]*\.xml",
        r"docProps/(core|app|custom)\.xml",
    ),
    ".odt": (r"content\.xml", r"styles\.xml", r"meta\.xml"),
    ".ods": (r"content\.xml", r"styles\.xml", r"meta\.xml"),
}
# The parts read in all, whatever their number: past this, the file is refused as unread.
MAX_MEMBERS_READ = 200
# A member inflated beyond this is not read whole (a zip bomb); what was read is still scanned.
MAX_MEMBER_BYTES = 20 * 1024 * 1024
# Scanned in pieces of at most this many characters, cut at line ends.
PIECE_CHARACTERS = 100_000
_TAG = re.compile(r"<[^>]*>")
# The one attribute that holds a person's words: a name (a sheet's, in a workbook).
_ATTRIBUTE = re.compile(r'\bname="([^"]*)"')


def evidence_text(upload, extension: str) -> str:
    """Its readable text ("" for a type that is not read)."""
    upload.seek(0)
    try:
        if extension == ".csv":
            return _decoded(upload.read())
        if extension in TEXT_MEMBERS:
            return _office_text(upload, TEXT_MEMBERS[extension])
        return ""
    finally:
        upload.seek(0)


def text_pieces(text: str) -> list[str]:
    """The text cut at line ends into pieces the scrubber accepts (it refuses longer texts)."""
    pieces, current, size = [], [], 0
    for line in text.splitlines(keepends=True):
        while len(line) > PIECE_CHARACTERS:  # one huge line: cut where it must be
            pieces.append(line[:PIECE_CHARACTERS])
            line = line[PIECE_CHARACTERS:]
        if size + len(line) > PIECE_CHARACTERS:
            pieces.append("".join(current))
            current, size = [], 0
        current.append(line)
        size += len(line)
    if current:
        pieces.append("".join(current))
    return [piece for piece in pieces if piece.strip()]


def _decoded(raw: bytes) -> str:
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    return raw.decode("utf-8", errors="replace")


def _office_text(upload, patterns: tuple[str, ...]) -> str:
    wanted = re.compile("|".join(f"(?:{pattern})" for pattern in patterns))
    texts = []
    with zipfile.ZipFile(upload) as archive:
        members = [info for info in archive.infolist() if wanted.fullmatch(info.filename)]
        if len(members) > MAX_MEMBERS_READ:
            raise ValueError("too many parts to read")
        for info in members:
            with archive.open(info) as member:
                xml = member.read(MAX_MEMBER_BYTES).decode("utf-8", errors="replace")
            # Attribute values hold text too (a sheet's name): each becomes a line.
            attributes = " ".join(_ATTRIBUTE.findall(xml))
            # Paragraphs and cells end their text: a tag becomes a space, entities are read.
            texts.append(html.unescape(_TAG.sub(" ", xml) + "\n" + attributes))
    return "\n".join(texts)
