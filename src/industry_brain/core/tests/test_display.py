"""`get_<field>_display()` of every domain model returns what Django's own implementation returns, for every
choice of every field, an unknown value and an empty one, in Chinese and in English; a map built in one language
still answers in the other, and a field whose choices are replaced answers with the new ones."""

import pytest
from django.apps import apps
from django.db import models
from django.test.utils import isolate_apps
from django.utils.translation import override

from industry_brain.core.display import choice_display
from industry_brain.core.models import BaseModel


def fields_with_choices():
    for model in apps.get_models():
        if issubclass(model, BaseModel):
            for field in model._meta.concrete_fields:
                if field.choices:
                    yield model, field


def test_every_choice_of_every_domain_model_shows_djangos_label():
    pairs = list(fields_with_choices())
    assert len(pairs) > 20
    for model, field in pairs:
        assert model._get_FIELD_display is BaseModel._get_FIELD_display
        for value in [key for key, _label in field.flatchoices] + ["no-such-value", None]:
            obj = model()
            setattr(obj, field.attname, value)
            for language in ("en", "zh-hans"):
                with override(language):
                    expected = models.Model._get_FIELD_display(obj, field)
                    assert getattr(obj, f"get_{field.name}_display")() == expected, (model, field.name, value)


@isolate_apps("industry_brain.core")
def test_labels_follow_the_current_language_and_replaced_choices():
    from industry_brain.demands.models import Demand

    field = Demand._meta.get_field("status")
    demand = Demand(status="resolved")
    with override("zh-hans"):
        chinese = demand.get_status_display()
    with override("en"):
        english = demand.get_status_display()
    assert chinese != english
    with override("en"):
        assert english == models.Model._get_FIELD_display(demand, field)

    class Thing(models.Model):
        kind = models.CharField(max_length=5, choices=[("a", "A")])

        class Meta:
            app_label = "core"

        def __str__(self):
            return self.kind

    thing_field = Thing._meta.get_field("kind")
    thing = Thing(kind="a")
    assert choice_display(thing, thing_field) == "A"
    thing_field.choices = [("a", "Alpha")]
    assert choice_display(thing, thing_field) == "Alpha"
    assert field.choices  # the demand field is untouched


@isolate_apps("industry_brain.core")
@pytest.mark.parametrize("value", [["x", 1], ("x", 1)])
def test_unhashable_values_are_looked_up_like_django_does(value):
    class Pair(models.Model):
        pair = models.JSONField(choices=[(["x", 1], "X one")])

        class Meta:
            app_label = "core"

        def __str__(self):
            return "pair"

    field = Pair._meta.get_field("pair")
    obj = Pair(pair=value)
    assert choice_display(obj, field) == models.Model._get_FIELD_display(obj, field)
