"""The chronology's markup (the case page and the review screen): written in Python by the
`timeline` filter, byte for byte the former `_timeline.html` partial, kept here to prove it."""

import pytest
from django.template import engines
from django.utils import translation

from accounts.models import Organisation
from cases.models import CareEvent
from cases.templatetags.case_format import timeline
from tests.factories import CaseFactory

pytestmark = pytest.mark.django_db

FORMER_TIMELINE_TEMPLATE = """
{% load i18n case_format %}
{% if events %}
<ol class="list-group list-group-numbered timeline">
  {% for event in events %}
  <li class="list-group-item">
    <div class="d-flex justify-content-between"><strong>{{ event.relative_time }}</strong><span class="small text-body-secondary">{{ event.get_place_type_display }}{% if event.actor_function %} · {{ event.get_actor_function_display }}{% endif %}</span></div>
    <div>{{ event.description|placeholders|linebreaksbr }}</div>
    {% with author=event.author %}{% if author %}<div class="small text-body-secondary event-author">{% blocktranslate with organisation=author.name %}Ajouté par {{ organisation }}{% endblocktranslate %}</div>{% endif %}{% endwith %}
    {% if event.flag_delay %}<span class="badge text-bg-warning">{% translate "retard" %}</span>{% endif %}
    {% if event.flag_transfer %}<span class="badge text-bg-info">{% translate "transfert" %}</span>{% endif %}
    {% if event.flag_missed_contact %}<span class="badge text-bg-danger">{% translate "contact manqué" %}</span>{% endif %}
  </li>
  {% endfor %}
</ol>
{% else %}
<p class="text-body-secondary">{% translate "La chronologie est vide." %}</p>
{% endif %}
"""  # noqa: E501


def test_the_timeline_written_in_python_is_its_former_templates_markup(
    maternity, network, clinician
):
    """No event; events antenatal and postnatal (with and without an hour), with and without
    an actor, written by another organisation or the declaring one, each flag alone and all
    together, texts to escape, line breaks and scrubber placeholders: French and English."""
    former = engines["django"].from_string(FORMER_TIMELINE_TEMPLATE.lstrip("\n"))
    Organisation.objects.filter(pk=network.pk).update(name="Réseau <Nord> & Co")
    network.refresh_from_db()
    case = CaseFactory(organisation=maternity, territory=network, declared_by=clinician)
    shapes = [
        {"period": "antenatal", "gestational_weeks": 31, "gestational_days": 2},
        {"period": "antenatal", "gestational_weeks": 33, "actor_function": "midwife"},
        {"period": "postnatal", "day_of_life": 0, "hour_of_day": 1, "organisation": network},
        {"period": "postnatal", "day_of_life": 2, "flag_delay": True},
        {"period": "postnatal", "day_of_life": 3, "flag_transfer": True, "actor_function": "other"},
        {
            "period": "postnatal",
            "day_of_life": 4,
            "flag_delay": True,
            "flag_transfer": True,
            "flag_missed_contact": True,
        },
    ]
    for position, shape in enumerate(shapes):
        CareEvent.objects.create(
            case=case,
            position=position,
            place_type="nicu" if position % 2 else "maternity_1",
            description=f"Appel <b>{position}</b> & [NOM] vu\nà [DATE].\n\nSuite « ici ».",
            **shape,
        )
    events = list(case.care_events.select_related("case__organisation", "organisation"))
    compared = []
    for shown in ([], events[:1], events):
        for language in ("fr", "en"):
            with translation.override(language):
                written = timeline(shown)
                assert written == former.render({"events": shown}), (len(shown), language)
                compared.append(written)
    compared = "".join(compared)
    for expected in (
        "La chronologie est vide.",
        "The chronology is empty.",
        "Ajouté par Réseau &lt;Nord&gt; &amp; Co",
        'class="placeholder">[NOM]',
        "Appel &lt;b&gt;0&lt;/b&gt; &amp;",
        "<br>",
        "contact manqué",
    ):
        assert expected in compared, expected
