"""GOV.UK form building blocks: a day/month/year date field (the GOV.UK date input pattern) and a base form whose
errors render as a GOV.UK error summary linking to each field. Input parsing only; no business rules here."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms

ERR_DATE_INVALID = "Enter a real date, for example 27 3 2026"
ERR_DATE_REQUIRED = "Enter the date"


class GovukDateWidget(forms.MultiWidget):
    """Three text inputs (day, month, year) named <field>_0, _1, _2, as the GOV.UK date input."""

    template_name = "core/govuk/date_widget.html"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        widgets = [
            forms.TextInput(
                attrs={"inputmode": "numeric", "class": "govuk-input govuk-date-input__input govuk-input--width-2"}
            ),
            forms.TextInput(
                attrs={"inputmode": "numeric", "class": "govuk-input govuk-date-input__input govuk-input--width-2"}
            ),
            forms.TextInput(
                attrs={"inputmode": "numeric", "class": "govuk-input govuk-date-input__input govuk-input--width-4"}
            ),
        ]
        super().__init__(widgets, attrs)

    def decompress(self, value: Any) -> list[Any]:
        if isinstance(value, dt.date):
            return [value.day, value.month, value.year]
        return [None, None, None]


class GovukDateField(forms.MultiValueField):
    widget = GovukDateWidget

    def __init__(self, **kwargs: Any) -> None:
        fields = (forms.CharField(), forms.CharField(), forms.CharField())
        kwargs.setdefault("error_messages", {"required": ERR_DATE_REQUIRED, "incomplete": ERR_DATE_INVALID})
        super().__init__(fields, require_all_fields=False, **kwargs)

    def compress(self, data_list: list[Any]) -> dt.date | None:
        if not data_list or not any(data_list):
            return None
        try:
            day, month, year = (int(str(v).strip()) for v in data_list)
            return dt.date(year, month, day)
        except (TypeError, ValueError):
            raise forms.ValidationError(ERR_DATE_INVALID, code="invalid") from None


class GovukForm(forms.Form):
    """A form rendered with `{% govuk_field %}`; `error_summary` lists (message, anchor) pairs in field order.
    `field_aliases` maps a service's error field (e.g. 'handover') to the form field that should show it."""

    field_aliases: dict[str, str] = {}

    def field_for_error(self, service_field: str | None) -> str | None:
        name = self.field_aliases.get(service_field or "", (service_field or "").replace(".", "_"))
        return name if name in self.fields else None

    def error_summary(self) -> list[tuple[str, str]]:
        items: list[tuple[str, str]] = [(str(e), "") for e in self.non_field_errors()]
        for name in self.fields:
            for error in self.errors.get(name, []):
                items.append((str(error), field_anchor(self[name])))
        return items


def set_choices(form: forms.Form, name: str, choices: list[tuple[str, str]]) -> None:
    """Choices known only at request time (cases, users, meetings) for a choice field of `form`."""
    field = form.fields[name]
    assert isinstance(field, forms.ChoiceField)
    field.choices = choices


def field_anchor(bound: forms.BoundField) -> str:
    """The id the error summary links to: the first input of a group (radios, checkboxes, date parts)."""
    widget = bound.field.widget
    if isinstance(widget, forms.RadioSelect | forms.CheckboxSelectMultiple | forms.MultiWidget):
        return f"{bound.auto_id}_0"
    return str(bound.auto_id)
