"""Home page, organisation pages and the authentication views with our French templates."""

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.urls import reverse_lazy
from django.views.generic import DetailView, ListView, TemplateView

from . import selectors
from .forms import EmailAuthenticationForm
from .home import pending_items_for
from .models import Organisation
from .permissions import can_manage_organisation, can_view_organisation


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
    success_url = reverse_lazy("password_change_done")


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    def form_valid(self, form):
        from axes.utils import reset as reset_lockout

        response = super().form_valid(form)
        # The lockout page suggests a reset: a new password must open the account again.
        reset_lockout(username=form.user.email)
        return response


class PasswordResetView(auth_views.PasswordResetView):
    email_template_name = "registration/password_reset_body.txt"
    html_email_template_name = "registration/password_reset_body.html"
    subject_template_name = "registration/password_reset_subject.txt"


def locked_out(request, original_response=None, credentials=None):
    """django-axes lockout: a French page (429) that does not echo the submitted email."""
    minutes = round(settings.AXES_COOLOFF_TIME * 60)
    return render(request, "registration/locked_out.html", {"cooloff_minutes": minutes}, status=429)
