from django import forms
from django.utils.translation import gettext_lazy as _

from binhan.stats import registry


class ManualEntryForm(forms.Form):
    unit = forms.ModelChoiceField(label=_("Unit"), queryset=None)
    indicator = forms.ChoiceField(label=_("Figure"))
    month = forms.DateField(label=_("Month"), widget=forms.DateInput(attrs={"type": "month"}),
                            input_formats=["%Y-%m", "%Y-%m-%d"])
    value = forms.IntegerField(label=_("Value"), min_value=0, max_value=1_000_000)
    note = forms.CharField(label=_("Note"), max_length=500, required=False)

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units
        self.fields["indicator"].choices = [(i.code, i.name) for i in registry.indicators() if i.manual]


class ReviewForm(forms.Form):
    decision = forms.ChoiceField(choices=[("approve", _("Approve")), ("return", _("Return for correction"))],
                                 widget=forms.RadioSelect, label=_("Decision"))
    note = forms.CharField(label=_("Note"), max_length=500, required=False)
