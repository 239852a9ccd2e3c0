"""One normal form for every text the committee reads, so that the scrubber cannot be dodged.

A soft hyphen or a zero-width space inside "Dupont", a Cyrillic "а" in place of a Latin "a",
full-width letters ("Ｄｕｐｏｎｔ"): a browser shows the name, a regular expression does not see
it. `normalise_text` removes that gap. Detection runs on its output, and the same output is
what gets stored, so what the committee reads is exactly what was checked.

Pure Python, no Django: the model fields, the forms and the scrubber all call this function.
"""

from __future__ import annotations

import re
import unicodedata

__all__ = ["normalise_identity_text", "normalise_text"]

# Line separators of every origin (Windows, old Mac, Unicode, form feed...) become "\n".
_LINE_BREAKS = re.compile(r"\r\n|[\r\x0b\x0c\x1c-\x1e\x85\u2028\u2029]")
# Runs of characters that need no work: printable ASCII, French letters, usual punctuation.
# Dashes are not in it: every dash becomes "-" (see _DASHES), so they go through the slow path.
_PLAIN = r"\t\n -~À-ÖØ-öø-ÿŒœ’‘“”«»…°"
_PLAIN_TEXT = re.compile(rf"[{_PLAIN}]*")
_NOT_PLAIN = re.compile(rf"[^{_PLAIN}]+")
# Kept as typed, whatever NFKC says: clinical units ("µg", "kg/m²", "cm³") and "…".
_KEEP_AS_TYPED = re.compile(r"[µ²³…]+")
# Characters that display as nothing but are letters or symbols for Unicode (Hangul fillers,
# blank braille pattern, Khmer inherent vowels) or variation selectors.
_INVISIBLE = frozenset(
    "\u115f\u1160\u3164\uffa0\u2800\u17b4\u17b5\u034f"
    + "".join(chr(cp) for cp in range(0xFE00, 0xFE10))
)
# Every Unicode dash (category Pd: en dash, figure dash, U+2010 hyphen, which is what NFKC makes
# of the non-breaking hyphen...) and the minus signs become "-": "06–12–34–56–78" is a phone
# number for the detectors only if its separators are the ones they know. Ranges ("3–4",
# "J1–J3") read the same with "-".
_MINUS_SIGNS = frozenset("\u2212\u02d7\u2043\u2796")
# Enclosed letters and digits that NFKC spells with parentheses ("⒟" -> "(d)", "⑴" -> "(1)"):
# a name written "⒟⒰⒫⒪⒩⒯" would become "(d)(u)(p)(o)(n)(t)", which no detector reads as a
# word. They become the bare letter or number, before NFKC.
_ENCLOSED_TABLE = {
    **{0x249C + i: chr(ord("a") + i) for i in range(26)},  # ⒜ ... ⒵
    **{0x1F110 + i: chr(ord("A") + i) for i in range(26)},  # 🄐 ... 🄩
    **{0x2474 + i: str(i + 1) for i in range(20)},  # ⑴ ... ⒇
}
# Scripts whose combining marks belong to ordinary spelling (Hebrew onwards, except the Latin
# blocks): marks left after NFKC on a Latin, Greek or Cyrillic letter only hide a word.
_LATIN_BLOCKS = ((0x1E00, 0x1EFF), (0x2C60, 0x2C7F), (0xA720, 0xA7FF), (0xAB30, 0xAB6F))

# Letters of other scripts drawn like Latin ones (after Unicode's confusables.txt, restricted to
# single letters that NFKC leaves alone): Cyrillic, Greek, Armenian, Cherokee, Lisu, and Latin
# letters outside French spelling. Scripts that look like capitals (Cherokee, Lisu) give
# capitals, so that "ꓓupont" is still a capitalised name for the detectors.
_CONFUSABLES = {
    # Cyrillic capitals
    "А": "A", "В": "B", "Е": "E", "Ё": "Ë", "К": "K", "М": "M", "Н": "H", "О": "O", "Р": "P",
    "С": "C", "Т": "T", "У": "Y", "Х": "X", "Ѕ": "S", "І": "I", "Ї": "Ï", "Ј": "J", "Ԛ": "Q",
    "Ԝ": "W", "Ү": "Y", "Ӏ": "I", "Ѵ": "V", "Ԍ": "G", "Һ": "H", "Ѐ": "È", "Ӓ": "Ä", "Ӧ": "Ö",
    # Cyrillic small letters
    "а": "a", "в": "b", "е": "e", "ё": "ë", "к": "k", "м": "m", "н": "h", "о": "o", "п": "n",
    "р": "p", "с": "c", "т": "t", "у": "y", "х": "x", "ѕ": "s", "і": "i", "ї": "ï", "ј": "j",
    "һ": "h", "ԁ": "d", "ԛ": "q", "ԝ": "w", "ѵ": "v", "ү": "y", "ӏ": "l", "ь": "b", "г": "r",
    "ѡ": "w", "ҽ": "e", "ꙇ": "i", "ѐ": "è", "ӓ": "ä", "ӧ": "ö",
    # Greek capitals
    "Α": "A", "Β": "B", "Ε": "E", "Ζ": "Z", "Η": "H", "Ι": "I", "Κ": "K", "Μ": "M", "Ν": "N",
    "Ο": "O", "Ρ": "P", "Τ": "T", "Υ": "Y", "Χ": "X", "Ϳ": "J", "Ϝ": "F", "Ϲ": "C", "Ϻ": "M",
    # Greek small letters (not α, β, γ, μ, σ...: they are clinical notation on their own)
    "ο": "o", "ν": "v", "ι": "i", "κ": "k", "ρ": "p", "υ": "u", "χ": "x", "ϲ": "c", "ϳ": "j",
    "ό": "ó",
    # Armenian
    "Օ": "O", "Ս": "U", "Տ": "S", "Լ": "L",
    "օ": "o", "ս": "u", "ո": "n", "ռ": "n", "հ": "h", "ց": "g", "զ": "q", "գ": "q", "ք": "f",
    "ա": "w",
    # Cherokee (small Cherokee letters are added below from these)
    "Ꭰ": "D", "Ꭱ": "R", "Ꭲ": "T", "Ꭵ": "I", "Ꭹ": "Y", "Ꭺ": "A", "Ꭻ": "J", "Ꭼ": "E", "Ꮃ": "W",
    "Ꮇ": "M", "Ꮋ": "H", "Ꮍ": "Y", "Ꮐ": "G", "Ꮒ": "H", "Ꮓ": "Z", "Ꮟ": "B", "Ꮢ": "R", "Ꮤ": "W",
    "Ꮥ": "S", "Ꮩ": "V", "Ꮪ": "S", "Ꮮ": "L", "Ꮯ": "C", "Ꮲ": "P", "Ꮶ": "K", "Ꮷ": "D", "Ᏻ": "G",
    "Ᏼ": "B",
    # Lisu
    "ꓐ": "B", "ꓑ": "P", "ꓒ": "D", "ꓓ": "D", "ꓔ": "T", "ꓖ": "G", "ꓗ": "K", "ꓙ": "J", "ꓚ": "C",
    "ꓜ": "Z", "ꓝ": "F", "ꓟ": "M", "ꓠ": "N", "ꓡ": "L", "ꓢ": "S", "ꓣ": "R", "ꓦ": "V", "ꓧ": "H",
    "ꓪ": "W", "ꓫ": "X", "ꓬ": "Y", "ꓮ": "A", "ꓰ": "E", "ꓲ": "I", "ꓳ": "O", "ꓴ": "U",
    # Latin letters outside French spelling that pass for French ones (small capitals below)
    "ı": "i", "ȷ": "j", "ɑ": "a", "ɡ": "g", "ɣ": "y", "ɩ": "i", "ɯ": "w", "ʋ": "u", "ǀ": "l",
    "Ɩ": "l", "Ʀ": "R", "ƽ": "s", "ᴑ": "o", "ᶃ": "g", "ẝ": "f", "ỿ": "y", "Ꞙ": "F", "ꞙ": "f",
    "ꞟ": "u", "Ʝ": "J", "Ꭓ": "X", "Ꞵ": "B", "ꬲ": "e", "ꬽ": "o", "ꭇ": "r", "ꭈ": "r", "ꭎ": "u",
    "ꭒ": "u", "ꭚ": "y",
}  # fmt: skip


def _small_letters() -> dict[str, str]:
    """Latin small capitals ("ᴅᴜᴘᴏɴᴛ") as the capitals they are drawn like, and small Cherokee
    letters as the small Latin letter of their capital. Modifier letters need nothing more:
    NFKC turns "ᴰ" into "D" and "ᶦ" into "ɪ", which is then a small capital."""
    letters = {}
    for code in [*range(0x0250, 0x02B0), *range(0x1D00, 0x1D2C), *range(0xA720, 0xA800)]:
        name = unicodedata.name(chr(code), "").rsplit(" ", 1)
        if name[0] == "LATIN LETTER SMALL CAPITAL" and len(name[1]) == 1:
            letters[chr(code)] = name[1]  # not the turned, reversed or barred ones
    for code in [*range(0x13F8, 0x13FE), *range(0xAB70, 0xABC0)]:
        capital = _CONFUSABLES.get(chr(code).upper())
        if capital:
            letters[chr(code)] = capital.lower()
    return letters


_CONFUSABLES |= _small_letters()
_CONFUSABLE_TABLE = str.maketrans(_CONFUSABLES)
_LETTER = r"[^\W\d_]"
# A word holding at least one look-alike letter; starts only at a word start (linear time).
_WORD_WITH_CONFUSABLE = re.compile(
    rf"(?<!{_LETTER}){_LETTER}*?[{''.join(_CONFUSABLES)}]{_LETTER}*+"
)
_LATIN_LETTER = re.compile(r"[A-Za-zÀ-ÖØ-öø-ɏḀ-ỿ]")


def _is_latin_like(char: str) -> bool:
    code = ord(char)
    return code < 0x0590 or any(low <= code <= high for low, high in _LATIN_BLOCKS)


class _InvisibleTable(dict):
    """str.translate table, filled on first sight of each character: control, format,
    private-use, unassigned and invisible characters removed (tab and newline kept),
    parenthesized letters and numbers bare. One dict lookup per character in C, instead of a
    Python call per character."""

    def __missing__(self, code: int):
        char = chr(code)
        if char not in "\t\n" and (unicodedata.category(char)[0] == "C" or char in _INVISIBLE):
            value = None
        else:
            value = _ENCLOSED_TABLE.get(code, char)
        self[code] = value
        return value


class _SpacingTable(dict):
    """str.translate table for the second pass: spaces " ", dashes and minus signs "-",
    decimal digits ASCII. Combining marks are kept here and remembered in `marks`, so that
    only runs holding one go through the character-by-character pass that needs the letter
    before each mark."""

    def __init__(self):
        super().__init__()
        self.marks: set[str] = set()
        self._marks_regex: re.Pattern | None = None

    def __missing__(self, code: int) -> str:
        char = chr(code)
        category = unicodedata.category(char)
        value = char
        if category in ("Mn", "Me"):
            self.marks.add(char)
            self._marks_regex = None
        elif category[0] == "Z":
            value = " "
        elif category == "Pd" or char in _MINUS_SIGNS:
            value = "-"
        elif category == "Nd" and not char.isascii():
            # "٠٦ ١٢ ٣٤ ٥٦ ٧٨" (Arabic-Indic) or "०६..." (Devanagari) is a phone number too.
            value = str(unicodedata.decimal(char))
        self[code] = value
        return value

    def marks_regex(self) -> re.Pattern | None:
        if self.marks and self._marks_regex is None:
            self._marks_regex = re.compile("[" + "".join(map(re.escape, self.marks)) + "]")
        return self._marks_regex


_DROP_TABLE = _InvisibleTable()
_SPACING_TABLE = _SpacingTable()


def _drop_invisible(match: re.Match) -> str:
    """A run without its control, format, private-use, unassigned and invisible characters,
    and with its parenthesized letters and numbers bare."""
    return match.group().translate(_DROP_TABLE)


def _drop_stray_marks(match: re.Match) -> str:
    """A run (after NFKC) with its spaces plain, its dashes and minus signs "-", its decimal
    digits ASCII and the marks that hide a word removed."""
    run = match.group().translate(_SPACING_TABLE)
    marks = _SPACING_TABLE.marks_regex()
    if marks is None or not marks.search(run):
        return run
    text = match.string
    base = text[match.start() - 1] if match.start() else ""
    kept = []
    for char in run:
        if char in _SPACING_TABLE.marks:
            # A mark stays only on a letter of a script that spells with marks (Arabic...),
            # not on a look-alike, which becomes a Latin letter below (idempotence).
            if base.isalpha() and not _is_latin_like(base) and base not in _CONFUSABLES:
                kept.append(char)
            continue
        kept.append(char)
        base = char
    return "".join(kept)


def _nfkc_keeping_units(text: str) -> str:
    pieces = []
    cursor = 0
    for match in _KEEP_AS_TYPED.finditer(text):
        pieces.append(unicodedata.normalize("NFKC", text[cursor : match.start()]))
        pieces.append(match.group())
        cursor = match.end()
    pieces.append(unicodedata.normalize("NFKC", text[cursor:]))
    return "".join(pieces)


def _fold_word(match: re.Match) -> str:
    word = match.group()
    if _LATIN_LETTER.search(word) or all(char in _CONFUSABLES for char in word):
        return word.translate(_CONFUSABLE_TABLE)
    return word  # a Greek or Cyrillic word in its own script


def normalise_text(text: str | None) -> str:
    """The text as it is checked, stored and shown to the committee.

    NFKC (full-width and stylised letters become plain ones; "µ", "²", "³" and "…" are
    kept; parenthesized letters and numbers lose their parentheses), invisible and format
    characters removed (soft hyphen, zero-width space and joiners, word joiner, byte-order
    mark, bidi controls, NUL and other control characters except tab and newline), line
    breaks as "\\n", other spaces as " ", every dash and minus sign as "-", every decimal
    digit as its ASCII digit, combining marks that did not compose with a Latin, Greek or
    Cyrillic letter removed, and look-alike letters of other scripts (Cyrillic, Greek,
    Armenian, Cherokee, Lisu, Latin small capitals...) inside a Latin word (or making up a
    whole word) folded to their Latin twin. Idempotent; linear in the length of the text.
    """
    if not text:
        return ""
    text = _LINE_BREAKS.sub("\n", text)
    if _PLAIN_TEXT.fullmatch(text):
        return text
    text = _NOT_PLAIN.sub(_drop_invisible, text)
    # NFKC composes "e" + combining acute into "é" before stray marks are looked for.
    text = _nfkc_keeping_units(text)
    text = _NOT_PLAIN.sub(_drop_stray_marks, text)
    return _WORD_WITH_CONFUSABLE.sub(_fold_word, text)


# Spaces other than " " (no-break, thin, ideographic...): a plain space in an identity value.
_OTHER_SPACES = re.compile(r"[\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000]")


def normalise_identity_text(text: str | None) -> str:
    """An identity value (name, NIR, address...) as stored in the vault: line breaks as "\\n",
    the invisible, format and control characters `normalise_text` removes removed too (a value
    made of a zero-width space or a soft hyphen is empty, so emptying a field that way needs
    the same explicit confirmation as any erasure), other spaces as " ", composed (NFC) and
    stripped. Letters stay as typed: the vault holds the legal name, which the letter to the
    parents prints (a Cyrillic "Анна" must not become "Ahha" as look-alike folding would make
    it). Idempotent."""
    if not text:
        return ""
    text = _LINE_BREAKS.sub("\n", text)
    if not _PLAIN_TEXT.fullmatch(text):
        text = _NOT_PLAIN.sub(_drop_invisible, text)
        text = _OTHER_SPACES.sub(" ", unicodedata.normalize("NFC", text))
    return text.strip()
