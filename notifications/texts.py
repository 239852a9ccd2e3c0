"""What each kind of notification says, written in the reader's language when it is shown or
e-mailed, from the row's `params` (case codes, dates, counts: never a name, never identity)."""

from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from .models import Kind, Notification


@dataclass(frozen=True)
class Text:
    title: str
    body: str


def _day(value: str) -> str:
    """An ISO date of the params as DD/MM/YYYY (the house format, in both languages)."""
    try:
        return date_format(date.fromisoformat(value), "d/m/Y")
    except (TypeError, ValueError):
        return ""


def _where(p: dict) -> str:
    """(place), (place, ou en visioconférence) or (en visioconférence), as an invitation says."""
    place, video = p.get("place", ""), p.get("video", False)
    if place and video:
        return _(" (%(place)s, ou en visioconférence)") % {"place": place}
    if video:
        return _(" (en visioconférence)")
    return _(" (%(place)s)") % {"place": place} if place else ""


def text_of(notification: Notification) -> Text:
    """The title and sentence of a notification, in the active language."""
    p = notification.params
    code, committee = p.get("code", ""), p.get("committee", "")
    session_day, due = _day(p.get("session_date", "")), _day(p.get("due_date", ""))
    action = f"A{notification.subject_id}"
    kind = notification.kind
    if kind == Kind.CASE_DECLARED:
        return Text(
            _("Nouveau cas %(code)s à prendre en charge") % {"code": code},
            _("Le cas %(code)s vient d'être déclaré dans votre organisation.") % {"code": code},
        )
    if kind == Kind.CASE_READY:
        return Text(
            _("Cas %(code)s prêt pour le comité") % {"code": code},
            _(
                "Le cas %(code)s est documenté et anonymisé : il peut être inscrit à l'ordre du "
                "jour d'une séance."
            )
            % {"code": code},
        )
    if kind == Kind.ACTION_ASSIGNED:
        return Text(
            _("Action %(action)s confiée à votre service") % {"action": action},
            _("L'action corrective %(action)s a été approuvée ; échéance le %(due)s.")
            % {"action": action, "due": due},
        )
    if kind == Kind.AGENDA and notification.subject_type == "committees.sessionguest":
        place, video, time = p.get("place", ""), p.get("video", False), p.get("session_time", "")
        if place and video:
            where = _(" (%(place)s, ou en visioconférence)") % {"place": place}
        elif video:
            where = _(" (en visioconférence)")
        else:
            where = _(" (%(place)s)") % {"place": place} if place else ""
        when = _("%(date)s à %(time)s") % {"date": session_day, "time": time} if time else ""
        return Text(
            _("Invitation à la revue du cas %(code)s le %(date)s")
            % {"code": code, "date": when or session_day},
            _(
                "Vous êtes invité(e) à la revue du cas %(code)s, séance du %(date)s%(where)s. "
                "Acceptez la charte de confidentialité pour accéder au cas."
            )
            % {"code": code, "date": when or session_day, "where": where},
        )
    if kind == Kind.SESSION_CANCELLED and p.get("guest"):
        return Text(
            _("Revue du cas %(code)s du %(date)s annulée") % {"code": code, "date": session_day},
            _(
                "La séance du %(date)s où le cas %(code)s devait être revu est annulée. Si le "
                "cas est inscrit à une autre séance, vous y serez invité(e) de nouveau."
            )
            % {"code": code, "date": session_day},
        )
    if kind == Kind.SESSION_MOVED:
        before = _day(p.get("previous_date", ""))
        time = p.get("session_time", "")
        where = _where(p)
        if p.get("guest"):
            return Text(
                _("Revue du cas %(code)s déplacée au %(date)s")
                % {"code": code, "date": session_day},
                _(
                    "La séance où le cas %(code)s sera revu, prévue le %(before)s, a lieu le "
                    "%(date)s à %(time)s%(where)s."
                )
                % {
                    "code": code,
                    "before": before,
                    "date": session_day,
                    "time": time,
                    "where": where,
                },
            )
        return Text(
            _("Séance du %(before)s déplacée au %(date)s")
            % {"before": before, "date": session_day},
            _("La séance du %(before)s (%(committee)s) a lieu le %(date)s à %(time)s%(where)s.")
            % {
                "before": before,
                "committee": committee,
                "date": session_day,
                "time": time,
                "where": where,
            },
        )
    if kind == Kind.SESSION_CANCELLED:
        return Text(
            _("Séance du %(date)s annulée") % {"date": session_day},
            _(
                "La séance du %(date)s (%(committee)s) est annulée : ses cas attendent une "
                "autre séance."
            )
            % {"date": session_day, "committee": committee},
        )
    if kind == Kind.AGENDA:
        return Text(
            _("Ordre du jour de la séance du %(date)s") % {"date": session_day},
            _("L'ordre du jour de la séance du %(date)s (%(committee)s) est disponible.")
            % {"date": session_day, "committee": committee},
        )
    if kind == Kind.CASE_NOT_ACCEPTED:
        return Text(
            _("Cas %(code)s en attente de prise en charge") % {"code": code},
            _(
                "Le cas %(code)s a été déclaré il y a %(days)s jours et n'est pas encore pris "
                "en charge."
            )
            % {"code": code, "days": p.get("days", "")},
        )
    if kind == Kind.CASE_DOCUMENTING_LONG:
        return Text(
            _("Cas %(code)s en documentation depuis %(days)s jours")
            % {"code": code, "days": p.get("days", "")},
            _(
                "Le cas %(code)s est en documentation depuis %(days)s jours : complétez la "
                "chronologie et l'anonymisation pour le soumettre au comité."
            )
            % {"code": code, "days": p.get("days", "")},
        )
    if kind == Kind.PREPARE_PRESENTATION:
        return Text(
            _("Cas %(code)s à présenter le %(date)s") % {"code": code, "date": session_day},
            _("Vous présentez le cas %(code)s à la séance du %(date)s (%(committee)s).")
            % {"code": code, "date": session_day, "committee": committee},
        )
    if kind == Kind.AGENDA_NOT_SENT:
        return Text(
            _("Ordre du jour à envoyer pour la séance du %(date)s") % {"date": session_day},
            _(
                "La séance du %(date)s (%(committee)s) approche et son ordre du jour n'a pas "
                "été envoyé aux membres."
            )
            % {"date": session_day, "committee": committee},
        )
    if kind == Kind.SESSION_TOMORROW:
        return Text(
            _("Séance RMM demain, %(date)s") % {"date": session_day},
            _("Rappel : la séance du comité %(committee)s a lieu le %(date)s.")
            % {"date": session_day, "committee": committee},
        )
    if kind == Kind.MINUTES_DUE:
        return Text(
            _("Compte rendu de la séance du %(date)s à valider") % {"date": session_day},
            _(
                "La séance du %(date)s (%(committee)s) a été tenue il y a %(days)s jours et "
                "son compte rendu n'est pas validé."
            )
            % {"date": session_day, "committee": committee, "days": p.get("days", "")},
        )
    if kind == Kind.ACTION_DUE:
        return Text(
            _("Action %(action)s à échéance le %(due)s") % {"action": action, "due": due},
            _("L'action corrective %(action)s arrive à échéance le %(due)s.")
            % {"action": action, "due": due},
        )
    if kind == Kind.ACTION_OVERDUE:
        return Text(
            _("Action %(action)s en retard") % {"action": action},
            _("L'action corrective %(action)s devait être terminée le %(due)s.")
            % {"action": action, "due": due},
        )
    if kind == Kind.DIGEST:
        return Text(
            _("Votre récapitulatif RMM du %(date)s") % {"date": _day(notification.occasion)},
            _("Ce qui vous attend dans RMM."),
        )
    return Text(str(notification.get_kind_display()), "")


def absolute(link: str) -> str:
    """E-mail links are absolute, on the public address of the application."""
    return f"{settings.RMM_SITE_URL}{link}" if link else settings.RMM_SITE_URL + "/"
