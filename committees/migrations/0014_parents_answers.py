# Issue 15 (parents' pathway): the parents' questions are gathered beforehand on the case
# (cases.ParentsContact); the review keeps only the committee's answers. Questions typed in a
# review until now move to their case when the case has none (several reviews of one case:
# joined, oldest first), then the review's field goes.
from django.db import migrations

QUESTIONS_MAX_LENGTH = 4000


def questions_by_case(rows) -> dict[int, str]:
    """(case id, questions) rows of reviews, oldest first -> each case's questions: distinct
    texts joined by a blank line, bounded like the case's field."""
    by_case: dict[int, list[str]] = {}
    for case_id, text in rows:
        texts = by_case.setdefault(case_id, [])
        if text.strip() and text.strip() not in texts:
            texts.append(text.strip())
    return {
        case_id: "\n\n".join(texts)[:QUESTIONS_MAX_LENGTH]
        for case_id, texts in by_case.items()
        if texts
    }


def move_questions_to_the_case(apps, schema_editor):
    CaseReview = apps.get_model("committees", "CaseReview")
    ParentsContact = apps.get_model("cases", "ParentsContact")
    rows = (
        CaseReview.objects.exclude(parents_questions="")
        .order_by("recorded_at", "pk")
        .values_list("case_id", "parents_questions")
    )
    for case_id, questions in questions_by_case(rows).items():
        contact, _created = ParentsContact.objects.get_or_create(case_id=case_id)
        if contact.questions:
            continue  # the case's own record wins
        contact.questions = questions
        # Questions were asked: the parents had been told of the review (when and by whom
        # was never recorded, and stays "non renseigné").
        contact.status = contact.status or "told"
        contact.save()


def move_questions_back(apps, schema_editor):
    CaseReview = apps.get_model("committees", "CaseReview")
    ParentsContact = apps.get_model("cases", "ParentsContact")
    for contact in ParentsContact.objects.exclude(questions=""):
        latest = (
            CaseReview.objects.filter(case_id=contact.case_id)
            .order_by("-recorded_at", "-pk")
            .first()
        )
        if latest is not None and not latest.parents_questions:
            latest.parents_questions = contact.questions
            latest.save(update_fields=["parents_questions"])


class Migration(migrations.Migration):
    dependencies = [
        ("committees", "0013_session_guests"),
        ("cases", "0010_parents_pathway"),
    ]

    operations = [
        migrations.RunPython(move_questions_to_the_case, move_questions_back),
        migrations.RemoveField(model_name="casereview", name="parents_questions"),
    ]
