"""Filter-form widgets that write their HTML in Python.

Django renders a widget through its template engine: one `select.html`, and one included `select_option.html`
(with its `attrs.html`) per option, so a list page's filter form with a few long selects cost more than the
page's queries. The widgets here take the same context (`get_context`: name, value, attrs, optgroups with their
selected/checked options and ids) and write exactly the markup of Django's default templates for it, in Python.

`fast_widget(widget)` turns a filter form's widget into its fast twin in place: the twin is a subclass that only
changes `render`, keeps the class name (so `BoundField.widget_type`, which the list template and its CSS read,
stays the same) and falls back to the template when a widget names a template of its own.
"""

from __future__ import annotations

from django import forms
from django.utils.formats import localize
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe

_WIDGETS = "django/forms/widgets/"
_INPUT_TEMPLATES = frozenset(f"{_WIDGETS}{n}.html" for n in ("input", "text", "number", "date", "search", "email",
                                                               "url", "tel", "hidden"))
_SELECT_TEMPLATE = f"{_WIDGETS}select.html"
_SELECT_OPTION_TEMPLATE = f"{_WIDGETS}select_option.html"
_CHECKBOX_SELECT_TEMPLATE = f"{_WIDGETS}checkbox_select.html"
_CHECKBOX_OPTION_TEMPLATE = f"{_WIDGETS}checkbox_option.html"


def _text(value) -> str:
    """`{{ value|stringformat:'s' }}` under autoescape: the value as text, escaped unless marked safe."""
    return str(conditional_escape(value))


def _shown(value) -> str:
    """`{{ value }}`: localised like the template engine does, then escaped unless marked safe."""
    return str(conditional_escape(localize(value)))


def _attrs(attrs: dict) -> str:
    """`django/forms/widgets/attrs.html`: ` name="value"` each; True is a bare name, False is left out."""
    out = []
    for name, value in attrs.items():
        if value is False:
            continue
        out.append(f" {_shown(name)}" if value is True else f' {_shown(name)}="{_text(value)}"')
    return "".join(out)


def _input(widget: dict) -> str:
    """`django/forms/widgets/input.html`."""
    value = "" if widget["value"] is None else f' value="{_text(widget["value"])}"'
    return f'<input type="{_shown(widget["type"])}" name="{_shown(widget["name"])}"{value}{_attrs(widget["attrs"])}>'


def _select(widget: dict) -> str | None:
    """`django/forms/widgets/select.html` with its options; None when an option names another template."""
    out = [f'<select name="{_shown(widget["name"])}"{_attrs(widget["attrs"])}>']
    for group_name, group_choices, _index in widget["optgroups"]:
        if group_name:
            out.append(f'\n  <optgroup label="{_shown(group_name)}">')
        for option in group_choices:
            if option["template_name"] != _SELECT_OPTION_TEMPLATE:
                return None
            # select_option.html ends with a line break, kept inside the select as Django keeps it.
            out.append(f'\n  <option value="{_text(option["value"])}"{_attrs(option["attrs"])}>'
                       f'{_shown(option["label"])}</option>\n')
        if group_name:
            out.append("\n  </optgroup>")
    out.append("\n</select>")
    return "".join(out)


def _checkbox_select(widget: dict) -> str | None:
    """`django/forms/widgets/multiple_input.html` with `input_option.html` for each checkbox."""
    widget_id = widget["attrs"].get("id")
    css_class = widget["attrs"].get("class")
    out = ["<div", f' id="{_shown(widget_id)}"' if widget_id else "",
           f' class="{_shown(css_class)}"' if css_class else "", ">"]
    for group, options, _index in widget["optgroups"]:
        if group:
            out.append(f"\n  <div><label>{_shown(group)}</label>")
        for option in options:
            if option["template_name"] != _CHECKBOX_OPTION_TEMPLATE:
                return None
            # input.html, input_option.html and checkbox_option.html each end with a line break.
            box = _input(option) + "\n"
            if option["wrap_label"]:
                option_id = option["attrs"].get("id")
                label_for = f' for="{_shown(option_id)}"' if option_id else ""
                box = f"<label{label_for}>{box} {_shown(option['label'])}</label>"
            out.append(f"<div>\n    {box}\n\n</div>")
        if group:
            out.append("\n  </div>")
    out.append("\n</div>")
    return "".join(out)


def render_widget_context(context: dict) -> SafeString | None:
    """The HTML Django's default template would render for this widget context, or None for a template that is
    not one of the defaults written here (the caller then renders the template)."""
    widget = context["widget"]
    template = widget["template_name"]
    if template in _INPUT_TEMPLATES:
        html = _input(widget)
    elif template == _SELECT_TEMPLATE:
        html = _select(widget)
    elif template == _CHECKBOX_SELECT_TEMPLATE:
        html = _checkbox_select(widget)
    else:
        html = None
    return None if html is None else mark_safe(html)


class FastRenderMixin:
    """Renders the default widget templates in Python (`render_widget_context`); any other template as usual."""

    def render(self, name, value, attrs=None, renderer=None):
        context = self.get_context(name, value, attrs)
        html = render_widget_context(context)
        if html is None:
            return self._render(self.template_name, context, renderer)
        return html


_BASES = (forms.TextInput, forms.NumberInput, forms.DateInput, forms.SearchInput, forms.Select,
          forms.NullBooleanSelect, forms.SelectMultiple, forms.CheckboxSelectMultiple)
# Same class name as the base: `BoundField.widget_type` derives from it.
FAST_WIDGETS: dict[type, type] = {
    base: type(base.__name__, (FastRenderMixin, base), {"__module__": __name__, "__doc__": base.__doc__})
    for base in _BASES
}


def fast_widget(widget: forms.Widget) -> forms.Widget:
    """Makes `widget` (of exactly one of Django's plain widget classes) render in Python; others are left as they
    are. The twin class adds no state, so switching the instance's class keeps its attrs, choices and format."""
    fast = FAST_WIDGETS.get(type(widget))
    if fast is not None:
        widget.__class__ = fast
    return widget
