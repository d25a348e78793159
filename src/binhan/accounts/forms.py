from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from binhan.accounts.roles import Role
from binhan.geo.models import AdministrativeUnit, Level


class LoginForm(AuthenticationForm):
    username = forms.CharField(
        label=_("Username, phone or email"), max_length=254,
        widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "username"}),
    )
    error_messages = {
        "invalid_login": _("The sign-in name or the password is wrong. Both may be case-sensitive."),
        "inactive": _("This account is disabled."),
    }


class RegisterForm(forms.Form):
    full_name = forms.CharField(label=_("Full name"), max_length=150)
    phone = forms.CharField(label=_("Phone number"), max_length=20, required=False,
                            widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel", "inputmode": "tel"}))
    email = forms.EmailField(label=_("Email address"), required=False,
                             help_text=_("A phone number or an email address is needed to sign in."))
    group = forms.ModelChoiceField(
        label=_("Your residential group or village"),
        queryset=AdministrativeUnit.objects.filter(level=Level.GROUP),
        widget=forms.HiddenInput,
        error_messages={"required": _("Choose your residential group."),
                        "invalid_choice": _("Choose your residential group from the list.")},
    )
    password = forms.CharField(label=_("Password"), widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}))
    password_again = forms.CharField(label=_("Confirm the password"),
                                     widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}))

    def clean(self):
        data = super().clean()
        if data.get("password") and data.get("password_again") and data["password"] != data["password_again"]:
            self.add_error("password_again", _("The two passwords are not the same."))
        if not data.get("phone") and not data.get("email"):
            self.add_error("phone", _("Give a phone number or an email address."))
        return data


class TokenCreateForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100,
                           help_text=_("What will use this token, e.g. 'statistics export script'."))


class OtpForm(forms.Form):
    code = forms.CharField(label=_("Code from your authenticator app"), max_length=8, min_length=6,
                           widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code",
                                                         "autofocus": True}))


class GrantForm(forms.Form):
    username = forms.CharField(label=_("Username, phone or email of the person"), max_length=254)
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)


class PurposeForm(forms.Form):
    purpose = forms.CharField(label=_("Why do you need these personal details?"), max_length=500,
                              widget=forms.TextInput(attrs={"autocomplete": "off"}))


def take_account(form: forms.Form, data: dict) -> tuple[bool, object | None]:
    """Pop a form's optional `username` from its cleaned data and find the account.

    (True, the account, or None when left blank), or (False, None) with the error on the form:
    the pages that add a person to a team (members, mediators) link an account this way."""
    from binhan.accounts.models import User

    username = data.pop("username").strip()
    user = User.objects.filter(username=username).first() if username else None
    if username and user is None:
        form.add_error("username", _("No account has this username."))
        return False, None
    return True, user
