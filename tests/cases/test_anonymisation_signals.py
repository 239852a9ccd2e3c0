"""Issue 11: what the rules used to miss, the statistical second signal and its clinical
filter, the per-text cache and the scrubber on hostile input."""

import time

import pytest

from cases import anonymisation, ner
from cases.anonymisation import clear_cache, find_identifiers, finding_key, scrub
from cases.text import normalise_text


def kinds(text, known=(), recogniser=None):
    return [(f.kind, f.text) for f in find_identifiers(text, known, recogniser=recogniser)]


# --- What the rules missed (each also in the corpus, written differently) -------------------


@pytest.mark.parametrize(
    "text, expected",
    [
        # a first name alone, then every occurrence whatever its case and accents
        ("Appel de la mère (Fanta) à 19h. FANTA rappelle ; fanta repart.",
         "Appel de la mère ([NOM]) à 19h. [NOM] rappelle ; [NOM] repart."),
        ("Sarah B. revue à 34 SA ; Sarah accepte.", "[NOM] revue à 34 SA ; [NOM] accepte."),
        ("Hélène arrive ; HELENE repart ; Helene rappelle.",
         "[NOM] arrive ; [NOM] repart ; [NOM] rappelle."),
        # names with no title, staff included
        ("Julie Martin, cadre, prévenue.", "[NOM], cadre, prévenue."),
        ("Vu par Thomas Garnier puis Émilie Roche (cadre).", "Vu par [NOM] puis [NOM] (cadre)."),
        ("De : Sophie Lebrun <s.lebrun@chu-exemple.fr>", "De : [NOM] <[EMAIL]>"),
        ("Bien cordialement,\nClaire Vasseur\nSage-femme", "Bien cordialement,\n[NOM]\nSage-femme"),
        ("Signature : C. Marchand, SF libérale.", "Signature : [NOM], SF libérale."),
        # family names in capitals as copied from records
        ("NGUYEN Thi Lan, 27 ans.", "[NOM], 27 ans."),
        ("Patiente DA SILVA SANTOS Maria.", "Patiente [NOM]."),
        # record numbers
        ("IPP mère : 40012345, NDA enfant : 7788990012.",
         "IPP mère : [N° DOSSIER], NDA enfant : [N° DOSSIER]."),
        ("n° d'admission 2025A004411.", "n° d'admission [N° DOSSIER]."),
        ("Numéro 0145678901234 sur la fiche.", "Numéro [N° DOSSIER] sur la fiche."),
        # dates without a year, written dates, ISO date-times
        ("Vue le 12/03, revue le 5/4.", "Vue le [DATE], revue le [DATE]."),
        ("Hospitalisée du 3 au 4 mars.", "Hospitalisée du [DATE]."),
        ("Née le premier mars, décédée le trois mars.", "Née le [DATE], décédée le [DATE]."),
        ("Entrée 2025-03-14T08:30, sortie 2025-03-15 10:15:00.", "Entrée [DATE], sortie [DATE]."),
        # places that identify a family
        ("Hébergée à l'hôtel Ibis de Créteil.", "Hébergée à l'hôtel [LIEU]."),
        ("Le père est à la caserne Vauban, l'aîné à la crèche Les Petits Loups.",
         "Le père est à la caserne [LIEU], l'aîné à la crèche [LIEU]."),
        ("Le conjoint travaille chez Derichebourg.", "Le conjoint travaille chez [LIEU]."),
        ("Domiciliée au Kremlin-Bicêtre (94270).", "Domiciliée au [LIEU]."),
        ("Vit avec sa mère à Villeneuve-Saint-Georges.", "Vit avec sa mère à [LIEU]."),
    ],
)  # fmt: skip
def test_what_the_rules_used_to_miss(text, expected):
    assert scrub(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "Pas d'interprète. Corticothérapie débutée.",
        "Apgar 3/6/8, Silverman 4, Kleihauer négatif, Guthrie à J3.",
        "Maladie de Hirschsprung, séquence de Potter, Doppler ombilical normal.",
        "Le pédiatre de garde arrive ; l'interne de garde prévient la sage-femme.",
        "Amoxicilline 50 mg/kg/j, gentamicine 5 mg/kg, Célestène 12 mg, Nalador 500 µg.",
        "Streptocoque B, Escherichia coli, Listeria monocytogenes, Staphylococcus aureus.",
        "Col au 1/3 inférieur ; 2/3 des cas ; TA 12/08 ; EVA 8/10 ; SpO2 88 %.",
        "Arrivée du Mali en 2023, née en Guadeloupe, transfert au CH de Montauban.",
        "Plaquettes 150 000/mm3, héparine 12500 UI/j, lactates 12 mmol/l, en 2019-2021.",
    ],
)
def test_clinical_notation_and_eponyms_stay_with_both_signals(text, model):
    assert scrub(text) == normalise_text(text)
    assert scrub(text, recogniser=model) == normalise_text(text)


def test_a_name_found_once_goes_everywhere_with_its_initial(model):
    text = "Relecture : Gwenaëlle Kerbrat-Quéré. Kerbrat-Quéré signale ; G. Kerbrat-Quéré signe."
    scrubbed = scrub(text, recogniser=model)
    assert "Kerbrat" not in scrubbed and "Gwenaëlle" not in scrubbed


# --- The second signal --------------------------------------------------------------------


def test_the_model_finds_a_name_the_rules_cannot_know(model):
    text = "Appel de Wojciech Brzęczyszczykiewicz à la régulation ce soir."
    assert "name" not in [kind for kind, _text in kinds(text)]
    found = find_identifiers(text, recogniser=model)
    assert [(f.kind, f.signal) for f in found] == [("name", "model")]
    assert "Brzęczyszczykiewicz" not in scrub(text, recogniser=model)


def test_model_findings_go_through_the_clinical_vocabulary(model):
    text = (
        "Score de Silverman à 6. Kleihauer positif. Ballon de Bakri posé. "
        "Transfert au CH de Montauban."
    )
    # The raw model reads some of these as persons or places; the filter keeps them readable.
    assert model.entities(text), "the model tags this text (the filter is what removes them)"
    assert scrub(text, recogniser=model) == text


def test_without_the_model_the_rules_still_run():
    assert ner.recogniser("rmm_model_that_is_not_installed") is None
    assert ner.recogniser("") is None
    assert scrub("Mme Diallo vue le 12/03.", recogniser=None) == "Mme [NOM] vue le [DATE]."


def test_the_model_is_loaded_once_per_process(model):
    assert ner.recogniser(ner.DEFAULT_MODEL) is model
    assert ner.warm_up() is True


def test_long_texts_go_to_the_model_in_pieces_with_right_offsets(model):
    filler = "Surveillance du RCF, rien à signaler. " * 400
    text = filler + "Appel de Wojciech Brzęczyszczykiewicz ce soir. " + filler
    assert len(text) > 3 * ner._CHUNK
    found = [f for f in find_identifiers(text, recogniser=model) if f.signal == "model"]
    assert [text[f.start : f.end] for f in found] == [f.text for f in found]
    assert any("Brzęczyszczykiewicz" in f.text for f in found)


# --- Cache and keys ---------------------------------------------------------------------------


def test_results_are_cached_per_text_known_values_and_model(model):
    clear_cache()
    text = "Mme Diallo revue le 12/03 par Julie Martin, cadre. " * 40
    started = time.perf_counter()
    first = find_identifiers(text, ["Aminata"], recogniser=model)
    cold = time.perf_counter() - started
    started = time.perf_counter()
    second = find_identifiers(text, ["Aminata"], recogniser=model)
    warm = time.perf_counter() - started
    assert first == second and warm < cold / 10
    # another known value or no model is another question
    assert find_identifiers("Aminata vue.", ["Aminata"])[0].signal == "known"
    assert find_identifiers("Aminata vue.", [])[0].signal == "rule"
    assert len(anonymisation._cache) <= anonymisation._CACHE_SIZE


def test_the_cache_is_bounded():
    clear_cache()
    for index in range(anonymisation._CACHE_SIZE + 20):
        find_identifiers(f"Texte {index} sans identifiant.")
    assert len(anonymisation._cache) == anonymisation._CACHE_SIZE


def test_finding_keys_ignore_case_accents_and_spaces():
    assert finding_key("Dr  KLEIHAUER") == finding_key("dr kleihauer")
    assert finding_key("Hélène") == finding_key("HELENE") == "helene"


# --- Hostile input --------------------------------------------------------------------------


def _elapsed(text, runs: int = 3, **kwargs) -> float:
    """The best of a few runs, in this process's CPU time: the work the detection does, which
    another process on a busy machine (CI runs two test workers and a second pass beside them)
    cannot inflate as it inflated the wall-clock time of one run of 100,000 characters."""
    best = float("inf")
    for _run in range(runs):
        clear_cache()
        started = time.process_time()
        find_identifiers(text, **kwargs)
        best = min(best, time.process_time() - started)
    return best


@pytest.mark.parametrize(
    "unit",
    [
        "Mme Dia\u00adllo, Fanta FANTA fanta, NGUYEN Thi Lan, le 12/03, IPP 40012345. ",
        "\u200bJ\u200bu\u200bl\u200bi\u200be M\u200ba\u200br\u200bt\u200bi\u200bn, cadre. ",
        "Aaaa" * 30 + " ",
        "Prénom Nom Prénom Nom, de la de la de la, 1/1/1/1/1, --- <<< @@@ ",
        "Hôtel Le Le Le Le Le Le Le Le Le Le Le Le Le Le, à Saint-Saint-Saint-Saint ",
    ],
)
def test_hostile_texts_of_100000_characters_stay_linear(unit):
    half = unit * (50_000 // len(unit))
    full = half * 2
    assert len(full) >= 99_000
    short, long = _elapsed(half), _elapsed(full)
    assert long < 8, long
    assert long < 3.5 * short + 0.2, (short, long)


def test_a_hostile_text_with_the_model_is_linear_too(model):
    unit = "Appel de Wojciech\u200b Brzęczyszczykiewicz, Fanta FANTA, le 12/03. "
    half = unit * (10_000 // len(unit))
    short, long = _elapsed(half, recogniser=model), _elapsed(half * 2, recogniser=model)
    assert long < 3.5 * short + 0.3, (short, long)
