from django import forms
from django.utils.translation import gettext_lazy as _

from industry_brain.chains.models import ChainNode
from industry_brain.core.models import IndustryDivision


class BrainForm(forms.Form):
    code = forms.SlugField(label=_("Code"), max_length=40)
    name = forms.CharField(label=_("Name"), max_length=50)
    description = forms.CharField(label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    nodes = forms.ModelMultipleChoiceField(label=_("Chain nodes"), required=False,
                                           queryset=ChainNode.objects.select_related("chain").order_by("chain", "id"),
                                           widget=forms.SelectMultiple(attrs={"size": 8}))
    industries = forms.ModelMultipleChoiceField(label=_("Industry divisions"), required=False,
                                                queryset=IndustryDivision.objects.filter(section_id="C"),
                                                widget=forms.SelectMultiple(attrs={"size": 6}))
    keywords = forms.CharField(label=_("Name keywords"), max_length=200, required=False,
                               help_text=_("Words separated by spaces; a firm whose name contains one is linked."))


class ReportForm(forms.Form):
    period = forms.RegexField(label=_("Month (YYYY-MM)"), regex=r"^(19|20)[0-9]{2}-(0[1-9]|1[0-2])$", max_length=7)
    capacity_use = forms.DecimalField(label=_("Capacity use (%)"), min_value=0, max_value=150, decimal_places=1)
    orders = forms.DecimalField(label=_("Orders on hand (10k yuan)"), min_value=0, max_digits=14, decimal_places=2)
    inventory = forms.DecimalField(label=_("Inventory (10k yuan)"), min_value=0, max_digits=14, decimal_places=2)
    price_index = forms.DecimalField(label=_("Selling-price index (last year = 100)"), min_value=1, max_value=1000,
                                     decimal_places=1)
