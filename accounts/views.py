"""Home page, organisation pages and the authentication views with our French templates."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse_lazy
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import DetailView, ListView, TemplateView

from . import selectors, services
from .forms import (
    EmailAuthenticationForm,
    PasswordChangeForm,
    PasswordResetForm,
    SetPasswordForm,
)
from .home import pending_items_for
from .models import Organisation, RoleGrantRequest
from .permissions import (
    can_manage_organisation,
    can_view_organisation,
    role_grant_refusal_reason,
    role_grants_decidable_by,
)


class LoginView(auth_views.LoginView):
    form_class = EmailAuthenticationForm
    redirect_authenticated_user = True


class HomeView(LoginRequiredMixin, TemplateView):
    template_name = "accounts/home.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["memberships"] = list(selectors.memberships_of(user=self.request.user))
        context["pending_items"] = pending_items_for(self.request.user)
        return context


class OrganisationListView(LoginRequiredMixin, ListView):
    template_name = "accounts/organisation_list.html"
    context_object_name = "organisations"
    paginate_by = 50

    def get_queryset(self):
        return selectors.organisation_list_visible_to(user=self.request.user)


class OrganisationDetailView(LoginRequiredMixin, DetailView):
    template_name = "accounts/organisation_detail.html"
    context_object_name = "organisation"

    def get_object(self, queryset=None):
        organisation = get_object_or_404(
            Organisation.objects.select_related("parent"), pk=self.kwargs["pk"]
        )
        # Another organisation's page is a 404, never a 403 that would confirm it exists.
        if not can_view_organisation(self.request.user, organisation):
            raise Http404
        return organisation

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        context["members"] = selectors.organisation_members(user=user, organisation=self.object)
        context["children"] = selectors.organisation_list_visible_to(user=user).filter(
            parent=self.object
        )
        context["can_manage"] = can_manage_organisation(user, self.object)
        return context


class PasswordChangeView(auth_views.PasswordChangeView):
    form_class = PasswordChangeForm
    success_url = reverse_lazy("password_change_done")

    def form_valid(self, form):
        response = super().form_valid(form)
        services.password_changed_by_owner(user=form.user)
        return response


class FrenchSetPasswordURLMixin:
    """A one-time link (invitation or reset) moves its token into the session and then shows
    the form at a French address, ".../choisir-mot-de-passe/". Pages opened at Django's old
    ".../set-password/" before the change go on working: they are sent to the new address (307
    keeps a submitted form as it is)."""

    form_class = SetPasswordForm
    reset_url_token = "choisir-mot-de-passe"  # noqa: S105 (a URL segment)
    old_reset_url_token = "set-password"  # noqa: S105 (a URL segment)

    def dispatch(self, *args, **kwargs):
        if kwargs.get("token") == self.old_reset_url_token:
            path = self.request.path.replace(
                f"/{self.old_reset_url_token}/", f"/{self.reset_url_token}/"
            )
            return HttpResponseRedirect(path, status=307)
        return super().dispatch(*args, **kwargs)


class PasswordResetConfirmView(FrenchSetPasswordURLMixin, auth_views.PasswordResetConfirmView):
    def form_valid(self, form):
        from axes.utils import reset as reset_lockout

        response = super().form_valid(form)
        services.password_changed_by_owner(user=form.user, reset=True)
        # The lockout page suggests a reset: a new password must open the account again.
        reset_lockout(username=form.user.email)
        return response


class PasswordResetView(auth_views.PasswordResetView):
    form_class = PasswordResetForm
    email_template_name = "registration/password_reset_body.txt"
    html_email_template_name = "registration/password_reset_body.html"
    subject_template_name = "registration/password_reset_subject.txt"

    def form_valid(self, form):
        response = super().form_valid(form)
        services.password_reset_requested(email=form.cleaned_data["email"], by=self.request.user)
        return response


class InvitationAcceptView(FrenchSetPasswordURLMixin, auth_views.PasswordResetConfirmView):
    """The one-time link of an invitation: the owner chooses their password, then signs in.
    An expired, replaced or used link says which, in French, and what to do."""

    template_name = "accounts/invitation_accept.html"
    token_generator = services.invitation_token_generator
    success_url = reverse_lazy("login")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = getattr(self, "user", None)
        context["link_used"] = bool(
            not context.get("validlink") and user is not None and user.has_usable_password()
        )
        return context

    def form_valid(self, form):
        from axes.utils import reset as reset_lockout

        response = super().form_valid(form)
        services.invitation_accepted(user=form.user)
        reset_lockout(username=form.user.email)
        messages.success(
            self.request,
            _("Votre mot de passe est enregistré. Connectez-vous avec votre adresse e-mail."),
        )
        return response


# --- Vault roles awaiting confirmation ------------------------------------------------------
class RoleGrantListView(LoginRequiredMixin, TemplateView):
    """The vault roles the user may confirm or refuse, and the requests they made."""

    template_name = "accounts/role_grant_list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["to_decide"] = role_grants_decidable_by(self.request.user)
        context["my_requests"] = (
            RoleGrantRequest.objects.filter(requested_by=self.request.user)
            .select_related("user", "organisation", "decided_by")
            .order_by("-requested_at", "-pk")[:50]
        )
        return context


class RoleGrantDecideView(LoginRequiredMixin, View):
    """POST only: confirm or refuse one pending vault role (404 for anyone who may not)."""

    confirm = True

    def post(self, request, pk):
        grant = get_object_or_404(
            RoleGrantRequest.objects.select_related("user", "organisation", "requested_by"),
            pk=pk,
        )
        withdrawing = not self.confirm and grant.requested_by_id == request.user.pk
        if not withdrawing and role_grant_refusal_reason(request.user, grant) is not None:
            if grant.status != RoleGrantRequest.Status.PENDING and (
                grant.decided_by_id == request.user.pk
            ):
                messages.info(request, _("Cette demande a déjà été traitée."))
                return redirect("role_grant_list")
            raise Http404
        try:
            if self.confirm:
                membership = services.role_grant_confirm(grant=grant, by=request.user)
                messages.success(
                    request,
                    _("Le rôle « %(role)s » de %(user)s est désormais actif.")
                    % {"role": grant.get_role_display(), "user": grant.user},
                )
                if membership.password_reset_sent:
                    messages.warning(
                        request,
                        _(
                            "Le mot de passe de ce compte avait été choisi par un "
                            "administrateur : il vient d'être désactivé, pour que personne "
                            "d'autre que son titulaire n'ouvre l'identité des patients. Un lien "
                            "pour choisir un mot de passe a été envoyé à son adresse (%(email)s)."
                        )
                        % {"email": grant.user.email},
                    )
            else:
                services.role_grant_refuse(
                    grant=grant, by=request.user, comment=request.POST.get("comment", "")
                )
                messages.success(request, _("La demande a été refusée."))
        except services.NotAllowed as exc:
            messages.error(request, str(exc))
        return redirect("role_grant_list")


# --- E-mail change, confirmed from the old address ------------------------------------------
class EmailChangeConfirmView(View):
    """Opened from the link sent to the old address. GET only shows the request (mail
    scanners follow links); the holder confirms or refuses with a POST."""

    template_name = "accounts/email_change_confirm.html"

    def get(self, request, token):
        try:
            change = services.email_change_for_token(token)
        except services.InvalidLink:
            return render(request, self.template_name, {"invalid": True}, status=400)
        return render(request, self.template_name, {"change": change})

    def post(self, request, token):
        try:
            if request.POST.get("decision") == "refuse":
                services.email_change_refuse(token=token, by=request.user)
                done = "refused"
            else:
                services.email_change_confirm(token=token, by=request.user)
                done = "confirmed"
        except services.InvalidLink:
            return render(request, self.template_name, {"invalid": True}, status=400)
        return render(request, self.template_name, {"done": done})


def locked_out(request, original_response=None, credentials=None):
    """django-axes lockout: a French page (429) that does not echo the submitted email."""
    minutes = round(settings.AXES_COOLOFF_TIME * 60)
    return render(request, "registration/locked_out.html", {"cooloff_minutes": minutes}, status=429)
