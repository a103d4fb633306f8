"""`get_<field>_display()` without rebuilding the field's choices on every call."""

from __future__ import annotations

from django.db import models
from django.utils.encoding import force_str
from django.utils.hashable import make_hashable


def choice_display(obj: models.Model, field: models.Field):
    """The label of `obj`'s value of `field`, as Django's `_get_FIELD_display` returns it.

    Django builds a dict of the field's flattened choices on each call, hashing every (lazy) label on the way, so
    each label is translated once per call: a list page of fifty rows with two choice columns translated every
    status and urgency label a hundred times. The value → label map is built once per field (and again if the
    field's choices are replaced); the lazy label is translated only when it is shown, in the current language."""
    value = getattr(obj, field.attname)
    choices = field.choices
    cached = field.__dict__.get("_display_map")
    if cached is None or cached[0] is not choices:
        cached = (choices, {make_hashable(key): label for key, label in field.flatchoices})
        field._display_map = cached
    return force_str(cached[1].get(make_hashable(value), value), strings_only=True)
