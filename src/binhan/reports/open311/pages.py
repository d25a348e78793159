"""The Open311 keys page: province staff make a key (shown once), see the keys of their provinces, revoke one."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from binhan.core.exceptions import ServiceError
from binhan.reports.open311 import keys


class KeyForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Name of the application"), max_length=120,
                           error_messages={"required": gettext_lazy("Give the key a name.")})
    province = forms.ModelChoiceField(label=gettext_lazy("Province"), queryset=None, required=False,
                                      empty_label=gettext_lazy("Every province (national key)"))
    rate_per_second = forms.IntegerField(label=gettext_lazy("Requests per second"), min_value=1,
                                         max_value=keys.MAX_RATE, initial=10)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        provinces = keys.provinces_for(user)
        self.fields["province"].queryset = provinces
        if not keys.may_make_national_keys(user):
            self.fields["province"].required = True
            self.fields["province"].empty_label = None


def _require_key_manager(request: HttpRequest) -> None:
    if not keys.can_manage_keys(request.user):
        raise PermissionDenied(_("This page is for the police and leaders of a province, and administrators."))


@never_cache  # the page that shows a new key must not be kept by a browser or a proxy
@login_required
def key_list(request: HttpRequest) -> HttpResponse:
    _require_key_manager(request)
    form = KeyForm(request.POST or None, user=request.user)
    created = None
    if request.method == "POST" and form.is_valid():
        try:
            client, full = keys.client_create(actor=request.user, name=form.cleaned_data["name"],
                                              province=form.cleaned_data["province"],
                                              rate_per_second=form.cleaned_data["rate_per_second"])
        except ServiceError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            created = {"client": client, "key": full}
            form = KeyForm(user=request.user)
    clients = keys.client_list(viewer=request.user)
    return render(request, "reports/open311_keys.html", {"form": form, "clients": clients, "created": created},
                  status=400 if form.errors else 200)


@login_required
@require_POST
def key_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    _require_key_manager(request)
    client = get_object_or_404(keys.client_list(viewer=request.user), pk=pk)
    keys.client_revoke(actor=request.user, client=client)
    messages.success(request, _("The key “%(name)s” no longer works.") % {"name": client.name})
    return redirect("open311:keys")
