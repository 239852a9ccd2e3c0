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

import hashlib
import re
import threading
import unicodedata
from collections import OrderedDict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Protocol

from .first_names import AMBIGUOUS_FIRST_NAMES, FIRST_NAMES
from .text import normalise_text

__all__ = [
    "MAX_TEXT_LENGTH",
    "PLACEHOLDERS",
    "SIGNALS",
    "Finding",
    "Recogniser",
    "TextTooLong",
    "clear_cache",
    "contains_known",
    "find_identifiers",
    "finding_key",
    "has_identifiers",
    "nir_key_is_valid",
    "normalise_text",
    "replace_findings",
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
    "place": "[LIEU]",
}

# When two candidate findings of the same length overlap, the more specific kind wins
# (a 15-digit string with a valid key is a NIR before being a record number).
_PRIORITY = {
    "email": 0,
    "nir": 1,
    "record": 2,
    "phone": 3,
    "date": 4,
    "address": 5,
    "place": 6,
    "name": 7,
}
# Which signal found a finding: the rules of this module, the case's own identity values
# (never rejectable), or the statistical model (cases.ner).
SIGNALS = ("rule", "known", "model")


@dataclass(frozen=True)
class Finding:
    """One identifier found in a text: its kind, its span, the original characters and the
    signal that found it ("rule", "known" or "model")."""

    kind: str
    start: int
    end: int
    text: str
    signal: str = "rule"

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
# English month names, for notes copied from software or letters written in English ("Nov 10,
# 2026", "10th November 2026"): only in dates that carry a year, where they cannot be a word.
_ENGLISH_MONTHS = (
    ("january", "jan"),
    ("february", "feb"),
    ("march", "mar"),
    ("april", "apr"),
    ("may",),
    ("june", "jun"),
    ("july", "jul"),
    ("august", "aug"),
    ("september", "sept", "sep"),
    ("october", "oct"),
    ("november", "nov"),
    ("december", "dec"),
)
# Every written form of each month, French and English, longest first ("novembre" before
# "nov"); the abbreviations may carry a full stop.
_ANY_MONTH_FORMS = tuple(
    tuple(sorted(set(fr) | set(en), key=len, reverse=True))
    for fr, en in zip(_MONTHS, _ENGLISH_MONTHS, strict=True)
)
_FULL_MONTH_NAMES = frozenset(fr[0] for fr in _MONTHS) | frozenset(en[0] for en in _ENGLISH_MONTHS)
_ANY_MONTH_RE = "|".join(
    _accent_tolerant(form) + ("" if form in _FULL_MONTH_NAMES else r"\.?")
    for form in sorted(
        {form for forms in _ANY_MONTH_FORMS for form in forms}, key=len, reverse=True
    )
)
# Months in roman numerals ("10.XI.2026"), longest first.
_ROMAN_MONTHS = ("i", "ii", "iii", "iv", "v", "vi", "vii", "viii", "ix", "x", "xi", "xii")
_ROMAN_MONTH_RE = "|".join(sorted(_ROMAN_MONTHS, key=len, reverse=True))


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
    plaquettes leucocytes hematies pnn lymphocytes cellule qualite compte rendu objet date
    bonjour bonsoir cordialement merci salutations signe signature envoye message transfere
    cadre coordinatrice coordinateur secretaire directrice directeur chef cheffe ph cca
    aide-soignante auxiliaire praticien praticienne equipe garde astreinte liberale liberal
    staff chronologie resume transcription releve dpi relecture pas rdv cr tel mail courriel
    famille parents couple menage foyer hotel nouveau nouvelle
    bien bonne journee soiree maladie syndrome signe test score manoeuvre sequence
    classification echelle sonde ballon pince methode technique protocole criteres tetralogie
    anomalie kyste canal loi operation incision position reflexe courbe courbes abaque abaques
    table tables grille formule index indice reaction coloration culture etiquette diastole
    sf ide ipde iade ibode ide cadre
    syphilis rubeole hepatite tuberculose paludisme drepanocytose thalassemie meningite
    pneumopathie bronchiolite coqueluche rougeole grippe
    """
)
# Clinical vocabulary that a name detector (rule or model) must never take for a person or a
# place: eponyms of scores, signs, tests and diseases, drugs, germs, units and hospital
# functions. Folded (lower case, no accents).
_CLINICAL_TERMS = _word_set(
    """
    apgar silverman kleihauer guthrie hirschsprung potter doppler bishop coombs sarnat
    betke fallot wilms beckwith wiedemann noonan rett duchenne fanconi patau apert crouzon
    prader willi chiari pierre-robin kasabach werdnig hellp rhesus rh mcroberts mac-roberts
    jacquemier mauriceau lovset bracht couvelaire hegar mantoux ortolani babinski brazelton
    finnegan lubchenco audipog dubowitz prechtl pfannenstiel joel-cohen misgav ladach
    bakri foley cook seldinger guedel magill trendelenburg valsalva glasgow betadine
    kawasaki listeria kernig gram ziehl giemsa mcburney
    amoxicilline ampicilline gentamicine cefotaxime ceftriaxone vancomycine amikacine
    metronidazole clindamycine erythromycine azithromycine aciclovir valaciclovir
    oxytocine syntocinon carbetocine misoprostol sulprostone nalador dinoprostone propess
    prostine mifepristone nifedipine adalate atosiban tractocile labetalol trandate
    nicardipine loxen magnesium celestene betamethasone dexamethasone insuline metformine
    heparine enoxaparine lovenox tinzaparine innohep aspirine kardegic paracetamol doliprane
    morphine nalbuphine nubain sufentanil remifentanil ketamine propofol midazolam
    phenobarbital gardenal levetiracetam keppra caffeine surfactant curosurf poractant
    adrenaline noradrenaline dobutamine dopamine milrinone vitamine fer ferinject
    spasfon phloroglucinol salbutamol terbutaline exacyl acide tranexamique fibrinogene
    clottafact immunoglobulines rhophylac sulfate chlorure bicarbonate gluconate calcium
    potassium sodium glucose serum albumine oxygene protoxyde entonox kalinox naloxone
    narcan atropine hydrocortisone ocytocine methergin nesdonal celocurine suxamethonium
    sage sages
    streptocoque streptococcus agalactiae staphylocoque staphylococcus aureus epidermidis
    escherichia coli klebsiella enterocoque enterococcus listeria monocytogenes
    candida albicans pseudomonas proteus serratia haemophilus chlamydia trachomatis
    mycoplasma ureaplasma gonocoque treponema pallidum toxoplasma toxoplasmose rubeole
    cytomegalovirus cmv herpes hsv parvovirus zika varicelle covid sars-cov-2 vrs
    sa semaines jours heures minutes grammes litres mmhg mmol ui cm mm kg mg ml
    urgences maternite neonatologie reanimation pediatrie obstetrique gynecologie bloc
    salle naissance travail suites couches samu smur pmi camsp siao caf cpam ars has
    """
)
_NOT_A_NAME = _NOT_A_NAME | _CLINICAL_TERMS
# A capitalised word after these is an eponym ("maladie de Hirschsprung", "test de
# Kleihauer", "séquence de Potter"), never a person of the case.
_EPONYM_BEFORE = re.compile(
    r"(?:maladie|syndrome|signe|test|score|man(?:oe|œ)uvre|s[ée]quence|classification"
    r"|[ée]chelle|sonde|ballon|pince|m[ée]thode|technique|protocole|crit[èe]res|t[ée]tralogie"
    r"|anomalie|kyste|canal|loi|op[ée]ration|incision|position|r[ée]flexe|courbes?|abaques?"
    r"|tables?|grille|formule|index|indice|r[ée]action|coloration|culture|d[ée]roulement)"
    r"\s+(?:de\s+|d['’]\s*)\Z",
    re.IGNORECASE,
)
# Endings of French clinical words ("corticothérapie", "chorioamniotite", "hémorragie"...):
# a single word with one of them is not a person, whatever a model says.
_CLINICAL_SUFFIX = re.compile(
    r"(?:therapie|ites?|oses?|emies?|uries?|ectomie|tomie|scopie|graphie|pathie|plasie"
    r"|algies?|rragies?|cilline|mycine|azole|prazole|olol|parine|cycline|floxacine|logie"
    r"|isme|ations?|ements?)$"
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
# ISO date-times as exported by hospital software: "2025-03-14T08:30", "2025-06-02 14:05:00".
_ISO_DATETIME = re.compile(
    r"(?<![\w/.,\-])(?:19|20)\d{2}-[01]?\d-[0-3]?\d(?:T|[ \u00a0])[0-2]?\d[:h][0-5]\d"
    r"(?::[0-5]\d(?:[.,]\d{1,6})?)?(?:Z|[+\-][01]\d:?[0-5]\d)?(?!\w)"
)
# Day and month without a year, "12/03" or "5/4". Two-digit pairs are dates unless a measure
# comes before them ("TA 12/08", "EVA 08/10"); a one-digit part may be a fraction ("au 1/3
# inférieur", "2/3 des cas"), so it needs a dating word before it and no fraction word after.
_DAY_MONTH = re.compile(
    r"(?<![\w/.,\-+])(?P<d>\d{1,2})/(?P<m>\d{1,2})(?![\w/]|[.,\-]\d|[ \u00a0]?%)"
)
_DATING_WORD_BEFORE = re.compile(
    r"(?:\b(?:le|du|depuis|d[èe]s|jusqu['’]au|et\s+le|vers\s+le|avant\s+le|apr[èe]s\s+le"
    r"|entre\s+le|ce|lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche)[ \u00a0]+|^|\n)\Z",
    re.IGNORECASE,
)
_MEASURE_BEFORE = re.compile(
    r"(?:\b(?:ta|pa|pas|pad|tension|eva|en|fc|rcf|note|apgar|score|silverman|glasgow|bishop"
    r"|tcd|ratio|rapport|dilatation|col|soit|sur|parit[ée]|gestit[ée])\b[^\n.;]{0,12})\Z",
    re.IGNORECASE,
)
_FRACTION_AFTER = re.compile(
    r"[ \u00a0]*(?:inf[ée]rieur|sup[ée]rieur|moyen|des\b|de\b|du\b|d['’]|du\s)", re.IGNORECASE
)
_NUMBER_WORDS = (
    "premier|1er|deux|trois|quatre|cinq|six|sept|huit|neuf|dix|onze|douze|treize|quatorze"
    "|quinze|seize|dix-sept|dix-huit|dix-neuf|vingt(?:[ -]et[ -]un|-deux|-trois|-quatre"
    "|-cinq|-six|-sept|-huit|-neuf)?|trente(?:[ -]et[ -]un)?"
)
_FULL_MONTH_RE = "|".join(_accent_tolerant(forms[0]) for forms in _MONTHS)
# "le trois mars", "premier avril", "vingt-deux juin 2024".
_WORDED_DATE = re.compile(
    rf"(?<!\w)(?:{_NUMBER_WORDS}){_SP}+(?:{_FULL_MONTH_RE})(?!\w)(?:{_SP}+(?:19|20)\d{{2}}(?!\d))?",
    re.IGNORECASE,
)
# "du 3 au 4 mars", "les 16 et 18 mars", "3-4 mai": the whole range is one date.
_DATE_RANGE = re.compile(
    rf"(?<![\w/.,:])({_DAY_RE}){_SP}*(?:au|et|à|-){_SP}*(?:le{_SP}+)?{_DAY_RE}{_SP}+"
    rf"(?:{_MONTH_RE})(?!\w)(?:{_SP}+(?:19|20)\d{{2}}(?!\d))?",
    re.IGNORECASE,
)
# Between the parts of a date: "/", "." or "-", possibly with spaces around, or spaces alone.
_DATE_SEP = rf"(?:{_SP}{{0,2}}[/.\-]{_SP}{{0,2}}|{_SP}{{1,3}})"
# Between a day and a month name, or a month name and a year: the same, a comma, or nothing
# ("12NOV2026", "10-nov-2026", "10 nov. 2026", "Nov 10, 2026").
_NAME_SEP = rf"(?:,?{_SP}{{0,2}}[/.\-]{_SP}{{0,2}}|,?{_SP}{{0,3}})"
_FOUR_DIGIT_YEAR = r"(?:19|20)\d{2}"
_DAY_ORDINAL = rf"(?:1{_SP}?er|(?:[12]\d|3[01]|0?[1-9])(?:st|nd|rd|th)?)"
_DATE_END = r"(?![\w/]|[.,\-]\d)"
# "10 11 2026", "le 12 11 26", "10 / 11 / 2026": digits set apart by spaces (the usual
# separators without spaces are _NUMERIC_DATE's). Checked by _spaced_date_is_a_date.
_SPACED_DATE = re.compile(
    rf"(?<![\w/.,\-+])(?<!\d{_SP})(?P<d>\d{{1,2}})(?P<s1>{_DATE_SEP})(?P<m>\d{{1,2}})"
    rf"(?P<s2>{_DATE_SEP})(?P<y>\d{{4}}|\d{{2}}){_DATE_END}"
)
# "10-nov-2026", "10/nov/2026", "12NOV2026", "10th November 2026", "1er mars 24": a day, a month
# name (French or English) and a year, with any separator or none.
_NAMED_MONTH_DATE = re.compile(
    rf"(?<![\w/.,\-])(?P<d>{_DAY_ORDINAL})(?:{_SP}{{1,3}}of)?{_NAME_SEP}(?P<m>{_ANY_MONTH_RE})"
    rf"(?P<s2>{_NAME_SEP})(?P<y>{_FOUR_DIGIT_YEAR}|\d{{2}}){_DATE_END}",
    re.IGNORECASE,
)
# "Nov 10, 2026", "November 10th 2026": the month first, always with a four-digit year.
_MONTH_FIRST_DATE = re.compile(
    rf"(?<![\w/.,\-])(?:{_ANY_MONTH_RE}){_SP}{{0,3}}{_DAY_ORDINAL}(?:,{_SP}{{0,3}}|{_SP}{{1,3}})"
    rf"{_FOUR_DIGIT_YEAR}{_DATE_END}",
    re.IGNORECASE,
)
# "10.XI.2026", "12-XI-2026", "3 IV 2025": the month in roman numerals.
_ROMAN_DATE = re.compile(
    rf"(?<![\w/.,\-])(?P<d>{_DAY_RE})(?P<s1>{_DATE_SEP})(?P<m>(?i:{_ROMAN_MONTH_RE}))"
    rf"(?P<s2>{_DATE_SEP})(?P<y>{_FOUR_DIGIT_YEAR}|\d{{2}}){_DATE_END}"
)
# Words after which two digit groups and a two-digit year are a date ("le 12 11 26").
_DATING_WORD_ONLY_BEFORE = re.compile(
    r"\b(?:le|du|au|depuis|d[èe]s|jusqu['’]au|lundi|mardi|mercredi|jeudi|vendredi|samedi"
    r"|dimanche)[ \u00a0]+\Z",
    re.IGNORECASE,
)
_TIME_AFTER = re.compile(rf"{_SP}{{1,3}}\d{{1,2}}{_SP}?[h:]", re.IGNORECASE)
_DIGIT_AFTER = re.compile(rf"{_SP}{{1,3}}\d")
_NUMERIC_DATE, _ISO_DATE, _MONTH_YEAR_NUMERIC = (
    _starting_with(_DIGITS, regex) for regex in (_NUMERIC_DATE, _ISO_DATE, _MONTH_YEAR_NUMERIC)
)
_SPACED_DATE, _NAMED_MONTH_DATE, _ROMAN_DATE = (
    _starting_with(_DIGITS, regex) for regex in (_SPACED_DATE, _NAMED_MONTH_DATE, _ROMAN_DATE)
)
_MONTH_FIRST_DATE = _starting_with("jfmasond", _MONTH_FIRST_DATE)
_DAY_MONTH_AFTER_WORD = _starting_with("ldamjvs", _DAY_MONTH_AFTER_WORD)
_WRITTEN_DATE = _starting_with(_DIGITS + "lmjvsd", _WRITTEN_DATE)
_MONTH_AND_YEAR = _starting_with("jfmasond" + _VOWELS_ACCENTED, _MONTH_AND_YEAR)
_WEEKDAY_AND_DAY = _starting_with("lmjvsd", _WEEKDAY_AND_DAY)
_ISO_DATETIME = _starting_with("12", _ISO_DATETIME)
_DAY_MONTH = _starting_with(_DIGITS, _DAY_MONTH)
_WORDED_DATE = _starting_with("pdtqcshnovu1", _WORDED_DATE)
_DATE_RANGE = _starting_with(_DIGITS, _DATE_RANGE)


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
    for regex in (_ISO_DATETIME, _WORDED_DATE, _DATE_RANGE):
        for m in regex.finditer(text):
            yield _finding(text, "date", m.start(), m.end())
    for m in _DAY_MONTH.finditer(text):
        if _day_month_is_a_date(text, m):
            yield _finding(text, "date", m.start(), m.end())
    for m in _SPACED_DATE.finditer(text):
        if _spaced_date_is_a_date(text, m):
            yield _finding(text, "date", m.start(), m.end())
    for m in _NAMED_MONTH_DATE.finditer(text):
        # "le 10 mai 15 h", "10 mai 15:30": two digits after a month name may be an hour.
        hour = _quantity_after(text, m.end()) or text.startswith(":", m.end())
        if len(m["y"]) == 4 or not hour:
            yield _finding(text, "date", m.start(), m.end())
    for m in _MONTH_FIRST_DATE.finditer(text):
        yield _finding(text, "date", m.start(), m.end())
    for m in _ROMAN_DATE.finditer(text):
        if _roman_date_is_a_date(text, m):
            yield _finding(text, "date", m.start(), m.end())


def _is_spaced(separator: str) -> bool:
    """A separator made of spaces only ("10 11 2026"), as opposed to "/", "." or "-"."""
    return not any(char in "/.-" for char in separator)


def _quantity_after(text: str, end: int) -> bool:
    """A unit right after the last number: "10 11 2000 UI" is a dose, "10 11 12 min" a time."""
    return bool(_UNIT_AFTER.match(text, end) or _RUN_UNIT_AFTER.match(text, end))


def _numbers_go_on(text: str, m: re.Match) -> bool:
    """Digits right after a date written with spaces: part of a longer series of numbers
    ("06 10 11 26 45"), unless they are a time ("le 10 11 2026 14h30")."""
    return bool(_DIGIT_AFTER.match(text, m.end())) and not _TIME_AFTER.match(text, m.end())


def _spaced_date_is_a_date(text: str, m: re.Match) -> bool:
    """ "10 11 2026" with a calendar year, or "le 12 11 26" after a dating word; never a
    score, a measure ("TA 12 8 2000"), a quantity or a longer series of numbers."""
    if not _plausible_day_month(m["d"], m["m"], m["y"]) or _after_score(text, m.start()):
        return False
    if _MEASURE_BEFORE.search(text[max(0, m.start() - 24) : m.start()]):
        return False
    if _quantity_after(text, m.end()) or _numbers_go_on(text, m):
        return False
    if len(m["y"]) == 4:
        return True
    both_apart = _is_spaced(m["s1"]) or _is_spaced(m["s2"])
    before = text[max(0, m.start() - 24) : m.start()]
    return not both_apart or bool(_DATING_WORD_ONLY_BEFORE.search(before))


def _roman_date_is_a_date(text: str, m: re.Match) -> bool:
    """ "10.XI.2026", "12-xi-26"; with spaces alone, only capitals and a four-digit year
    ("3 V 2025", not "2 x 10")."""
    if _after_score(text, m.start()) or _quantity_after(text, m.end()):
        return False
    if _is_spaced(m["s1"]) or _is_spaced(m["s2"]):
        return m["m"].isupper() and len(m["y"]) == 4 and not _numbers_go_on(text, m)
    return True


def _day_month_is_a_date(text: str, m: re.Match) -> bool:
    """ "12/03" after no measure word, or "le 5/4" not followed by a fraction's noun."""
    if not _plausible_day_month(m["d"], m["m"]) or _after_score(text, m.start()):
        return False
    before = text[max(0, m.start() - 24) : m.start()]
    if _MEASURE_BEFORE.search(before):
        return False
    if len(m["d"]) == 2 and len(m["m"]) == 2:
        return True
    return bool(_DATING_WORD_BEFORE.search(before)) and not _FRACTION_AFTER.match(text, m.end())


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
# "@" and "." as people disguise them to fool harvesters: "jean.canari at example dot org",
# "jean.canari (at) example.org", "jean.canari @ example.org", "[arobase]", "(point)".
_EMAIL_AT = (
    rf"(?:{_SP}{{0,3}}@{_SP}{{0,3}}|{_SP}{{0,3}}[(\[{{<]{_SP}{{0,2}}(?i:at|arobase|@){_SP}{{0,2}}[)\]}}>]"
    rf"{_SP}{{0,3}}|{_SP}{{1,3}}(?i:at|arobase){_SP}{{1,3}})"
)
_EMAIL_DOT = (
    rf"(?:\.|{_SP}{{0,3}}[(\[{{<]{_SP}{{0,2}}(?i:dot|point|\.){_SP}{{0,2}}[)\]}}>]{_SP}{{0,3}}"
    rf"|{_SP}{{1,3}}(?i:dot|point){_SP}{{1,3}})"
)
_EMAIL_DISGUISED = re.compile(r"[\s()\[\]{}<>]")
_EMAIL_LAST_LABEL = re.compile(r"[A-Za-z]+$")
_EMAIL = re.compile(
    rf"(?<![\w.%+\-])[\w.%+\-]++{_EMAIL_AT}[\w\-]++(?:{_EMAIL_DOT}[\w\-]++)*"
    rf"{_EMAIL_DOT}[A-Za-z]{{2,}}(?!\w)"
)


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
        # "RDV @ CMP point de contact": a disguised address never ends in a French word.
        if _EMAIL_DISGUISED.search(m.group()) and _is_stopword(
            _EMAIL_LAST_LABEL.search(m.group())[0]
        ):
            continue
        yield _finding(text, "email", m.start(), m.end())


# --------------------------------------------------------------------------------------
# Hospital record numbers (IPP, NDA, dossier...)
# --------------------------------------------------------------------------------------

_RECORD = re.compile(
    r"(?<!\w)(?i:ipp|nda|iep|nip"
    r"|n[°o]\.?\s*(?:de\s+|d['’]\s*)?(?:dossier|s[ée]jour|patient|admission|venue)"
    r"|num[ée]ro\s+(?:de\s+|d['’]\s*)?(?:dossier|s[ée]jour|patient|admission|venue)"
    r"|n[°o]\.?\s*(?:d['’]\s*)?allocataire|num[ée]ro\s+d['’]\s*allocataire|allocataire"
    r"|dossier(?:\s+(?:m[ée]dical|patient|obst[ée]trical|n[ée]onatal))?)"
    # no letter may follow the keyword, but digits may: "IPP884512" is "IPP 884512"
    r"(?![^\W\d])"
    # whose record: "IPP mère :", "NDA enfant :", "IPP de la mère", "NDA J1"
    r"(?:[ \t\u00a0]+(?i:(?:de[ \t\u00a0]+la[ \t\u00a0]+|du[ \t\u00a0]+|de[ \t\u00a0]+l['’])?"
    r"(?:m[eè]re|enfant|b[ée]b[ée]|nouveau-n[ée]e?|nn|maman|p[eè]re|patiente?|jumeau|jumelle"
    r"|j\d|accouchement|naissance|s[ée]jour)(?:[ \t\u00a0]*\d)?)(?!\w))?"
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
    yield from _find_digit_runs(text)


# A long run of digits (seven or more, possibly with a few letters) that no measure follows:
# record, file, invoice or case numbers copied without their keyword ("Numéro 0145678901234",
# "réf. 2025A004411").
_DIGIT_RUN = _starting_with(
    _DIGITS + "A-Za-z",
    re.compile(r"(?<![\w.,/+\-])[A-Za-z0-9]{1,40}+(?:-[A-Za-z0-9]{1,20}+){0,4}(?![\w/\-]|[.,]\d)"),
)
_YEAR_RANGE = re.compile(r"(?:19|20)\d{2}-(?:19|20)\d{2}")
_RUN_UNIT_AFTER = re.compile(r"[ \u00a0]*(?:/|mg|g\b|µg|mcg|ml|ui|u/|mmol|kg|cp|%|€|euros?)", re.I)
_PHONE_LIKE = re.compile(r"(?:0[1-9]\d{8}|0033\d{9}|33\d{9})")


def _find_digit_runs(text: str) -> Iterator[Finding]:
    for m in _DIGIT_RUN.finditer(text):
        token = m.group()
        compact = token.replace("-", "")
        digits = sum(c.isdigit() for c in compact)
        if digits < 7 or digits < len(compact) - 4 or _PHONE_LIKE.fullmatch(compact):
            continue
        if _YEAR_RANGE.fullmatch(token) or _is_numeric_date(token):
            continue
        if _RUN_UNIT_AFTER.match(text, m.end()) or _after_score(text, m.start()):
            continue
        yield _finding(text, "record", m.start(), m.end())


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
_POSTCODE_RE = r"(?:0[1-9]|[1-8]\d|9[0-5]|97|98)\d{3}(?!\w|[.,\-/]\d)"
# A postcode after its label ("CP 94270", "code postal : 94270"); "cp" in lower case is a tablet.
_POSTCODE_AFTER_LABEL = re.compile(
    rf"(?<!\w)(?:CP|C\.P\.?|(?i:code{_SP}+postal))(?:{_SP}*:)?{_SP}*(?P<pc>{_POSTCODE_RE})"
)
# A postcode right after an address, or after the placeholder of one ("[ADRESSE] 94270").
_POSTCODE_AFTER = re.compile(rf"[\s,;\-–]{{0,4}}(?P<pc>{_POSTCODE_RE})")
_POSTCODE_AFTER_PLACEHOLDER = re.compile(
    re.escape(PLACEHOLDERS["address"]) + _POSTCODE_AFTER.pattern
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


_TOWN_ARTICLES = frozenset({"le", "la", "les"})


def _town_after_postcode(m: re.Match) -> bool:
    """ "94000 Créteil", and "94270 Le Kremlin-Bicêtre" whose article alone is no town."""
    words = m.group()[m.start("city") - m.start() :].split()
    if len(words) > 1 and _fold(words[0]) in _TOWN_ARTICLES:
        return _looks_like_city(words[1])
    return _looks_like_city(words[0])


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
        if _town_after_postcode(m):
            # A town with its postcode; one [ADRESSE] with the street when it follows one.
            yield _finding(text, "place", m.start(), _trim_stopwords(text, m.start(), m.end()))
    for m in _CITY_POSTCODE.finditer(text):
        # "Villejuif (94270)", "Le Kremlin-Bicêtre (94270)": the town of residence, even with no
        # locative word before it; "Plaquettes (10000)" is a lab value (clinical vocabulary).
        if _looks_like_city(m["city"]) and not _is_protected_place(m.group()):
            yield _finding(text, "place", m.start(), m.end())
    for regex in (_POSTCODE_AFTER_LABEL, _POSTCODE_AFTER_PLACEHOLDER):
        for m in regex.finditer(text):
            if not _quantity_after(text, m.end()):
                yield _finding(text, "address", m.start("pc"), m.end("pc"))


def _with_postcodes(text: str, findings: list[Finding]) -> list[Finding]:
    """An address with the postcode written right after it ("12 rue des Lilas 94270"): the
    postcode alone would still point at the family's commune."""
    extended: list[Finding] = []
    for index, f in enumerate(findings):
        following = findings[index + 1].start if index + 1 < len(findings) else len(text)
        m = _POSTCODE_AFTER.match(text, f.end) if f.kind == "address" else None
        if m and m.end() <= following and not _quantity_after(text, m.end()):
            f = Finding("address", f.start, m.end(), text[f.start : m.end()], f.signal)
        extended.append(f)
    return extended


# --------------------------------------------------------------------------------------
# Places that identify a family: shelters, schools, employers, town of residence
# --------------------------------------------------------------------------------------

# The kind of place stays readable (the committee needs "hébergée à l'hôtel via le 115"), its
# proper name does not: "l'hôtel [LIEU]", "l'école [LIEU]", "la caserne [LIEU]".
_ESTABLISHMENT = (
    r"h[ôo]tel|foyer|r[ée]sidence\s+sociale|centre\s+d['’]h[ée]bergement|chrs|cada|huda"
    r"|[ée]cole(?:\s+maternelle|\s+primaire|\s+[ée]l[ée]mentaire)?|coll[èe]ge|lyc[ée]e"
    r"|cr[èe]che|halte-garderie|micro-cr[èe]che|assistante\s+maternelle|caserne|quartier"
    r"|base\s+a[ée]rienne|r[ée]giment|entreprise|soci[ée]t[ée]|restaurant|magasin|usine"
    r"|supermarch[ée]|boulangerie|camping|squat|campement|gymnase|association|paroisse"
    r"|mosqu[ée]e|[ée]glise|temple|salon|garage|boutique|agence|cabinet|pharmacie"
    r"|entrep[ôo]t|chantier|atelier|plateforme|h[ée]bergement\s+d['’]urgence"
)
_PLACE_WORD = rf"(?:[{_UP}][\w'’]*+(?:-[\w'’]++){{0,4}}|\d{{1,4}})"
_PLACE_NAME = (
    rf"[«\"“]?{_SP}*(?P<name>(?:{_PARTICLE})?{_PLACE_WORD}"
    rf"(?:{_SP}+(?:(?:de|du|des|d['’]|la|le|les|l['’]|et|&|sur|sous|en){_SP}*)?{_PLACE_WORD}){{0,5}})"
)
_ESTABLISHMENT_NAME = _starting_with(
    "hfrcéeélqbesumgaptd",
    re.compile(rf"(?<!\w)(?i:{_ESTABLISHMENT})(?!\w){_SP}+{_PLACE_NAME}"),
)
# "travaille chez Derichebourg", "employée à la Société Générale", "intérimaire pour Adecco".
_EMPLOYER = _starting_with(
    "tesia",
    re.compile(
        rf"(?<!\w)(?i:travaill\w*|employ[ée]e?s?|salari[ée]e?s?|embauch[ée]e?s?|int[ée]rim\w*"
        rf"|stagiaire|apprentie?|serveuse|serveur|vendeuse|vendeur)"
        rf"(?:{_SP}+[{_LO}]+){{0,2}}?{_SP}+(?i:chez|pour|à|au|aux|dans)"
        rf"(?:{_SP}+(?i:la|le|les|l['’]|une?))?{_SP}*{_PLACE_NAME}"
    ),
)
# "vit avec sa belle-mère à Saint-Denis", "domiciliée à Montreuil", "hébergés sur Évry".
_RESIDENCE = _starting_with(
    "hvdrséoiaqe",
    re.compile(
        rf"(?<!\w)(?i:habit\w*|vit|vivent|vivant|domicili[ée]e?s?|r[ée]sid\w*|demeur\w*"
        rf"|h[ée]berg[ée]e?s?|originaires?|install[ée]e?s?|log[ée]e?s?|h[ée]bergement)"
        rf"(?:{_SP}+[\w'’\-]+){{0,4}}?{_SP}+(?i:à|a|au|sur|dans|de|d['’])"
        rf"{_SP}*(?P<name>{_CAP_WORD}(?:{_SP}+(?:-|sur|sous|en|l[eèa]s?|de|d['’])?{_SP}*{_CAP_WORD}){{0,2}})"
    ),
)
# A hyphenated town after a locative word: "à Villeneuve-Saint-Georges", "de Kremlin-Bicêtre".
_COMPOUND_TOWN = _starting_with(
    "àadvs",
    re.compile(
        rf"(?<!\w)(?i:à|au|de|du|vers|depuis|sur){_SP}+(?:(?:Le|La|Les|L['’]){_SP}*)?"
        rf"(?P<name>[{_UP}][{_LO}]+(?:-(?:[{_UP}][{_LO}]+|sur|sous|en|l[eèa]s?|de|d['’]|du|aux?))+"
        rf"(?:-[{_UP}][{_LO}]+)*)(?![\w\-])"
    ),
)


def _is_protected_place(words: str) -> bool:
    """A place name made only of clinical or function words ("Hôtel-Dieu" is a hospital)."""
    parts = re.findall(r"[^\W\d_]+", words)
    return not parts or all(_is_stopword(part) for part in parts)


def _find_places(text: str) -> Iterator[Finding]:
    """Proper names of the places where a family lives, studies or works."""
    for regex in (_ESTABLISHMENT_NAME, _EMPLOYER, _RESIDENCE, _COMPOUND_TOWN):
        for m in regex.finditer(text):
            start, end = m.span("name")
            end = _trim_stopwords(text, start, end)
            value = text[start:end]
            protected = _is_protected_place(value) or _fold(value) in _COUNTRIES_AND_REGIONS
            if end > start and not protected:
                yield _finding(text, "place", start, end)


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
# capitals, because "m" and "sf" are units or abbreviations in lower case. Only abbreviations
# may be followed by a full stop ("Dr. Roux", "M. Konaté"): after a full word, a full stop
# ends the sentence ("Pas d'interprète. Corticothérapie débutée").
_TRIGGER_SEPARATOR = r"(?:[ \t\u00a0]*[:,(][ \t\u00a0]*|[ \t\u00a0]+)"
_NAME_TRIGGER = re.compile(
    r"(?<![\w.])(?:"
    r"(?:(?i:mme|mlle|dr|pr|[ée]p|mr)|Mr|MM|M|SF|IDE|IPDE|AS)(?!\w)(?:\.[ \t\u00a0]*|"
    + _TRIGGER_SEPARATOR
    + r")"
    r"|(?i:madame|mademoiselle|monsieur|docteur|professeur"
    r"|n[ée]e|[ée]pouse|veuve|b[ée]b[ée]|enfant|nouveau-n[ée]"
    r"|sage-femme|interne|externe|p[ée]diatre|n[ée]onatologue|gyn[ée]cologue"
    r"|gyn[ée]co-obst[ée]tricien(?:ne)?|obst[ée]tricien(?:ne)?|anesth[ée]siste|m[ée]decin"
    r"|infirmi[eè]re?|pu[ée]ricultrice|psychologue|assistante?\s+sociale?|interpr[eè]te"
    r"|patiente?|p[eè]re|m[eè]re|maman|papa|mari|conjointe?|compagnon|compagne|fils|fille"
    r"|fr[eè]re|s[œo]e?ur|tante|oncle|cousine?|grand-m[eè]re|grand-p[eè]re|belle-m[eè]re"
    r"|beau-p[eè]re|belle-s[œo]e?ur|beau-fr[eè]re|amie?|voisine?|a[îi]n[ée]e?|cadet(?:te)?"
    r"|cadre|coordinat(?:rice|eur)|secr[ée]taire|aide-soignante?|auxiliaire|praticien(?:ne)?"
    r"|chef(?:fe)?\s+de\s+(?:service|clinique)|sign[ée]|signature|r[ée]dig[ée]\s+par"
    r"|relu\s+par|valid[ée]\s+par|transmis\s+par|envoy[ée]\s+par|exp[ée]diteur|auteur"
    r"|pr[ée]noms?|nom(?:\s+de\s+naissance|\s+d['’]usage|\s+de\s+jeune\s+fille)?)"
    r"(?!\w)" + _TRIGGER_SEPARATOR + r")"
)
_NAME_TRIGGER = _starting_with("mdpnevbsigaofcéértcl", _NAME_TRIGGER)
_ALLCAPS = rf"[{_UP}]{{2,}}+(?:[-'’][{_UP}]{{2,}}+){{0,4}}"
_CAPITALISED = rf"[{_UP}][{_LO}]++(?:-[{_UP}][{_LO}]++){{0,4}}"


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


_WORD_TOKEN = re.compile(r"[^\W\d_]+")
_CAP_TOKEN = _starting_with(
    _UP, re.compile(rf"(?<![\w'’\-])[{_UP}][{_LO}{_UP}]*+(?:-[{_UP}][{_LO}{_UP}]*+){{0,3}}(?![\w])")
)
# A family name after a given name: capitalised, in capitals, or an initial ("Sarah B.").
_SURNAME_AFTER = re.compile(
    rf"{_SP}+(?:{_NAME_PARTICLE})?(?:[{_UP}][{_LO}{_UP}'’]++(?:-[{_UP}][{_LO}{_UP}'’]++){{0,3}}"
    rf"|[{_UP}]\.)(?![\w])"
)
_INITIAL_SURNAME = _starting_with(
    _UP,
    re.compile(
        rf"(?<![\w.'’])[{_UP}]\.(?:-[{_UP}]\.)?{_SP}?(?P<surname>{_CAPITALISED}|{_ALLCAPS})(?!\w)"
    ),
)
_ROLE_AFTER = (
    r"cadre|sage-femme|sages-femmes|sf|ide|ipde|iade|ibode|interne|externe|p[ée]diatre"
    r"|n[ée]onatologue|m[ée]decin|ph|cca|chef(?:fe)?|pu[ée]ricultrice|assistante?\s+sociale?"
    r"|as|psychologue|gyn[ée]cologue|obst[ée]tricien(?:ne)?|anesth[ée]siste|coordinat(?:rice|eur)"
    r"|secr[ée]taire|direct(?:rice|eur)|aide-soignante?|auxiliaire|praticien(?:ne)?|docteure?"
    r"|infirmi[eè]re?|interpr[eè]te|[ée]tudiante?|m[ée]diat(?:rice|eur)|responsable|r[ée]f[ée]rente?"
    r"|conseill[eè]re|[ée]ducat(?:rice|eur)|technicienne?|manipulat(?:rice|eur)|kin[ée]"
)
# "Julie Martin, cadre", "Emilie Roche (cadre)", "DURAND, SF de nuit".
_NAME_THEN_ROLE = _starting_with(
    _UP,
    re.compile(
        rf"(?<![\w'’\-])(?P<name>[{_UP}][{_LO}{_UP}'’]*+(?:-[{_UP}][{_LO}{_UP}'’]*+){{0,3}}"
        rf"(?:{_SP}+(?:{_NAME_PARTICLE})?(?:[{_UP}][{_LO}{_UP}'’]*+(?:-[{_UP}][{_LO}{_UP}'’]*+){{0,3}}"
        rf"|[{_UP}]\.)){{0,2}})"
        rf"{_SP}*(?:,|\(|-{_SP}){_SP}*(?i:{_ROLE_AFTER})(?!\w)"
    ),
)
# Mail headers and signatures: "De : Sophie Lebrun <s.lebrun@...>", "Signé : Marc Olivier".
_HEADER_LINE = re.compile(
    r"(?im)^[ \t>]*(?:de|from|exp[ée]diteur|envoy[ée]\s+par|[àa]|to|cc|cci|bcc|sign[ée]"
    r"|signature|r[ée]dig[ée]\s+par|r[ée]dacteur|r[ée]dactrice|auteur|relu\s+par"
    r"|valid[ée]\s+par)[ \t]*:[ \t]*(?P<rest>[^\n]{0,300})"
)
_NAME_RUN = _starting_with(
    _UP,
    re.compile(
        rf"(?<![\w'’\-])(?:[{_UP}][{_LO}{_UP}'’]*+(?:-[{_UP}][{_LO}{_UP}'’]*+){{0,3}}|[{_UP}]\.)"
        rf"(?:{_SP}+(?:{_NAME_PARTICLE})?(?:[{_UP}][{_LO}{_UP}'’]*+(?:-[{_UP}][{_LO}{_UP}'’]*+){{0,3}}"
        rf"|[{_UP}]\.)){{0,3}}"
    ),
)
# The line after a closing formula is a signature: "Bien cordialement,\nClaire Vasseur".
_CLOSING_LINE = re.compile(
    r"(?im)^[ \t>]*(?:bien[ \t]+)?(?:cordialement|sinc[èe]rement|amicalement|confraternellement"
    r"|bien[ \t]+[àa][ \t]+(?:vous|toi)|salutations[^\n]{0,40}|merci[^\n]{0,40}|bonne[ \t]+"
    r"(?:journ[ée]e|soir[ée]e)|--)[ \t,.!]*\n(?P<line>[^\n]{1,80})"
)
_NAME_BEFORE_EMAIL = _starting_with(
    _UP,
    re.compile(
        rf"(?<![\w'’\-])(?P<name>[{_UP}][{_LO}{_UP}'’]*+(?:-[{_UP}][{_LO}{_UP}'’]*+)?"
        rf"(?:{_SP}+[{_UP}][{_LO}{_UP}'’]*+(?:-[{_UP}][{_LO}{_UP}'’]*+)?){{0,3}}){_SP}*[<(\[]"
        r"[^<>()\[\]\n]{0,100}@"
    ),
)
_CAPS_GROUP = rf"{_ALLCAPS}(?:{_SP}+{_ALLCAPS}){{0,2}}"
_CAP_GROUP = rf"{_CAPITALISED}(?:{_SP}+{_CAPITALISED}){{0,2}}"
# Hospital convention "DIALLO Aminata", "NGUYEN Thi Lan", "DA SILVA SANTOS Maria" and its
# mirror "Aminata DIALLO", "Thi Hoa TRAN", with no civility.
_SURNAME_FIRSTNAME = (
    _starting_with(
        _UP,
        re.compile(rf"(?<![\w\[])(?P<caps>{_CAPS_GROUP}){_SP}+(?P<cap>{_CAP_GROUP})(?![\w\]])"),
    ),
    _starting_with(
        _UP,
        re.compile(rf"(?<![\w\[])(?P<cap>{_CAP_GROUP}){_SP}+(?P<caps>{_CAPS_GROUP})(?![\w\]])"),
    ),
)


def _is_eponym(text: str, start: int) -> bool:
    """A capitalised word right after "maladie de", "test de", "séquence de"..."""
    return bool(_EPONYM_BEFORE.search(text[max(0, start - 40) : start]))


def _not_a_name_part(word: str) -> bool:
    return _is_stopword(word) or _fold(word) in _PARTICLE_WORDS


def _name_words_span(text: str, start: int, end: int) -> tuple[int, int] | None:
    """The span without the clinical or function words at either end ("Relecture Julie
    Martin" -> "Julie Martin"), or None when nothing but such words is left."""
    words = list(_WORD_TOKEN.finditer(text, start, end))
    while words and _not_a_name_part(words[0].group()):
        words.pop(0)
    while words and _not_a_name_part(words[-1].group()):
        words.pop()
    if not words:
        return None
    last_end = words[-1].end()
    if last_end < end and text[last_end] == "." and last_end - words[-1].start() == 1:
        last_end += 1  # keep the dot of a final initial "B."
    return words[0].start(), last_end


def _not_a_name_part(word: str) -> bool:
    return _is_stopword(word) or _fold(word) in _PARTICLE_WORDS


def _caps_group_is_surname(group: str) -> bool:
    words = group.split()
    surnames = [w for w in words if _fold(w) not in _PARTICLE_WORDS]
    return bool(surnames) and all(_looks_like_surname_in_capitals(w) for w in surnames)


def _find_surname_firstname(text: str) -> Iterator[Finding]:
    for caps_first, regex in zip((True, False), _SURNAME_FIRSTNAME, strict=True):
        for m in regex.finditer(text):
            if not _caps_group_is_surname(m["caps"]):
                continue
            cap = _name_words_span(text, m.start("cap"), m.end("cap"))
            if cap is None:
                continue
            if caps_first and cap[0] != m.start("cap"):
                continue  # "DIALLO Transfert": no given name after the capitals
            if not caps_first and cap[1] != m.end("cap"):
                continue
            start, end = (m.start(), cap[1]) if caps_first else (cap[0], m.end())
            yield _finding(text, "name", start, end)


# Clinical acronyms that are also given names: in capitals, the acronym ("EVA 8/10" is a
# pain score, "ANA" antinuclear antibodies); written "Eva", the person.
_ACRONYMS_LIKE_NAMES = frozenset({"eva", "ana"})


def _is_given_name(word: str) -> bool:
    folded = _fold(word)
    return folded in FIRST_NAMES or (
        "-" in folded and all(part in FIRST_NAMES for part in folded.split("-"))
    )


def _find_given_names(text: str) -> Iterator[Finding]:
    """A known given name ("Yasmine", "Thomas Garnier", "Sarah B."), with the family name
    that follows it; a given name that is also a common word needs that family name."""
    for m in _CAP_TOKEN.finditer(text):
        word = m.group()
        folded = _fold(word)
        ambiguous = folded in AMBIGUOUS_FIRST_NAMES
        if not (ambiguous or _is_given_name(word)) or _is_eponym(text, m.start()):
            continue
        if word.isupper() and folded in _ACRONYMS_LIKE_NAMES:
            continue
        end = m.end()
        for _extra in range(2):
            after = _SURNAME_AFTER.match(text, end)
            if after is None:
                break
            last = _WORD_TOKEN.findall(after.group())
            if last and _is_stopword(last[-1]) and not after.group().endswith("."):
                break
            end = after.end()
        if ambiguous and end == m.end():
            continue
        yield _finding(text, "name", m.start(), end)


def _find_names_in_line(text: str, start: int, end: int) -> Iterator[Finding]:
    for run in _NAME_RUN.finditer(text, start, end):
        span = _name_words_span(text, run.start(), run.end())
        if span is not None and not _is_eponym(text, span[0]):
            yield _finding(text, "name", *span)


def _find_names(text: str) -> Iterator[Finding]:
    """Names introduced by a civility, role or label; "NOM Prénom" pairs; given names of the
    gazetteer with their family name; names before a role ("Julie Martin, cadre") or an
    e-mail address; names in mail headers and signatures; initial + family name."""
    for m in _NAME_TRIGGER.finditer(text):
        end = _scan_name(text, m.end())
        if end is not None:
            yield _finding(text, "name", m.end(), end)
    yield from _find_surname_firstname(text)
    yield from _find_given_names(text)
    for regex in (_NAME_THEN_ROLE, _NAME_BEFORE_EMAIL):
        for m in regex.finditer(text):
            span = _name_words_span(text, m.start("name"), m.end("name"))
            if span is not None and not _is_eponym(text, span[0]):
                yield _finding(text, "name", *span)
    for m in _HEADER_LINE.finditer(text):
        yield from _find_names_in_line(text, m.start("rest"), m.end("rest"))
    for m in _CLOSING_LINE.finditer(text):
        yield from _find_names_in_line(text, m.start("line"), m.end("line"))
    for m in _INITIAL_SURNAME.finditer(text):
        # "M. Konaté" is Monsieur, left readable (the trigger above takes the name).
        if not m.group().startswith("M.") and not _is_stopword(m["surname"]):
            yield _finding(text, "name", m.start(), m.end())


def _propagate_names(text: str, findings: list[Finding]) -> list[Finding]:
    """Once a word is found to be part of a name, every occurrence of it is a name, whatever
    its case and accents ("Fanta", "FANTA", "fanta"), with an initial after it ("Sarah B.").
    Linear: one pass over the words of the text, each looked up in a set."""
    signals: dict[str, str] = {}
    for f in findings:
        if f.kind != "name":
            continue
        for word in _WORD_TOKEN.findall(_fold(f.text)):
            if len(word) >= 2 and word not in _PARTICLE_WORDS and not _is_stopword(word):
                signals.setdefault(word, f.signal)
    if not signals:
        return []
    folded = _fold(text)
    found = []
    for m in _WORD_TOKEN.finditer(folded):
        word = m.group()
        signal = signals.get(word)
        if signal is None:
            continue
        start, end = m.span()
        needs_capital = word in _COMMON_WORD_NAMES or word in AMBIGUOUS_FIRST_NAMES
        if (needs_capital or len(word) < 3) and not text[start].isupper():
            continue
        initial = _INITIAL_AFTER.match(text, end)
        end = initial.end() if initial else end
        found.append(Finding("name", start, end, text[start:end], signal))
    return found


_INITIAL_AFTER = re.compile(rf"{_SP}+[{_UP}]\.(?!\w)")


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
_NO_DIGIT_BEFORE = r"(?<![0-9])"
_RECORD_LABEL = re.compile(r"(?i:ipp|nda|iep|nip)[\s:°n.\-]*(?=\d)")
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
    """Regex (on folded text) for a known date in all the ways a clinician may write it:
    digits with any separator or none ("10 11 26", "10.11.2026", "10112026"), ISO, the month
    in roman numerals ("10.xi.2026") or as a French or English name or abbreviation, before
    or after the day, glued or not ("12nov2026", "10-nov-26", "nov 10, 2026", "10th november")."""
    d, mo = rf"0?{day}", rf"0?{month}"
    day_written = rf"(?:1{_SP}?er|0?1(?:st)?)" if day == 1 else rf"{d}(?:st|nd|rd|th)?"
    months = "|".join(
        form if form in _FULL_MONTH_NAMES else rf"{form}\.?" for form in _ANY_MONTH_FORMS[month - 1]
    )
    day_month = rf"{day_written}(?:{_SP}{{1,3}}of)?{_NAME_SEP}(?:{months})"
    if year is None:
        # No numeric form: a bare "3/2" is more often a fraction than this date.
        return rf"{day_month}(?!\w)"
    years = rf"(?:{year}|{year % 100:02d})"
    numeric = (
        rf"{d}{_DATE_SEP}{mo}{_DATE_SEP}{years}|{year}{_DATE_SEP}{mo}{_DATE_SEP}{d}"
        rf"|{d}{_DATE_SEP}{_ROMAN_MONTHS[month - 1]}{_DATE_SEP}{years}"
        rf"|{day:02d}{month:02d}{years}|{year}{month:02d}{day:02d}"
    )
    return (
        rf"(?<![\w/.\-])(?:{numeric})(?![\w/]|[.\-]\d)"
        rf"|{day_month}(?:{_NAME_SEP}{years}(?!\d)|(?!\w))"
        rf"|(?:{months}){_SP}{{0,3}}{day_written}(?:,{_SP}{{0,3}}|{_SP}{{1,3}}){year}(?!\d)"
        rf"|(?:{months}){_SP}+{year}(?!\d)"
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


def _email_pattern(value: str) -> str:
    """Regex for a known e-mail address, also with its "@" and dots disguised ("jean.canari
    at example dot org", "jean.canari (at) example.org", "jean.canari @ example.org")."""
    local, _at, domain = _fold(value).rpartition("@")
    dotted = lambda part: _EMAIL_DOT.join(re.escape(label) for label in part.split("."))  # noqa: E731
    return dotted(local) + _EMAIL_AT + dotted(domain)


def _words_pattern(value: str) -> str:
    """Regex for a multi-word value (name, address) with flexible separators."""
    words = re.findall(r"\w+", _fold(value))
    return r"[\W_]+".join(re.escape(w) for w in words)


def _known_patterns(value: str, kind: str) -> list[tuple[str, bool]]:
    """(regex, needs_capital) pairs to search in the folded text for one known value."""
    if kind == "email":
        return [(_email_pattern(value), False)]
    parsed_date = _parse_date(value)
    if kind == "date" and parsed_date is not None:
        return [(_date_pattern(*parsed_date), False)]
    if kind in ("nir", "record"):
        patterns = [(_chars_pattern(value), False)]
        # A record held with its label ("IPP778899001") is also written without it.
        labelled = _RECORD_LABEL.match(value)
        if labelled and len(value) - labelled.end() >= 5:
            patterns.append((_chars_pattern(value[labelled.end() :]), False))
        return patterns
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
        # A number may be glued to its label: "IPP884512", "NDA2025004512".
        before = _NO_DIGIT_BEFORE if kind in ("record", "nir") else _WORD_BOUNDARY_BEFORE
        for pattern, needs_capital in _known_patterns(value, kind):
            regex = re.compile(before + f"(?:{pattern})" + _WORD_BOUNDARY_AFTER)
            for m in regex.finditer(folded):
                if m.start() == m.end() or (needs_capital and not text[m.start()].isupper()):
                    continue
                start, end = m.span()
                if kind == "name":
                    start, end = _widen_to_compound(text, start, end)
                yield Finding(kind, start, end, text[start:end], "known")


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
    _find_places,
    _find_names,
)
_ADDRESS_GAP = re.compile(r"[\s,;\-–]*")
# Where a finding comes from, when two of the same span compete: the case's own values first.
_SIGNAL_RANK = {"known": 0, "rule": 1, "model": 2}


def _resolve_overlaps(text: str, candidates: list[Finding]) -> list[Finding]:
    """Keep non-overlapping findings, the longest first, then the case's own values (the vault
    knows what a value is: "01122026" is its date, not a record number), then the most
    specific kind.

    Placeholders left by an earlier scrub are reserved first, so that they are never taken
    for identifiers (this is what keeps scrub() idempotent).
    """
    taken = bytearray(len(text))
    for m in _PLACEHOLDER_RE.finditer(text):
        taken[m.start() : m.end()] = b"\x01" * (m.end() - m.start())
    chosen: list[Finding] = []
    key = lambda f: (-f.length, _SIGNAL_RANK[f.signal], _PRIORITY[f.kind], f.start)  # noqa: E731
    for cand in sorted(candidates, key=key):
        if cand.length > 0 and 1 not in taken[cand.start : cand.end]:
            taken[cand.start : cand.end] = b"\x01" * cand.length
            chosen.append(cand)
    return sorted(chosen, key=lambda f: f.start)


def _merge_address_parts(text: str, findings: list[Finding]) -> list[Finding]:
    """One [ADRESSE] for "12 rue des Lilas, bâtiment B, 94000 Créteil", not three: a town
    right after a street line is part of the address."""
    merged: list[Finding] = []
    for f in _with_postcodes(text, findings):
        prev = merged[-1] if merged else None
        if (
            prev is not None
            and {prev.kind, f.kind} <= {"address", "place"}
            and "address" in (prev.kind, f.kind)
            and _ADDRESS_GAP.fullmatch(text, prev.end, f.start)
        ):
            merged[-1] = Finding(
                "address", prev.start, f.end, text[prev.start : f.end], prev.signal
            )
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


class Recogniser(Protocol):
    """The statistical second signal (cases.ner): spans of persons and places in a text."""

    name: str

    def entities(self, text: str) -> list[tuple[str, int, int]]:
        """(label, start, end) with label "PER" or "LOC"."""
        ...


_LEADING_NOISE = re.compile(r"^[\W_]+")
_TRAILING_NOISE = re.compile(r"[\W_]+$")
# Countries, continents and French regions are social context the committee needs ("arrivée
# du Mali à 30 SA", "née en Guadeloupe"), too broad to point at a family.
_COUNTRIES_AND_REGIONS = _word_set(
    """
    france europe afrique asie amerique oceanie maghreb antilles metropole outre-mer dom tom
    mali senegal guinee cote d'ivoire ivoire cameroun congo rdc gabon niger nigeria ghana
    togo benin burkina faso mauritanie gambie sierra leone liberia tchad soudan erythree
    ethiopie somalie djibouti kenya angola madagascar comores mayotte maurice reunion
    algerie maroc tunisie libye egypte turquie syrie irak iran afghanistan pakistan inde
    bangladesh sri lanka chine vietnam cambodge laos thailande philippines japon coree
    roumanie bulgarie moldavie ukraine russie georgie armenie albanie kosovo serbie bosnie
    pologne allemagne belgique suisse italie espagne portugal royaume-uni angleterre irlande
    bresil colombie venezuela perou bolivie equateur chili argentine mexique haiti cuba
    guadeloupe martinique guyane polynesie caledonie nouvelle-caledonie wallis futuna
    ile-de-france bretagne normandie occitanie provence corse alsace lorraine auvergne
    bourgogne aquitaine nouvelle-aquitaine picardie champagne hauts-de-france grand-est
    """
)
# "le CH de Montauban", "CHU de Rennes": the town of a hospital names the hospital, which the
# committee knows, not the family.
_HOSPITAL_BEFORE = re.compile(
    r"(?:\b(?:ch|chu|chr|chi|chru|chic|ght|hopital|h[ôo]pital|clinique|polyclinique|maternit[ée]"
    r"|centre\s+hospitalier(?:\s+universitaire|\s+r[ée]gional|\s+intercommunal)?|samu|smur"
    r"|pmi|camsp|cpdpn|r[ée]seau)(?:\s+\w+)?\s+(?:de\s+|d['’]\s*|du\s+)?)\Z",
    re.IGNORECASE,
)


def _glued(text: str, index: int, step: int) -> bool:
    """True when text[index] continues the word next to it: a letter or digit, or a hyphen
    or apostrophe followed by one ("Nouveau" in "Nouveau-né" is not a word of its own)."""
    if not 0 <= index < len(text):
        return False
    if text[index].isalnum():
        return True
    beyond = index + step
    return text[index] in "-'’" and 0 <= beyond < len(text) and text[beyond].isalnum()


def _entity_lines(text: str, entities) -> Iterator[tuple[str, int, int]]:
    """Each line of an entity on its own: a name never spans lines, and a model may run a
    signature into the job title below it ("Claire Vasseur\nSage-femme")."""
    for label, start, end in entities:
        cursor = start
        for part in text[start:end].split("\n"):
            if part.strip():
                yield label, cursor, cursor + len(part)
            cursor += len(part) + 1


def _model_findings(text: str, recogniser: Recogniser) -> Iterator[Finding]:
    """The model's persons and places, less what the clinical vocabulary protects: eponyms,
    drugs, germs, units, hospital functions, words with a clinical ending, lower-case words."""
    for label, start, end in _entity_lines(text, recogniser.entities(text)):
        kind = {"PER": "name", "LOC": "place"}.get(label)
        if kind is None:
            continue
        span = _name_words_span(text, start, end)
        if span is None:
            continue
        start, end = span
        value = text[start:end]
        words = _WORD_TOKEN.findall(value)
        inside_a_word = _glued(text, start - 1, -1) or _glued(text, end, 1)
        if (
            inside_a_word
            or any(char.isdigit() for char in value)
            or not any(word[0].isupper() for word in words)
            or _is_eponym(text, start)
        ):
            continue
        if kind == "place" and (
            _fold(value) in _COUNTRIES_AND_REGIONS
            or _HOSPITAL_BEFORE.search(text[max(0, start - 40) : start])
        ):
            continue
        if len(words) == 1:
            folded = _fold(words[0])
            if (
                (words[0].isupper() and folded in _ACRONYMS_LIKE_NAMES)
                or len(folded) < 3
                or folded in _COUNTRIES_AND_REGIONS
                or (_CLINICAL_SUFFIX.search(folded) and not _is_given_name(words[0]))
            ):
                continue
        yield Finding(kind, start, end, value, "model")


def _findings(text: str, known: Iterable[str], recogniser: Recogniser | None) -> list[Finding]:
    """Findings in a text already in normal form."""
    if not text:
        return []
    candidates = [f for detect in _DETECTORS for f in detect(text)]
    candidates.extend(_find_known(text, [normalise_text(value) for value in known]))
    if recogniser is not None:
        candidates.extend(_model_findings(text, recogniser))
    chosen = _resolve_overlaps(text, candidates)
    propagated = _propagate_names(text, chosen)
    if propagated:
        chosen = _resolve_overlaps(text, chosen + propagated)
    return _merge_address_parts(text, chosen)


# Results per (text, known values, model): the case page asks the same question on every view.
# Keyed by a digest, so that the cache holds no text as a key; bounded (least recently used
# entries go first) and shared by the threads of a process.
_CACHE_SIZE = 256
_cache: OrderedDict[bytes, tuple[Finding, ...]] = OrderedDict()
_cache_lock = threading.Lock()


def _cache_key(text: str, known: tuple[str, ...], recogniser: Recogniser | None) -> bytes:
    digest = hashlib.blake2b(digest_size=20)
    for part in (text, *known, recogniser.name if recogniser is not None else ""):
        data = part.encode("utf-8", "surrogatepass")
        digest.update(len(data).to_bytes(8, "big"))
        digest.update(data)
    return digest.digest()


def clear_cache() -> None:
    """Forget every cached result (tests, or after the vocabulary changed)."""
    with _cache_lock:
        _cache.clear()


def find_identifiers(
    text: str, known: Iterable[str] = (), *, recogniser: Recogniser | None = None
) -> list[Finding]:
    """Non-overlapping findings sorted by start, in `normalise_text(text)`.

    Offsets and texts refer to the normal form, which is the text itself for every stored
    review text. `known` holds the case's own identity values (names, NIR, IPP/NDA, address,
    phone, e-mail, dates); they are found wherever they appear, in addition to the patterns.
    `recogniser`, when given, adds the statistical model's persons and places (second signal).
    Results are cached per (text, known values, model). Raises TextTooLong beyond
    MAX_TEXT_LENGTH characters.
    """
    text = _normalised(text)
    known = tuple(value for value in known if value)
    key = _cache_key(text, known, recogniser)
    with _cache_lock:
        cached = _cache.get(key)
        if cached is not None:
            _cache.move_to_end(key)
            return list(cached)
    found = tuple(_findings(text, known, recogniser))
    with _cache_lock:
        _cache[key] = found
        while len(_cache) > _CACHE_SIZE:
            _cache.popitem(last=False)
    return list(found)


def finding_key(value: str) -> str:
    """The form in which a finding's value is compared and remembered: normal form, folded
    (no case, no accents), spaces collapsed. "Dr  KLEIHAUER" and "dr kleihauer" are one."""
    return " ".join(_fold(normalise_text(value)).split())


def contains_known(value: str, known: Iterable[str]) -> bool:
    """True when a case's own identity value (or a word of its name) occurs in `value`."""
    value = normalise_text(value)
    return any(True for _f in _find_known(value, [normalise_text(v) for v in known if v]))


def replace_findings(text: str, findings: Iterable[Finding]) -> str:
    """The (normal form) text with each finding replaced by its placeholder."""
    pieces: list[str] = []
    cursor = 0
    for f in sorted(findings, key=lambda f: f.start):
        if f.start < cursor:
            continue
        pieces.append(text[cursor : f.start])
        pieces.append(PLACEHOLDERS[f.kind])
        cursor = f.end
    pieces.append(text[cursor:])
    return "".join(pieces)


def scrub(text: str, known: Iterable[str] = (), *, recogniser: Recogniser | None = None) -> str:
    """The normal form of the text with every finding replaced by its placeholder."""
    text = _normalised(text)
    return replace_findings(text, find_identifiers(text, known, recogniser=recogniser))


def has_identifiers(
    text: str, known: Iterable[str] = (), *, recogniser: Recogniser | None = None
) -> bool:
    """True while the text still contains something that scrub() would replace."""
    return bool(find_identifiers(text, known, recogniser=recogniser))
