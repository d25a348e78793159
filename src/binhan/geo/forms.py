from django import forms

from binhan.geo.models import Household


class HouseholdForm(forms.ModelForm):
    class Meta:
        model = Household
        fields = ["address", "member_count", "head_name", "head_phone", "code"]
