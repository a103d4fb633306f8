"""Filter forms render in Python exactly what Django's widget templates render: for every plain widget type, with
chosen and unchosen values, several chosen values, groups, attributes and text that must be escaped; and for
every field of every FilterSet of the platform once the list page's `friendly_filter_form` has prepared it.
Model choices are read by one plain query (never `QuerySet.iterator()`), with the same choices as Django's."""

import datetime as dt
import importlib
import pkgutil
from decimal import Decimal
from unittest import mock

import django_filters
import pytest
from django import forms
from django.db.models import QuerySet
from django.test import RequestFactory
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy, override

import industry_brain
from industry_brain.core.autocomplete import Autocomplete
from industry_brain.core.filters import FetchedChoiceIterator, fetch_choices_at_once
from industry_brain.core.models import District
from industry_brain.core.views import friendly_filter_form
from industry_brain.core.widgets import FAST_WIDGETS, fast_widget

CHOICES = [("", "All"), ("a", "A & <b>"), ("b", mark_safe("<i>B</i>")), (3, gettext_lazy("Yes")),
           ("Group 1 <x>", [("g1", "G one"), ("g2", 'G "two"')])]
ATTRS = {"class": "wide", "placeholder": gettext_lazy("Filter"), "required": True, "disabled": False,
         "data-x": '"quoted" <tag>'}

CASES = [
    (forms.TextInput, None, {}),
    (forms.TextInput, "", ATTRS),
    (forms.TextInput, 'a"<b>&c', {"id": "id_q"}),
    (forms.SearchInput, "西湖", {"id": "id_search"}),
    (forms.NumberInput, 12, {"id": "id_n", "min": 0}),
    (forms.NumberInput, Decimal("1.5"), {}),
    (forms.DateInput, dt.date(2026, 1, 2), {"id": "id_from"}),
    (forms.DateInput, "2026-13-40", {}),
    (forms.Select, None, {"id": "id_s"}),
    (forms.Select, "a", ATTRS),
    (forms.Select, 3, {"id": "id_s"}),
    (forms.Select, "g2", {}),
    (forms.NullBooleanSelect, None, {"id": "id_b"}),
    (forms.NullBooleanSelect, True, {"id": "id_b"}),
    (forms.NullBooleanSelect, "false", {}),
    (forms.SelectMultiple, ["a", "g1"], {"id": "id_m"}),
    (forms.SelectMultiple, [], {}),
    (forms.CheckboxSelectMultiple, ["a", "b", "g2"], {"id": "id_c", "class": "boxes"}),
    (forms.CheckboxSelectMultiple, ["3"], {}),
    (forms.CheckboxSelectMultiple, None, {"id": "id_c"}),
]


def plain_rendering(widget, name, value, attrs):
    """What Django's own class renders (through its templates) for the same widget, value and attributes."""
    fast_class = type(widget)
    widget.__class__ = next(base for base, fast in FAST_WIDGETS.items() if fast is fast_class)
    try:
        return widget.render(name, value, attrs)
    finally:
        widget.__class__ = fast_class


@pytest.mark.parametrize(("widget_class", "value", "attrs"), CASES)
def test_fast_widget_writes_the_markup_of_djangos_template(widget_class, value, attrs):
    widget = widget_class(attrs={"title": "t"})
    if hasattr(widget, "choices") and widget_class is not forms.NullBooleanSelect:
        widget.choices = CHOICES
    fast_widget(widget)
    assert type(widget) is not widget_class and isinstance(widget, widget_class)
    with override("zh-hans"):
        fast = widget.render("f", value, attrs)
        assert fast == plain_rendering(widget, "f", value, attrs)
    assert "<x>" not in fast and '"quoted"' not in fast  # escaped, like the template escapes it


def test_fast_widget_keeps_the_class_name_and_leaves_other_widgets_alone():
    for base, fast in FAST_WIDGETS.items():
        assert fast.__name__ == base.__name__ and fast.template_name == base.template_name
    picker = Autocomplete("enterprise")
    assert fast_widget(picker).__class__ is Autocomplete
    radio = forms.RadioSelect(choices=[("a", "A")])  # not written in Python: left to its template
    assert fast_widget(radio).__class__ is forms.RadioSelect


@pytest.mark.parametrize("template_name", ["django/forms/widgets/radio.html", "django/forms/widgets/select.html"])
def test_a_widget_naming_its_own_template_renders_that_template(template_name):
    class Custom(forms.Select):
        option_template_name = "django/forms/widgets/radio_option.html"

    Custom.template_name = template_name
    widget = Custom(choices=[("a", "A")])
    expected = widget.render("f", "a")
    widget.__class__ = type("Custom", (FAST_WIDGETS[forms.Select], Custom), {})
    assert widget.render("f", "a") == expected and "<label>" in expected


def filtersets():
    found = []
    for module_info in pkgutil.walk_packages(industry_brain.__path__, "industry_brain."):
        if not module_info.name.endswith(".filtersets"):
            continue
        module = importlib.import_module(module_info.name)
        for obj in vars(module).values():
            if (isinstance(obj, type) and issubclass(obj, django_filters.FilterSet)
                    and obj.__module__ == module.__name__ and getattr(obj._meta, "model", None) is not None):
                found.append(obj)
    return found


def chosen_values(form) -> dict:
    """A value for every field: the first real choice (the first two for multiple choices), text to escape."""
    data = {}
    for name, field in form.fields.items():
        if isinstance(field, forms.NullBooleanField):
            data[name] = ["true"]
        elif isinstance(field, forms.ChoiceField):
            real = [str(v) for v, _label in field.choices if v not in ("", None) and not isinstance(_label, list)]
            many = isinstance(field, forms.MultipleChoiceField | forms.ModelMultipleChoiceField)
            data[name] = real[:2] if many else real[:1]
        elif isinstance(field, forms.DateField):
            data[name] = ["2026-01-02"]
        elif isinstance(field, forms.DecimalField | forms.IntegerField | forms.FloatField):
            data[name] = ["5"]
        else:
            data[name] = ['西湖 "<b>"']
    return data


@pytest.mark.django_db
@pytest.mark.parametrize("bound", [False, True], ids=["empty", "chosen"])
def test_every_filter_form_renders_as_django_would(world, bound):
    from django.http import QueryDict

    classes = filtersets()
    assert len(classes) >= 10
    compared = 0
    for filterset_class in classes:
        request = RequestFactory().get("/")
        request.user = world.user("city")
        queryset = filterset_class._meta.model.objects.none()
        data = None
        if bound:
            probe = filterset_class(None, queryset=queryset, request=request).form
            data = QueryDict(mutable=True)
            for key, values in chosen_values(probe).items():
                data.setlist(key, values)
        form = filterset_class(data, queryset=queryset, request=request).form
        friendly_filter_form(form)
        for bound_field in form:
            widget = bound_field.field.widget
            if isinstance(widget, Autocomplete):
                continue
            assert type(widget) in FAST_WIDGETS.values(), (filterset_class, bound_field.name, type(widget))
            with override("zh-hans"):
                fast = str(bound_field)
                assert fast == plain_rendering_of(bound_field), (filterset_class, bound_field.name)
            if bound and bound_field.value() not in (None, "", []):
                assert " selected" in fast or " checked" in fast or "value=" in fast
            compared += 1
    assert compared > 50


def plain_rendering_of(bound_field):
    widget = bound_field.field.widget
    fast_class = type(widget)
    widget.__class__ = next(base for base, fast in FAST_WIDGETS.items() if fast is fast_class)
    try:
        assert bound_field.widget_type  # the template's checkbox-list test reads it: the same for both classes
        return str(bound_field)
    finally:
        widget.__class__ = fast_class


@pytest.mark.django_db
def test_model_choices_are_read_by_one_plain_query_with_djangos_choices(django_assert_num_queries):
    plain = forms.ModelChoiceField(queryset=District.objects.order_by("code"), empty_label="All")
    expected = [(str(value), str(label)) for value, label in plain.choices]
    assert len(expected) > 5

    fetched = forms.ModelChoiceField(queryset=District.objects.order_by("code"), empty_label="All")
    fetch_choices_at_once(fetched)
    assert fetched.iterator is FetchedChoiceIterator and fetched.widget.choices.__class__ is FetchedChoiceIterator
    with mock.patch.object(QuerySet, "iterator", side_effect=AssertionError("server-side cursor")), \
            django_assert_num_queries(1):
        html = fetched.widget.render("district", "330106")
    assert [(str(v), str(label)) for v, label in fetched.choices] == expected
    assert '<option value="330106" selected>' in html
    assert len(fetched.widget.choices) == len(expected)


@pytest.mark.django_db
def test_django_filters_null_choice_is_kept_by_the_fetched_iterator():
    class NullFilterSet(django_filters.FilterSet):
        district = django_filters.ModelChoiceFilter(queryset=District.objects.order_by("code"), null_label="None")

        class Meta:
            model = District.objects.model
            fields = ["district"]

    field = NullFilterSet(None, queryset=District.objects.none()).form.fields["district"]
    expected = [(str(v), str(label)) for v, label in field.choices]
    fetch_choices_at_once(field)
    assert field.iterator is FetchedChoiceIterator
    assert [(str(v), str(label)) for v, label in field.choices] == expected
    assert expected[1] == ("null", "None") and len(field.widget.choices) == len(expected)


def test_fields_with_their_own_choices_are_left_alone():
    field = forms.ModelChoiceField(queryset=District.objects.all())
    field.choices = [("1", "one")]
    fetch_choices_at_once(field)
    assert field.iterator is not FetchedChoiceIterator
    plain = forms.CharField()
    fetch_choices_at_once(plain)
    assert not hasattr(plain, "iterator")
