"""The notification centre: the user's own notifications (nobody else's, ever), each linking to
its object; marking as read; the delivery preferences."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views import View

from . import services
from .forms import PreferencesForm
from .models import MANDATORY_KINDS, Kind, Notification, NotificationSettings
from .texts import text_of

PER_PAGE = 25


class NotificationListView(LoginRequiredMixin, View):
    def get(self, request):
        notifications = Notification.objects.for_centre().filter(recipient=request.user)
        if request.GET.get("non-lues") == "1":
            notifications = notifications.filter(read_at__isnull=True)
        page = Paginator(notifications.order_by("-created_at", "-pk"), PER_PAGE).get_page(
            request.GET.get("page")
        )
        rows = [(notification, text_of(notification)) for notification in page.object_list]
        return render(
            request,
            "notifications/list.html",
            {"page": page, "rows": rows, "only_unread": request.GET.get("non-lues") == "1"},
        )


class NotificationOpenView(LoginRequiredMixin, View):
    """Opening a notification marks it read and goes to its object."""

    def get(self, request, pk):
        notification = get_object_or_404(Notification, pk=pk, recipient=request.user)
        services.mark_read(user=request.user, notification_ids=[notification.pk])
        link = notification.link
        if link.startswith("/") and url_has_allowed_host_and_scheme(link, allowed_hosts=None):
            return redirect(link)
        return redirect("notifications:list")


class MarkReadView(LoginRequiredMixin, View):
    def post(self, request):
        raw = request.POST.get("notification", "")
        ids = [int(raw)] if raw.isascii() and raw.isdigit() and len(raw) < 19 else None
        if raw and ids is None:
            messages.error(request, _("Notification inconnue : rien n'a été changé."))
            return redirect("notifications:list")
        count = services.mark_read(user=request.user, notification_ids=ids)
        if ids is None:
            messages.success(
                request, _("%(n)s notification(s) marquée(s) comme lue(s).") % {"n": count}
            )
        return redirect("notifications:list")


class PreferencesView(LoginRequiredMixin, View):
    def get(self, request):
        return self.render(PreferencesForm(preferences=self.preferences()))

    def post(self, request):
        form = PreferencesForm(request.POST, preferences=self.preferences())
        if not form.is_valid():
            messages.error(request, _("Choix invalide : rien n'a été enregistré."))
            return self.render(form, status=400)
        services.preferences_save(
            user=request.user,
            language=form.cleaned_data["language"],
            deliveries=form.deliveries(),
        )
        messages.success(request, _("Préférences de notification enregistrées."))
        return redirect("notifications:preferences")

    def preferences(self):
        return NotificationSettings.objects.filter(user=self.request.user).first()

    def render(self, form, status=200):
        mandatory = [Kind(kind).label for kind in Kind if kind in MANDATORY_KINDS]
        return render(
            self.request,
            "notifications/preferences.html",
            {"form": form, "mandatory": mandatory},
            status=status,
        )
