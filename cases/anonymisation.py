"""Scrubber for directly identifying data in French perinatal free text.

A case's narrative summary, chronology notes and uploaded texts are reviewed by a committee
that must not learn who the family is. This module finds the identifiers a clinician
typically writes (names after civilities or roles, dates, NIR, phone numbers, e-mails,
postal addresses, hospital record numbers) and replaces each with a typed placeholder,
while leaving clinical notation (SA + j, J3, H+4, Apgar 3/6/8, lab values...) untouched.

It is deliberately pure Python (no Django) so that it can be unit-tested on its own and
called from forms, services and transition guards alike. It is a safety net, not a
guarantee: names written without any civility, role or known value cannot be recognised.

Every text is first put in normal form (`cases.text.normalise_text`: NFKC, invisible
characters removed, look-alike letters folded), so a soft hyphen or a Cyrillic letter inside
a name does not hide it; findings and scrubbed texts refer to that normal form, which is also
the form in which review texts are stored. Every detector runs in linear time (no nested
unbounded quantifiers, regexes that start only at word starts, bounded look-behind windows)
and texts longer than MAX_TEXT_LENGTH are refused rather than scanned.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

from .text import normalise_text

__all__ = [
    "MAX_TEXT_LENGTH",
    "PLACEHOLDERS",
    "Finding",
    "TextTooLong",
    "find_identifiers",
    "has_identifiers",
    "nir_key_is_valid",
    "normalise_text",
    "scrub",
]

# Hard cap of the scrubber: no route may keep a worker busy on a pasted book. Review texts are
# limited far below this by their fields (see cases.fields).
MAX_TEXT_LENGTH = 200_000


class TextTooLong(ValueError):
    """A text beyond MAX_TEXT_LENGTH characters: refused, never scanned."""

    def __init__(self, length: int):
        super().__init__(f"text of {length} characters, more than {MAX_TEXT_LENGTH}")
        self.length = length


PLACEHOLDERS = {
    "name": "[NOM]",
    "date": "[DATE]",
    "nir": "[NIR]",
    "phone": "[TEL]",
    "email": "[EMAIL]",
    "address": "[ADRESSE]",
    "record": "[N° DOSSIER]",
}

# When two candidate findings of the same length overlap, the more specific kind wins
# (a 15-digit string with a valid key is a NIR before being a record number).
_PRIORITY = {"email": 0, "nir": 1, "record": 2, "phone": 3, "date": 4, "address": 5, "name": 6}


@dataclass(frozen=True)
class Finding:
    """One identifier found in a text: its kind, its span and the original characters."""

    kind: str
    start: int
    end: int
    text: str

    @property
    def length(self) -> int:
        return self.end - self.start


# --------------------------------------------------------------------------------------
# Character classes and shared vocabulary
# --------------------------------------------------------------------------------------

_UP = "A-ZÀ-ÖØ-ÞŒ"
_LO = "a-zß-öø-ÿœ"
_SP = r"[ \t\u00a0\u202f]"  # horizontal spaces only: an identifier never spans lines
_DIGIT_SEP = r"[ .\-\u00a0\u202f]"  # how people group the digits of a NIR or a phone

_MONTHS = (
    ("janvier", "janv"),
    ("fevrier", "fevr", "fev"),
    ("mars",),
    ("avril", "avr"),
    ("mai",),
    ("juin",),
    ("juillet", "juil"),
    ("aout",),
    ("septembre", "sept"),
    ("octobre", "oct"),
    ("novembre", "nov"),
    ("decembre", "dec"),
)
_WEEKDAYS = ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche")


def _accent_tolerant(word: str) -> str:
    """Regex for an unaccented French word that also matches its accented spelling."""
    classes = {"e": "[eéèê]", "a": "[aàâ]", "u": "[uûù]", "i": "[iîï]", "o": "[oô]"}
    return "".join(classes.get(ch, re.escape(ch)) for ch in word)


# Full month names first so that "janvier" is not cut to "janv".
_MONTH_RE = "|".join(
    _accent_tolerant(form) + (r"\.?" if form != forms[0] else "")
    for forms in _MONTHS
    for form in forms
)
_WEEKDAY_RE = "|".join(_WEEKDAYS)
_DAY_RE = r"(?:1\s?er|[12]\d|3[01]|0?[1-9])"


def _word_set(words: str) -> frozenset[str]:
    """A vocabulary written as whitespace-separated words (easier to review than a list)."""
    return frozenset(words.split())


# Words that may be capitalised in clinical prose but are never a person's name. Checked
# (lower-cased, accents removed) on the word following a civility or role, and on both
# halves of a "DIALLO Aminata" pair.
_NOT_A_NAME = _word_set(
    """
    pmi samu smur hellp rciu rpm map ctg rcf ercf arcf epp lata nicu chu chi chr ch had
    siao ame puma cpts ars tiu mfiu min hta dg dt1 dt2 vvp ktvo cpap no sa ipp nda iep
    nir ins caf cpam cmu css c2s ase mdph camsp cmp cmpp pass has oms rea usc usic uhcd
    ide ipde irm ecbu crp pct nfs tp tca hbpm rai tsh asp etf eeg vni nidcap dan sdf rsa
    apl aah vih hiv vhb vhc cmv sgb covid ivg img itg amp fiv dpn cpdpn rcp sfa lam ras
    ok nb ui mg ml kg dl mmol ag iv im pc ra vb avb tv hb ph fc ta be imc pa pad pas tcm
    rmm alarm pmrt icd cim oap hrp sofa gb gr vs pl ecg scanner ett vvc ktc sng ugo mbo
    ivl usin umij sspi ecmo ecun nec ehi avc dmp amu audipog epope encmm insee cngof sfar
    sfn ansm inserm enp drees sfmp hcl aphp ap-hp aphm chic cada huda pada ofpra ofii
    chrs dalo ccas udaf samusocial bloc salle
    apgar silverman bishop kleihauer coombs doppler moro guthrie sarnat rhesus rh
    cesarienne naissance transfert sortie deces admission arrivee accouchement grossesse
    consultation hospitalisation appel avis contact bilan examen echographie echo staff
    synthese conclusion evolution antecedents anamnese motif diagnostic traitement
    contexte social sociale observation commentaire allergies suivi visite entretien
    reunion revue mortalite morbidite service maternite niveau pediatrie neonatologie
    reanimation urgences urgence unite hopital clinique centre protection maternelle
    infantile enfance aide regulation transport interpretariat traduction
    le la les l un une des du de d il elle ils elles on nous vous ce cet cette ces son sa
    ses leur leurs mon ma mes au aux en et ou mais donc car ni si puis pas apres avant
    depuis pendant selon avec sans par pour dans sur sous vers chez entre lors alors
    ainsi aucun aucune absence presence mise notion retour reprise debut fin total
    urgent normal normale anormal anormale positif positive negatif negative favorable
    defavorable stable code rouge orange vert oui non fait note info important attention
    alerte primipare multipare primigeste nullipare terme travail ne
    janvier fevrier mars avril mai juin juillet aout septembre octobre novembre decembre
    lundi mardi mercredi jeudi vendredi samedi dimanche
    madame mme mademoiselle mlle monsieur mr m docteur dr professeur pr nee epouse ep
    bebe enfant sage-femme sages-femmes interne externe pediatre neonatologue gynecologue
    obstetricien obstetricienne anesthesiste medecin infirmier infirmiere puericultrice
    psychologue interprete patiente patient pere mere mari conjoint compagnon fils fille
    frere soeur nom prenom prenoms
    celestene syntocinon curosurf spasfon doliprane adalate loxen tractocile nalador
    augmentin amoxicilline clamoxyl gentamicine cefotaxime claforan vitamine
    """
)
_PARTICLE_WORDS = _word_set(
    "de du des la le les van von der den ben bin ibn el al da di dos das del della d l"
)
_VOWELS = set("AEIOUYÀÂÄÉÈÊËÎÏÔÖÙÛÜŸ")


# --------------------------------------------------------------------------------------
# Text helpers
# --------------------------------------------------------------------------------------


def _fold_char(char: str) -> str:
    """One character without accents and in lower case, always one character long."""
    base = "".join(c for c in unicodedata.normalize("NFD", char) if not unicodedata.combining(c))
    base = base.lower()
    if len(base) == 1:
        return base
    lowered = char.lower()
    return lowered if len(lowered) == 1 else char


class _FoldTable(dict):
    """str.translate table filled on first use of each character (fast on long texts)."""

    def __missing__(self, code: int) -> str:
        folded = self[code] = _fold_char(chr(code))
        return folded


_FOLD_TABLE = _FoldTable()


def _fold(text: str) -> str:
    """Accent- and case-insensitive view of a text whose offsets match the original."""
    return text.translate(_FOLD_TABLE)


def _is_stopword(word: str) -> bool:
    """True for a clinical term, acronym or function word that cannot be a person's name."""
    folded = _fold(word).strip(".")
    return folded in _NOT_A_NAME or folded.split("-")[0] in _NOT_A_NAME


def _starting_with(first: str, regex: re.Pattern) -> re.Pattern:
    """The same regex, tried only where one of the `first` characters (a character class,
    both cases taken) stands: sre then skips every other position in C, several times
    faster than trying the whole pattern at each character of a long text."""
    return re.compile(rf"(?=[{first}{first.upper()}])(?:{regex.pattern})", regex.flags)


_DIGITS = "0-9"
_VOWELS_ACCENTED = "àâäéèêëîïôöùûü"


def _finding(text: str, kind: str, start: int, end: int) -> Finding:
    """A finding whose text is read from the span, so that it always matches the source."""
    return Finding(kind=kind, start=start, end=end, text=text[start:end])


# --------------------------------------------------------------------------------------
# Dates
# --------------------------------------------------------------------------------------

# Numbers glued to these units are measurements or relative times, not days of the month.
_UNIT_AFTER = re.compile(
    r"\s*(?:h\b|h\d|heures?|min|g\b|kg|%|sa\b|j\b|jours?|mois|ans?|semaines?|fois|ml|mg)",
    re.IGNORECASE,
)
_SCORE_BEFORE = re.compile(r"(?:apgar|score)[^.;\n]{0,30}$")

_NUMERIC_DATE = re.compile(
    r"(?<![\w/.,\-])(?P<d>\d{1,2})(?P<sep>[/.\-])(?P<m>\d{1,2})(?P=sep)(?P<y>\d{4}|\d{2})"
    r"(?![\w/]|[.,\-]\d)"
)
_ISO_DATE = re.compile(
    r"(?<![\w/.,\-])(?P<y>(?:19|20)\d{2})(?P<sep>[/.\-])(?P<m>\d{1,2})(?P=sep)(?P<d>\d{1,2})"
    r"(?![\w/]|[.,\-]\d)"
)
_MONTH_YEAR_NUMERIC = re.compile(
    r"(?<![\w/.,\-])(?P<m>0[1-9]|1[0-2])[/.\-](?P<y>(?:19|20)\d{2})(?![\w/]|[.,\-]\d)"
)
# "le 03/02", "du 3.02": a day and month without year only count after a dating word,
# because bare "1/3" or "2/3" are fractions in obstetric prose ("au 1/3 inférieur").
_DAY_MONTH_AFTER_WORD = re.compile(
    rf"\b(?i:le|du|au|{_WEEKDAY_RE}){_SP}+(?P<date>(?P<d>\d{{1,2}})[/.](?P<m>\d{{2}}))"
    r"(?![\w/]|[.,\-]\d)"
)
_WRITTEN_DATE = re.compile(
    rf"(?<!\w)(?:(?:{_WEEKDAY_RE}){_SP}+)?{_DAY_RE}{_SP}+(?:{_MONTH_RE})(?!\w)"
    rf"(?:{_SP}+(?:19|20)\d{{2}}(?!\d))?",
    re.IGNORECASE,
)
_MONTH_AND_YEAR = re.compile(
    rf"(?<!\w)(?:{_MONTH_RE}){_SP}+(?:19|20)\d{{2}}(?!\d)",
    re.IGNORECASE,
)
_WEEKDAY_AND_DAY = re.compile(rf"(?<!\w)(?:{_WEEKDAY_RE}){_SP}+{_DAY_RE}(?!\w)", re.IGNORECASE)
_NUMERIC_DATE, _ISO_DATE, _MONTH_YEAR_NUMERIC = (
    _starting_with(_DIGITS, regex) for regex in (_NUMERIC_DATE, _ISO_DATE, _MONTH_YEAR_NUMERIC)
)
_DAY_MONTH_AFTER_WORD = _starting_with("ldamjvs", _DAY_MONTH_AFTER_WORD)
_WRITTEN_DATE = _starting_with(_DIGITS + "lmjvsd", _WRITTEN_DATE)
_MONTH_AND_YEAR = _starting_with("jfmasond" + _VOWELS_ACCENTED, _MONTH_AND_YEAR)
_WEEKDAY_AND_DAY = _starting_with("lmjvsd", _WEEKDAY_AND_DAY)


def _plausible_day_month(day: str, month: str, year: str | None = None) -> bool:
    """A calendar-looking triple: day 1-31, month 1-12, four-digit years in 1900-2099."""
    if not (1 <= int(day) <= 31 and 1 <= int(month) <= 12):
        return False
    return year is None or len(year) != 4 or 1900 <= int(year) <= 2099


def _after_score(text: str, start: int) -> bool:
    """Apgar and other scores are written like dates ("Apgar 9/10/10"): never scrub them."""
    return bool(_SCORE_BEFORE.search(_fold(text[max(0, start - 40) : start])))


def _find_dates(text: str) -> Iterator[Finding]:
    """Numeric, ISO and written French dates, including month + year and weekday + day."""
    for regex in (_NUMERIC_DATE, _ISO_DATE):
        for m in regex.finditer(text):
            if _plausible_day_month(m["d"], m["m"], m["y"]) and not _after_score(text, m.start()):
                yield _finding(text, "date", m.start(), m.end())
    for m in _MONTH_YEAR_NUMERIC.finditer(text):
        yield _finding(text, "date", m.start(), m.end())
    for m in _DAY_MONTH_AFTER_WORD.finditer(text):
        if _plausible_day_month(m["d"], m["m"]) and not _after_score(text, m.start()):
            yield _finding(text, "date", m.start("date"), m.end("date"))
    for regex in (_WRITTEN_DATE, _MONTH_AND_YEAR):
        for m in regex.finditer(text):
            yield _finding(text, "date", m.start(), m.end())
    for m in _WEEKDAY_AND_DAY.finditer(text):
        if not _UNIT_AFTER.match(text, m.end()):
            yield _finding(text, "date", m.start(), m.end())


# --------------------------------------------------------------------------------------
# NIR (numéro de sécurité sociale)
# --------------------------------------------------------------------------------------

# Sex digit (1/2, 3/4 or 7/8 for provisional numbers), then 12 more characters where the
# department may be Corsican "2A"/"2B", then the two-digit key; any grouping by spaces.
_NIR_BODY = (
    rf"[1-478](?:{_DIGIT_SEP}?\d){{4}}{_DIGIT_SEP}?(?:2[ABab]|\d{_DIGIT_SEP}?\d)"
    rf"(?:{_DIGIT_SEP}?\d){{6}}"
)
# The key may be set apart: "... 456 88", "... 456 - 88", "... 456 / 88", "... 456 clé 88".
_NIR_KEY_SEP = rf"(?:{_DIGIT_SEP}?|{_SP}*[/\-]{_SP}*|{_SP}+(?i:cl[ée]){_SP}*:?{_SP}*)"
_NIR = re.compile(rf"(?<![\w+]){_NIR_BODY}(?P<key>{_NIR_KEY_SEP}\d{_DIGIT_SEP}?\d)?(?!\w)")
# Without its key and without any keyword, only the usual shapes count: 13 characters in one
# block, or grouped 1-2-2-2-3-3 (1-2-2-3-2-3 overseas) with one separator; and the fields must
# be plausible (_plausible_nir). A list of lab values rarely takes this shape, and never
# with a month in 01-12, 20-42 or 50-99 and a non-zero commune and order number as well.
_NIR_WITHOUT_KEY = re.compile(
    r"(?<![\w+,./])(?<!\d[ .\-])"
    r"(?:[1-478]\d{4}(?:2[ABab]|\d{2})\d{6}"
    r"|[1-478](?P<sep>[ .\-])\d{2}(?P=sep)\d{2}(?P=sep)"
    r"(?:(?:2[ABab]|\d{2})(?P=sep)\d{3}|97\d(?P=sep)\d{2})(?P=sep)\d{3})"
    r"(?![\w/]|[.,]\d|[ .\-]\d)"
)
_NIR = _starting_with("1-478", _NIR)
_NIR_WITHOUT_KEY = _starting_with("1-478", _NIR_WITHOUT_KEY)
_NIR_KEYWORD_BEFORE = re.compile(
    r"(?:\bnir|\bins|\bnss|n°\s*(?:de\s+)?(?:s[ée]cu\w*(?:\s+sociale)?|ss)"
    r"|s[ée]curit[ée]\s+sociale|\bs[ée]cu|carte\s+vitale|matricule)"
    r"\s*(?:n°|no)?\s*[:=]?\s*$",
    re.IGNORECASE,
)


def nir_key_is_valid(nir: str) -> bool:
    """True when the last two digits are the NIR's control key (97 - number mod 97).

    Corsican departments 2A and 2B count as 19 and 18 in the computation.
    """
    compact = re.sub(r"[^0-9ABab]", "", nir).upper()
    if len(compact) != 15:
        return False
    number, key = compact[:13], compact[13:]
    number = number[:5] + number[5:7].replace("2A", "19").replace("2B", "18") + number[7:]
    if not (number.isdigit() and key.isdigit()):
        return False
    return 97 - int(number) % 97 == int(key)


def _plausible_nir(value: str) -> bool:
    """Sex 1-4, 7 or 8, month 01-12 (20-42 or 50-99 when unknown), a department, and
    commune and order numbers that are not 000."""
    compact = re.sub(r"[^0-9ABab]", "", value).upper()
    if len(compact) != 13 or compact[0] not in "123478":
        return False
    month = int(compact[3:5])
    if not (1 <= month <= 12 or 20 <= month <= 42 or month >= 50):
        return False
    return compact[5:7] != "00" and compact[7:10] != "000" and compact[10:13] != "000"


def _corsican_nir(m: re.Match) -> bool:
    """A NIR-shaped number with department 2A or 2B and plausible fields, with or without a
    key, however grouped: no lab value or list of numbers holds "2A"/"2B" at that place, so
    neither a keyword nor a valid key is needed (a mistyped key still identifies)."""
    body = m.group()[: m.start("key") - m.start()] if m["key"] else m.group()
    return not body.isdigit() and any(char in "ABab" for char in body) and _plausible_nir(body)


def _find_nirs(text: str) -> Iterator[Finding]:
    """NIRs with a valid key, any NIR-shaped number right after "NIR", "n° SS"..., a
    plausible Corsican NIR (2A/2B), and a plausible 13-digit NIR written without its key."""
    for m in _NIR.finditer(text):
        after_keyword = bool(_NIR_KEYWORD_BEFORE.search(text[max(0, m.start() - 40) : m.start()]))
        if after_keyword or (m["key"] and nir_key_is_valid(m.group())) or _corsican_nir(m):
            yield _finding(text, "nir", m.start(), m.end())
    for m in _NIR_WITHOUT_KEY.finditer(text):
        if _plausible_nir(m.group()) and not _after_score(text, m.start()):
            yield _finding(text, "nir", m.start(), m.end())


# --------------------------------------------------------------------------------------
# Phones and e-mails
# --------------------------------------------------------------------------------------

_FRENCH_PHONE = re.compile(
    rf"(?<![\w+/\-])(?:(?:\+|00){_SP}?33{_DIGIT_SEP}?(?:\(0\){_DIGIT_SEP}?)?|0)"
    rf"[1-9](?:{_DIGIT_SEP}?\d{{2}}){{4}}(?!\w)"
)
_INTERNATIONAL_PHONE = re.compile(
    rf"(?<![\w+/\-])(?P<prefix>\+|00){_SP}?[1-9]\d{{0,2}}"
    rf"(?:{_DIGIT_SEP}?(?:\(\d{{1,4}}\)|\d{{1,4}}+)){{2,6}}(?!\w)"
)
_FRENCH_PHONE = _starting_with(r"+0", _FRENCH_PHONE)
_INTERNATIONAL_PHONE = _starting_with(r"+0", _INTERNATIONAL_PHONE)
_EMAIL = re.compile(r"(?<![\w.%+\-])[\w.%+\-]++@[\w\-]++(?:\.[\w\-]++)*\.[A-Za-z]{2,}(?!\w)")


def _find_phones(text: str) -> Iterator[Finding]:
    """French numbers in every usual grouping, and international numbers with a + prefix."""
    for m in _FRENCH_PHONE.finditer(text):
        yield _finding(text, "phone", m.start(), m.end())
    for m in _INTERNATIONAL_PHONE.finditer(text):
        # Country code + subscriber number is 8 to 15 digits (E.164); fewer is a dose, a
        # score or a relative time ("H+4"), or a record number that starts with "00".
        number = m.group()[len(m["prefix"]) :]
        if 8 <= sum(c.isdigit() for c in number) <= 15:
            yield _finding(text, "phone", m.start(), m.end())


def _find_emails(text: str) -> Iterator[Finding]:
    """E-mail addresses, which often spell out the family's names."""
    for m in _EMAIL.finditer(text):
        yield _finding(text, "email", m.start(), m.end())


# --------------------------------------------------------------------------------------
# Hospital record numbers (IPP, NDA, dossier...)
# --------------------------------------------------------------------------------------

_RECORD = re.compile(
    r"(?<!\w)(?i:ipp|nda|iep|nip"
    r"|n[°o]\.?\s*(?:de\s+|d['’]\s*)?(?:dossier|s[ée]jour|patient|admission|venue)"
    r"|num[ée]ro\s+(?:de\s+|d['’]\s*)?(?:dossier|s[ée]jour|patient|admission|venue)"
    r"|n[°o]\.?\s*(?:d['’]\s*)?allocataire|num[ée]ro\s+d['’]\s*allocataire|allocataire"
    r"|dossier(?:\s+(?:m[ée]dical|patient|obst[ée]trical|n[ée]onatal))?)(?!\w)"
    # the issuing body may sit in between: "allocataire CAF n° ...", "dossier PMI : ..."
    r"(?:[ \t\u00a0]+[A-Z][A-Z\-]{1,6}(?=[ \t\u00a0]*(?:n[°o]|:)))?"
    r"[ \t\u00a0]*(?i:n[°o]\.?|num(?:[ée]ro)?\.?|#)?[ \t\u00a0]*[:=]?[ \t\u00a0]*"
    r"(?P<id>(?=[\w\-/.]*\d)[A-Za-z0-9](?:[A-Za-z0-9\-/._]*[A-Za-z0-9])?)(?!\w)"
)
_RECORD = _starting_with("inda", _RECORD)
_YEAR = re.compile(r"(?:19|20)\d{2}")
_DIGIT_GROUPS = re.compile(r"(?:[ \u00a0]\d{2,4}(?!\w|[,.]\d))+")
# "IPP" is also a proton-pump inhibitor: "IPP 20mg" is a prescription, not a record.
_DOSE = re.compile(r"\d+(?:[.,]\d+)?(?:mg|g|µg|mcg|ml|ui|mmol|kg|cp)?", re.IGNORECASE)
_UNIT_WORD_AFTER = re.compile(r"\s*(?:mg|g|µg|mcg|ml|ui|mmol|kg|cp|/j)\b", re.IGNORECASE)


def _find_records(text: str) -> Iterator[Finding]:
    """The identifier after a record keyword; the keyword itself stays readable."""
    for m in _RECORD.finditer(text):
        start, end = m.span("id")
        ident = m["id"]
        if _looks_like_dose(text, ident, end):
            continue
        if _is_numeric_date(ident):
            continue  # "dossier du 03/02/2025": the date detector types it
        if ident.isdigit() and len(ident) <= 4:
            groups = _DIGIT_GROUPS.match(text, end)
            end = groups.end() if groups else end
        found = text[start:end]
        # Too short to identify anyone, or a bare year ("le dossier 2024 de la patiente").
        if len(found.replace(" ", "")) >= 3 and not _YEAR.fullmatch(found):
            yield _finding(text, "record", start, end)


def _looks_like_dose(text: str, ident: str, end: int) -> bool:
    """A quantity rather than an identifier: "IPP 20mg", "IPP 40 mg/j", "dossier 2"."""
    if not _DOSE.fullmatch(ident):
        return False
    has_unit = not ident[-1].isdigit()
    return has_unit or len(ident) < 4 or bool(_UNIT_WORD_AFTER.match(text, end))


def _is_numeric_date(value: str) -> bool:
    """A whole value that reads as a calendar date (left to the date detector)."""
    for regex in (_NUMERIC_DATE, _ISO_DATE):
        m = regex.fullmatch(value)
        if m and _plausible_day_month(m["d"], m["m"], m["y"]):
            return True
    return False


# --------------------------------------------------------------------------------------
# Postal addresses
# --------------------------------------------------------------------------------------

# Street words that are proper only in addresses: with a house number, the street name may
# even be typed in lower case ("3 rue de la gare").
_STREET_STRONG = (
    r"rue|ruelle|avenue|av\.|bd|boulevard|bld|chemin|impasse|all[ée]e|quai|square"
    r"|r[ée]sidence|lotissement|lieu-dit|faubourg|esplanade|promenade|rond-point|parvis"
    r"|hameau|cit[ée]|villa|sentier|chauss[ée]e|traverse"
)
# Street words that are also common nouns in clinical prose ("mise en place", "au cours de",
# "en route", "voie veineuse"): they need a capitalised street name after them.
_STREET_WEAK = r"place|pl\.|cours|route|rte|passage|voie|mont[ée]e|domaine"
# Abbreviations of street words, only after a house number ("12 r. des Lilas", "3 imp. des
# Tilleuls"): alone, "r." or "all." could be anything, after a number they are an address.
# "pl." stays a weak word ("3 pl. disponibles" is about beds): it needs a capitalised name.
_STREET_ABBREVIATED = (
    r"r\.|bd\.|bld\.|bvd\.?|boul\.|ave\.|imp\.|all\.|chem\.|che\.|rte\.?|sq\."
    r"|r[ée]s\.|lot\.|fg\.?|fbg\.?|prom\.|esp\.|ham\.|qu\.|crs\.|pass\.|sent\.|mte\."
)
_HOUSE_NUMBER = rf"(?<![\w,.\-/])\d{{1,4}}(?:[A-Da-d]|{_SP}?(?i:bis|ter|quater))?(?!\w),?{_SP}+"
_PARTICLE = rf"(?:(?:[Dd]e|[Dd]u|[Dd]es|[Ll]a|[Ll]e|[Ll]es){_SP}+|[dlDL]['’])"
_PARTICLES = rf"{_PARTICLE}{{0,3}}"
# A word of an address, hyphenated compounds of up to five parts ("Saint-Rémy-lès-Chevreuse").
# Runs are possessive and parts bounded so that a match costs at most one compound.
_CAP_WORD = rf"[{_UP}][\w'’]*+(?:-[\w'’]++){{0,4}}"
_LOW_WORD = rf"[{_LO}][\w'’]*+(?:-[\w'’]++){{0,4}}"
_STREET_TAIL = (
    rf"(?:{_SP}+{_PARTICLES}(?:{_CAP_WORD}|\d{{1,2}}(?:er)?(?={_SP}+[{_UP}])|(?:1[89]|20)\d{{2}}))"
    r"{0,4}"
)
_STREET_WITH_NUMBER = re.compile(
    rf"{_HOUSE_NUMBER}(?:(?i:{_STREET_STRONG})(?!\w){_SP}+{_PARTICLES}(?:{_CAP_WORD}|{_LOW_WORD})"
    # after an abbreviation, a street name in lower case needs its particle ("12 r. des
    # lilas"), so that "3 r. en tout" stays
    rf"|(?i:{_STREET_ABBREVIATED})(?![\w.]){_SP}+"
    rf"(?:{_PARTICLES}{_CAP_WORD}|{_PARTICLE}{_PARTICLES}{_LOW_WORD}))"
    rf"{_STREET_TAIL}"
)
_STREET_NAMED = re.compile(
    rf"(?:{_HOUSE_NUMBER})?(?<![\w\-])(?i:{_STREET_STRONG}|{_STREET_WEAK})(?!\w){_SP}+"
    rf"{_PARTICLES}(?P<first>{_CAP_WORD}){_STREET_TAIL}"
)
_ADDRESS_COMPLEMENT = re.compile(
    rf"(?<!\w)(?i:b[aâ]t(?:iment)?\.?|escalier|esc\.|appartement|appt\.?|apt\.?)"
    rf"{_SP}*(?i:n[°o]{_SP}*)?(?:[A-Z]|\d{{1,4}}[A-Z]?)(?!\w)"
)
_POSTCODE_CITY = re.compile(
    rf"(?<![\w,.\-/])(?:0[1-9]|[1-8]\d|9[0-5]|97|98)\d{{3}}(?![\w,.\-/])"
    rf"{_SP}+(?P<city>{_CAP_WORD})(?:{_SP}+(?!(?i:cedex)\b){_CAP_WORD}){{0,2}}"
    rf"(?:{_SP}+(?i:cedex)(?:{_SP}+\d{{1,2}})?)?"
)
# "Villejuif (94270)": a town followed by its postcode in parentheses.
_CITY_POSTCODE = re.compile(
    rf"(?<![\w'’\-])(?P<city>{_CAP_WORD})(?:(?:{_SP}|-){_CAP_WORD}){{0,2}}{_SP}*"
    rf"\((?:0[1-9]|[1-8]\d|9[0-5]|97|98)\d{{3}}\)"
)
_STREET_WITH_NUMBER = _starting_with(_DIGITS, _STREET_WITH_NUMBER)
_STREET_NAMED = _starting_with(_DIGITS + "rabciqslfephvtmd", _STREET_NAMED)
_ADDRESS_COMPLEMENT = _starting_with("bea", _ADDRESS_COMPLEMENT)
_POSTCODE_CITY = _starting_with(_DIGITS, _POSTCODE_CITY)
_CITY_POSTCODE = _starting_with(_UP, _CITY_POSTCODE)
_LOCATIVE_BEFORE = re.compile(
    r"(?:\b(?:à|a|de|d'|du|vers|sur|depuis|près\s+de|domicilié(?:e)?\s+à|habite)\s*)$",
    re.IGNORECASE,
)
# Words just before a street word that reveal the common noun: "mise en place", "sur place",
# "elle est allée", "au cours".
_COMMON_NOUN_BEFORE = re.compile(
    r"(?:\b(?:en|sur|au|aux|est|était|etait|sont|été|ete|a|ont|mise|mis)\s+)$", re.IGNORECASE
)
_TRAILING_WORD = re.compile(rf"(?<!{_SP}){_SP}+{_PARTICLES}(?P<word>[^\s]+)$")


def _trim_stopwords(text: str, start: int, end: int) -> int:
    """Shorten an address span that swallowed a clinical acronym ("...Lilas SAMU")."""
    while True:
        m = _TRAILING_WORD.search(text, start, end)
        if m is None or not _is_stopword(m["word"]):
            return end
        end = m.start()


def _looks_like_city(word: str) -> bool:
    """A town name, not a unit: "94000 Créteil" or "94000 CRETEIL", never "12500 UI"."""
    if _is_stopword(word):
        return False
    return any(c.islower() for c in word) or len(word) >= 3


def _find_addresses(text: str) -> Iterator[Finding]:
    """Street lines, building complements and "postcode + City" lines."""
    for m in _STREET_WITH_NUMBER.finditer(text):
        yield _finding(text, "address", m.start(), _trim_stopwords(text, m.start(), m.end()))
    for m in _STREET_NAMED.finditer(text):
        numbered = m.group().lstrip()[:1].isdigit()
        if _is_stopword(m["first"]):
            continue
        if not numbered and _COMMON_NOUN_BEFORE.search(text[max(0, m.start() - 12) : m.start()]):
            continue
        yield _finding(text, "address", m.start(), _trim_stopwords(text, m.start(), m.end()))
    for m in _ADDRESS_COMPLEMENT.finditer(text):
        yield _finding(text, "address", m.start(), m.end())
    for m in _POSTCODE_CITY.finditer(text):
        if _looks_like_city(m["city"]):
            yield _finding(text, "address", m.start(), _trim_stopwords(text, m.start(), m.end()))
    for m in _CITY_POSTCODE.finditer(text):
        # A place after a locative word ("à Villejuif (94270)"), not "Plaquettes (10000)".
        locative = _LOCATIVE_BEFORE.search(text, max(0, m.start() - 30), m.start())
        if _looks_like_city(m["city"]) and locative:
            yield _finding(text, "address", m.start(), m.end())


# --------------------------------------------------------------------------------------
# Person names after civilities, roles and labels
# --------------------------------------------------------------------------------------

_NAME_WORD = re.compile(
    rf"[{_UP}](?:[{_LO}{_UP}]++|['’][{_UP}][{_LO}{_UP}]++)(?:[-'’][{_LO}{_UP}]++){{0,4}}(?!\w)"
)
_INITIAL = re.compile(rf"[{_UP}]\.(?:-[{_UP}]\.)?")
_NAME_PARTICLE = re.compile(
    rf"(?:(?:de{_SP}+la|de|du|des|van|von|der|den|ben|bin|ibn|el|al|da|di|dos|das|del|della"
    rf"|le|la){_SP}+|[dl]['’])"
)
_NAME_GAP = re.compile(rf"{_SP}+")

# Civilities, kinship and professional roles that introduce a person's name in clinical
# notes. Lower-case words are matched case-insensitively; "M", "SF" and "IDE" only in
# capitals, because "m" and "sf" are units or abbreviations in lower case.
_NAME_TRIGGER = re.compile(
    r"(?<![\w.])(?:"
    r"(?i:madame|mme|mademoiselle|mlle|monsieur|docteur|dr|professeur|pr"
    r"|n[ée]e|[ée]pouse|[ée]p|veuve|b[ée]b[ée]|enfant|nouveau-n[ée]"
    r"|sage-femme|interne|externe|p[ée]diatre|n[ée]onatologue|gyn[ée]cologue"
    r"|gyn[ée]co-obst[ée]tricien(?:ne)?|obst[ée]tricien(?:ne)?|anesth[ée]siste|m[ée]decin"
    r"|infirmi[eè]re?|pu[ée]ricultrice|psychologue|assistante?\s+sociale?|interpr[eè]te"
    r"|patiente?|p[eè]re|m[eè]re|mari|conjoint|compagnon|fils|fille|fr[eè]re|s[œo]e?ur"
    r"|pr[ée]noms?|nom(?:\s+de\s+naissance|\s+d['’]usage|\s+de\s+jeune\s+fille)?)"
    r"|Mr|MM|M|SF|IDE|IPDE"
    r")(?!\w)(?:\.[ \t\u00a0]*|[ \t\u00a0]*[:,][ \t\u00a0]*|[ \t\u00a0]+)"
)
_NAME_TRIGGER = _starting_with("mdpnevbsigaofcé", _NAME_TRIGGER)
_ALLCAPS = rf"[{_UP}]{{2,}}+(?:[-'’][{_UP}]{{2,}}+){{0,4}}"
_CAPITALISED = rf"[{_UP}][{_LO}]++(?:-[{_UP}][{_LO}]++){{0,4}}"
# Hospital convention "DIALLO Aminata" (and its mirror "Aminata DIALLO"), with no civility.
# Two separate searches so that both readings of "Appel DIALLO Aminata" compete.
_SURNAME_FIRSTNAME = (
    _starting_with(
        _UP,
        re.compile(rf"(?<![\w\[])(?P<caps>{_ALLCAPS}){_SP}+(?P<cap>{_CAPITALISED})(?![\w\]])"),
    ),
    _starting_with(
        _UP,
        re.compile(rf"(?<![\w\[])(?P<cap>{_CAPITALISED}){_SP}+(?P<caps>{_ALLCAPS})(?![\w\]])"),
    ),
)


def _scan_name(text: str, pos: int, max_words: int = 3) -> int | None:
    """End of the proper name starting at pos (one to three words, particles allowed).

    Stops at the first clinical word, so "bébé Apgar" or "Dr Roux SAMU" keep their
    clinical part; returns None when no real name starts at pos.
    """
    end = None
    words = 0
    i = pos
    while words < max_words:
        particle = _NAME_PARTICLE.match(text, i)
        j = particle.end() if particle else i
        word = _NAME_WORD.match(text, j) or _INITIAL.match(text, j)
        if word is None or (words == 0 and word.group() == "M."):
            break  # "le père, M. Ionescu": "M." is the next civility, not an initial
        # A capitalised particle ("Le Goff", "De Sousa") only counts if a name follows it:
        # a lone "Le" is the article of "M. Le bébé...".
        is_particle = _fold(word.group()) in _PARTICLE_WORDS
        if not is_particle and not word.group().endswith(".") and _is_stopword(word.group()):
            break
        words += 1
        if not is_particle:
            end = word.end()
        gap = _NAME_GAP.match(text, word.end())
        if gap is None:
            break
        i = gap.end()
    return end


def _looks_like_surname_in_capitals(word: str) -> bool:
    """An upper-case surname, not an acronym: three letters or more, a vowel, not clinical."""
    letters = word.replace("-", "").replace("'", "").replace("’", "")
    return len(letters) >= 3 and any(c in _VOWELS for c in letters) and not _is_stopword(word)


def _find_names(text: str) -> Iterator[Finding]:
    """Names introduced by a civility, role or label, and "NOM Prénom" pairs."""
    for m in _NAME_TRIGGER.finditer(text):
        end = _scan_name(text, m.end())
        if end is not None:
            yield _finding(text, "name", m.end(), end)
    for regex in _SURNAME_FIRSTNAME:
        for m in regex.finditer(text):
            if _looks_like_surname_in_capitals(m["caps"]) and not _is_stopword(m["cap"]):
                yield _finding(text, "name", m.start(), m.end())


# --------------------------------------------------------------------------------------
# Known identity values of the case
# --------------------------------------------------------------------------------------

# First names that are also ordinary French words: a fragment of a known name only counts
# when capitalised in the text ("Rose" the mother, not "bébé rose").
_COMMON_WORD_NAMES = _word_set(
    "rose claire blanche pierre france petit petite grand blanc noir roux brun long bon "
    "bonne gros marin olive prune ambre iris lune"
)
_STREET_WORD = re.compile(
    rf"(?<!\w)(?i:{_STREET_STRONG}|{_STREET_WEAK}|{_STREET_ABBREVIATED})(?![\w.])"
)
_POSTCODE = re.compile(r"(?<!\d)\d{5}(?!\d)")
_PHONE_VALUE = re.compile(r"(?:\+|00)?[\d .\-()\u00a0]{8,}")
_NIR_VALUE = re.compile(r"[1-478]\d{4}(?:2[AB]|\d{2})\d{6}(?:\d{2})?")
_WORD_BOUNDARY_BEFORE = r"(?<!\w)"
_WORD_BOUNDARY_AFTER = r"(?!\w)"
_FLEX = r"[\s.\-/]?"


def _classify_known(value: str) -> str:
    """Kind of a known identity value, so that its placeholder is typed correctly."""
    compact = re.sub(r"[\s.\-]", "", value).upper()
    if "@" in value:
        return "email"
    if _parse_date(value) is not None:
        return "date"
    if _NIR_VALUE.fullmatch(compact):
        return "nir"
    digits = sum(c.isdigit() for c in value)
    international = value.startswith(("+", "00")) and 8 <= digits <= 15
    national = value.startswith("0") and digits == 10
    if _PHONE_VALUE.fullmatch(value) and (international or national):
        return "phone"
    if _STREET_WORD.search(value) or _POSTCODE.search(value):
        return "address"
    if digits:
        return "record"
    return "name"


def _parse_date(value: str) -> tuple[int, int, int | None] | None:
    """(day, month, year) of a date written in any supported format, else None."""
    value = value.strip()
    for regex in (_NUMERIC_DATE, _ISO_DATE):
        m = regex.fullmatch(value)
        if m and _plausible_day_month(m["d"], m["m"], m["y"]):
            year = int(m["y"])
            return int(m["d"]), int(m["m"]), year + 2000 if year < 100 else year
    m = re.fullmatch(r"(?:\w+\s+)?(\d{1,2})(?:er)?\s+(\w+)\.?(?:\s+(\d{4}))?", _fold(value))
    if m:
        for number, forms in enumerate(_MONTHS, start=1):
            if m[2] in forms and 1 <= int(m[1]) <= 31:
                return int(m[1]), number, int(m[3]) if m[3] else None
    return None


def _date_pattern(day: int, month: int, year: int | None) -> str:
    """Regex (on folded text) for a known date in all the ways a clinician may write it."""
    d, mo = rf"0?{day}", rf"0?{month}"
    day_written = r"(?:1\s?er|0?1)" if day == 1 else d
    months = "|".join(rf"{form}\.?" for form in _MONTHS[month - 1])
    written = rf"{day_written}\s+(?:{months})(?!\w)"
    if year is None:
        # No numeric form: a bare "3/2" is more often a fraction than this date.
        return written
    numeric = rf"{d}[/.\-]{mo}[/.\-](?:{year}|{str(year)[2:]})"
    iso = rf"{year}[/.\-]{mo}[/.\-]{d}"
    return (
        rf"(?<![\w/.\-])(?:{numeric}|{iso})(?![\w/]|[.\-]\d)"
        rf"|{written}(?:\s+{year})?(?!\d)|(?:{months})\s+{year}(?!\d)"
    )


def _chars_pattern(value: str) -> str:
    """Regex for a code whatever the spaces, dots or dashes people put inside it."""
    chars = re.sub(r"[^0-9a-z]", "", _fold(value))
    return _FLEX.join(re.escape(c) for c in chars)


def _phone_pattern(value: str) -> str:
    """Regex for a known phone number, national or with +33/0033, however it is grouped."""
    digits = re.sub(r"\D", "", value)
    if value.startswith(("+33", "0033")):
        digits = "0" + digits[len("0033") if value.startswith("00") else 2 :]
    if digits.startswith("0") and len(digits) == 10:
        national = _FLEX.join(digits[1:])
        return rf"(?:0|(?:\+|00)\s?33\s?(?:\(0\)\s?)?){_FLEX}{national}"
    return r"(?:\+|00)?\s?" + _FLEX.join(digits)


def _words_pattern(value: str) -> str:
    """Regex for a multi-word value (name, address) with flexible separators."""
    words = re.findall(r"\w+", _fold(value))
    return r"[\W_]+".join(re.escape(w) for w in words)


def _known_patterns(value: str, kind: str) -> list[tuple[str, bool]]:
    """(regex, needs_capital) pairs to search in the folded text for one known value."""
    if kind == "email":
        return [(re.escape(_fold(value)), False)]
    parsed_date = _parse_date(value)
    if kind == "date" and parsed_date is not None:
        return [(_date_pattern(*parsed_date), False)]
    if kind in ("nir", "record"):
        return [(_chars_pattern(value), False)]
    if kind == "phone":
        return [(_phone_pattern(value), False)]
    patterns = [(_words_pattern(value), False)]
    if kind == "name":
        # Each part of "Aminata Diallo" or "Marie-Claire" identifies on its own.
        for part in re.findall(r"\w+", _fold(value)):
            if len(part) >= 2 and part not in _PARTICLE_WORDS:
                patterns.append((re.escape(part), part in _COMMON_WORD_NAMES))
    return patterns


_HYPHENATED_REST = re.compile(rf"(?:-[{_UP}{_LO}]++){{1,4}}")


def _find_known(text: str, known: Iterable[str]) -> Iterator[Finding]:
    """Every occurrence of the case's own identity values, accent- and case-insensitively."""
    folded = _fold(text)
    for raw in known:
        value = (raw or "").strip()
        if len(value) < 2:
            continue
        kind = _classify_known(value)
        for pattern, needs_capital in _known_patterns(value, kind):
            regex = re.compile(_WORD_BOUNDARY_BEFORE + f"(?:{pattern})" + _WORD_BOUNDARY_AFTER)
            for m in regex.finditer(folded):
                if m.start() == m.end() or (needs_capital and not text[m.start()].isupper()):
                    continue
                start, end = m.span()
                if kind == "name":
                    start, end = _widen_to_compound(text, start, end)
                yield _finding(text, kind, start, end)


def _widen_to_compound(text: str, start: int, end: int) -> tuple[int, int]:
    """Widen a known name to the compound it is part of ("Diallo" in "Traoré-Diallo-Sy")."""
    rest = _HYPHENATED_REST.match(text, end)
    end = rest.end() if rest else end
    # At most four parts before, and each at most 40 letters: linear even on "Diallo-Diallo-...".
    for _part in range(4):
        if not (start > 1 and text[start - 1] == "-" and text[start - 2].isalpha()):
            break
        start -= 1
        floor = max(0, start - 40)
        while start > floor and text[start - 1].isalpha():
            start -= 1
    return start, end


# --------------------------------------------------------------------------------------
# Assembling the findings
# --------------------------------------------------------------------------------------

_PLACEHOLDER_RE = re.compile("|".join(re.escape(p) for p in PLACEHOLDERS.values()))
_DETECTORS: tuple[Callable[[str], Iterator[Finding]], ...] = (
    _find_emails,
    _find_nirs,
    _find_records,
    _find_phones,
    _find_dates,
    _find_addresses,
    _find_names,
)
_ADDRESS_GAP = re.compile(r"[\s,;\-–]*")


def _resolve_overlaps(text: str, candidates: list[Finding]) -> list[Finding]:
    """Keep non-overlapping findings, the longest first, then the most specific kind.

    Placeholders left by an earlier scrub are reserved first, so that they are never taken
    for identifiers (this is what keeps scrub() idempotent).
    """
    taken = bytearray(len(text))
    for m in _PLACEHOLDER_RE.finditer(text):
        taken[m.start() : m.end()] = b"\x01" * (m.end() - m.start())
    chosen: list[Finding] = []
    for cand in sorted(candidates, key=lambda f: (-f.length, _PRIORITY[f.kind], f.start)):
        if cand.length > 0 and 1 not in taken[cand.start : cand.end]:
            taken[cand.start : cand.end] = b"\x01" * cand.length
            chosen.append(cand)
    return sorted(chosen, key=lambda f: f.start)


def _merge_address_parts(text: str, findings: list[Finding]) -> list[Finding]:
    """One [ADRESSE] for "12 rue des Lilas, bâtiment B, 94000 Créteil", not three."""
    merged: list[Finding] = []
    for f in findings:
        prev = merged[-1] if merged else None
        if (
            prev is not None
            and prev.kind == f.kind == "address"
            and _ADDRESS_GAP.fullmatch(text, prev.end, f.start)
        ):
            merged[-1] = _finding(text, "address", prev.start, f.end)
        else:
            merged.append(f)
    return merged


def _normalised(text: str | None) -> str:
    """The normal form the detectors work on; refuses texts beyond the hard cap."""
    text = text or ""
    # Normalisation never lengthens a text by much, but is itself linear: check before and after.
    if len(text) > MAX_TEXT_LENGTH:
        raise TextTooLong(len(text))
    text = normalise_text(text)
    if len(text) > MAX_TEXT_LENGTH:
        raise TextTooLong(len(text))
    return text


def _findings(text: str, known: Iterable[str]) -> list[Finding]:
    """Findings in a text already in normal form."""
    if not text:
        return []
    candidates = [f for detect in _DETECTORS for f in detect(text)]
    candidates.extend(_find_known(text, [normalise_text(value) for value in known]))
    return _merge_address_parts(text, _resolve_overlaps(text, candidates))


def find_identifiers(text: str, known: Iterable[str] = ()) -> list[Finding]:
    """Non-overlapping findings sorted by start, in `normalise_text(text)`.

    Offsets and texts refer to the normal form, which is the text itself for every stored
    review text. `known` holds the case's own identity values (names, NIR, IPP/NDA, address,
    phone, e-mail, dates); they are found wherever they appear, in addition to the patterns.
    Raises TextTooLong beyond MAX_TEXT_LENGTH characters.
    """
    return _findings(_normalised(text), known)


def scrub(text: str, known: Iterable[str] = ()) -> str:
    """The normal form of the text with every finding replaced by its placeholder."""
    text = _normalised(text)
    pieces: list[str] = []
    cursor = 0
    for f in _findings(text, known):
        pieces.append(text[cursor : f.start])
        pieces.append(PLACEHOLDERS[f.kind])
        cursor = f.end
    pieces.append(text[cursor:])
    return "".join(pieces)


def has_identifiers(text: str, known: Iterable[str] = ()) -> bool:
    """True while the text still contains something that scrub() would replace."""
    return bool(find_identifiers(text, known))
