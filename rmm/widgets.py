"""Form widgets shared by the apps."""

import html

from django import forms
from django.forms.models import ModelChoiceIterator
from django.utils.safestring import mark_safe


def _escape(text) -> str:
    """Django's `escape` without its lazy-argument wrapper (checked on every call: a select
    of twenty options escapes sixty texts)."""
    return html.escape(str(text))


def _conditional_escape(text) -> str:
    """Django's `conditional_escape`: a safe text as it is, any other escaped."""
    if hasattr(text, "__html__"):
        return text.__html__()
    return html.escape(str(text))


def _attributes(attrs: dict) -> str:
    """As Django's `attrs.html`: `True` gives the bare name, `False` nothing."""
    parts = []
    for name, value in attrs.items():
        if value is False:
            continue
        parts.append(
            f" {_escape(name)}" if value is True else f' {_escape(name)}="{_escape(value)}"'
        )
    return "".join(parts)


class CompactSelect(forms.Select):
    """A single-choice select with Django's markup, rendered without a template per option.

    Django renders each option through its own template and a dictionary of attributes (about
    0.4 ms an option here): the territorial dashboard's list of twenty organisations cost 8 ms
    of a page whose budget is ten. A model choice list is read in one plain query (Django's
    iterator opens a server-side cursor: three round trips for twenty rows). Option groups fall
    back to Django's rendering."""

    def _listed_choices(self):
        if isinstance(self.choices, ModelChoiceIterator):
            iterator = self.choices
            if iterator.field.empty_label is not None:
                yield ("", iterator.field.empty_label)
            for obj in iterator.queryset.all():
                yield iterator.choice(obj)
        else:
            yield from self.choices

    def render(self, name, value, attrs=None, renderer=None):
        choices = list(self._listed_choices())
        if any(isinstance(label, (list, tuple)) for _value, label in choices):
            return super().render(name, value, attrs, renderer)
        wanted = self.format_value(value)
        parts = [
            f'<select name="{_escape(name)}"{_attributes(self.build_attrs(self.attrs, attrs))}>'
        ]
        has_selected = False
        for option_value, label in choices:
            text = "" if option_value is None else str(option_value)
            selected = not has_selected and text in wanted
            has_selected |= selected
            parts.append(
                f'\n  <option value="{_escape(text)}"{" selected" if selected else ""}>'
                f"{_conditional_escape(label)}</option>\n"  # the option template's own newline
            )
        parts.append("\n</select>")
        return mark_safe("".join(parts))  # noqa: S308 - every value and label escaped above


class CompactInputMixin:
    """An `<input>` with Django's markup (`input.html` and `attrs.html`), written without a
    template: three nested templates cost 0.1-0.15 ms a field, a filter form of nine fields
    more than its query. Same context as Django's (`get_context`), so the value, the checked
    state and the attributes are Django's own."""

    def render(self, name, value, attrs=None, renderer=None):
        widget = self.get_context(name, value, attrs)["widget"]
        shown = widget["value"]
        value_part = "" if shown is None else f' value="{_conditional_escape(str(shown))}"'
        return mark_safe(  # noqa: S308 - the type, name, value and attributes are escaped
            f'<input type="{_conditional_escape(widget["type"])}" '
            f'name="{_conditional_escape(widget["name"])}"{value_part}'
            f"{_attributes(widget['attrs'])}>"
        )


class CompactTextInput(CompactInputMixin, forms.TextInput):
    pass


class CompactDateInput(CompactInputMixin, forms.DateInput):
    pass


class CompactCheckboxInput(CompactInputMixin, forms.CheckboxInput):
    # A browser sends "on" for a ticked box and nothing otherwise; a hand-written link may say
    # "0" or "non", which Django's checkbox reads as ticked.
    UNTICKED = frozenset({"0", "off", "no", "non", "false"})

    def value_from_datadict(self, data, files, name):
        value = data.get(name)
        if isinstance(value, str) and value.strip().lower() in self.UNTICKED:
            return False
        return super().value_from_datadict(data, files, name)
