"""Hostile input at the edge: numbers beyond what the database stores and JSON nested without end are a 400
naming the field (or the body), never a 500.

- List filters: every django-filter NumberFilter takes a bounded number (64-bit), and a model choice given an
  out-of-range id is an invalid choice; both are form errors, so the API answers 400 with the filter's name and
  pages show the filter form's message. (SQLite raises OverflowError for integers beyond 64 bits.)
- JSON bodies: `BoundedJSONParser` refuses nesting deeper than MAX_JSON_DEPTH (the token endpoint crashed with a
  RecursionError on a deeply nested body).
"""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _
from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser

INT64_MAX = 2**63 - 1
MAX_JSON_DEPTH = 32


class BoundedNumberField(forms.DecimalField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_value", INT64_MAX)
        kwargs.setdefault("min_value", -INT64_MAX)
        super().__init__(*args, **kwargs)


def _overflow_is_invalid_choice(method):
    def wrapper(self, value, *args, **kwargs):
        try:
            return method(self, value, *args, **kwargs)
        except OverflowError:
            raise forms.ValidationError(self.error_messages["invalid_choice"], code="invalid_choice",
                                        params={"value": str(value)[:40]}) from None

    wrapper.__wrapped__ = method
    return wrapper


def install() -> None:
    """Called once from CoreConfig.ready()."""
    import django_filters

    django_filters.NumberFilter.field_class = BoundedNumberField
    if not hasattr(forms.ModelChoiceField.to_python, "__wrapped__"):
        forms.ModelChoiceField.to_python = _overflow_is_invalid_choice(forms.ModelChoiceField.to_python)
    if not hasattr(forms.ModelMultipleChoiceField._check_values, "__wrapped__"):
        forms.ModelMultipleChoiceField._check_values = _overflow_is_invalid_choice(
            forms.ModelMultipleChoiceField._check_values)


def json_depth(value) -> int:
    """The nesting depth of parsed JSON, without recursion."""
    deepest, stack = 0, [(value, 1)]
    while stack:
        node, depth = stack.pop()
        if isinstance(node, dict | list):
            deepest = max(deepest, depth)
            if depth > MAX_JSON_DEPTH:
                return depth
            stack.extend((child, depth + 1) for child in (node.values() if isinstance(node, dict) else node))
    return deepest


class BoundedJSONParser(JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise ParseError(_("The JSON body is nested too deeply.")) from None
        if json_depth(data) > MAX_JSON_DEPTH:
            raise ParseError(_("The JSON body is nested too deeply (at most %(n)s levels).") % {"n": MAX_JSON_DEPTH})
        return data
