"""Filter pieces shared by every app's FilterSets."""

from __future__ import annotations

import django_filters
from django import forms
from django_filters.fields import ModelChoiceField, ModelChoiceIterator


class FetchedChoiceIterator(ModelChoiceIterator):
    """The choices read by one plain query. Django's iterator reads them with `QuerySet.iterator()`, which on
    PostgreSQL opens a server-side cursor (DECLARE … WITH HOLD, FETCH, CLOSE: three round trips and a result
    materialised at commit) for each select of the filter form, on every list page."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        null_label = getattr(self.field, "null_label", None)  # django-filter's fields only
        if null_label is not None:
            yield (self.field.null_value, null_label)
        for obj in self.queryset.all():
            yield self.choice(obj)

    def __len__(self):
        null = 1 if getattr(self.field, "null_label", None) is not None else 0
        return self.queryset.count() + (1 if self.field.empty_label is not None else 0) + null


class FetchedModelChoiceField(ModelChoiceField):
    iterator = FetchedChoiceIterator


class FetchedModelChoiceFilter(django_filters.ModelChoiceFilter):
    """A model choice filter whose choices are read by one plain query (`FetchedChoiceIterator`)."""

    field_class = FetchedModelChoiceField


def fetch_choices_at_once(field: forms.Field) -> None:
    """Makes a model choice field of a filter form read its choices with `FetchedChoiceIterator` (its widget holds
    the iterator made when the queryset was set, so it gets a fresh one). Fields with a custom iterator, or whose
    choices were set by hand, are left alone."""
    if not isinstance(field, forms.ModelChoiceField) or hasattr(field, "_choices"):
        return
    if field.iterator not in (forms.models.ModelChoiceIterator, ModelChoiceIterator, FetchedChoiceIterator):
        return
    field.iterator = FetchedChoiceIterator
    field.widget.choices = field.choices
