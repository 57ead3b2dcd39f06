"""`{% govuk_field form.field %}` and `{% govuk_error_summary form %}`: GOV.UK Design System markup (label, hint,
error message, error summary linking to the field) for ordinary Django form fields."""

from __future__ import annotations

from typing import Any

from django import forms, template

from casework.core.forms import field_anchor

register = template.Library()


def _kind(widget: forms.Widget) -> str:
    # CheckboxSelectMultiple is a subclass of RadioSelect: test it first.
    if isinstance(widget, forms.CheckboxSelectMultiple):
        return "checkboxes"
    if isinstance(widget, forms.RadioSelect):
        return "radios"
    if isinstance(widget, forms.CheckboxInput):
        return "checkbox"
    if isinstance(widget, forms.Textarea):
        return "textarea"
    if isinstance(widget, forms.Select):
        return "select"
    if isinstance(widget, forms.MultiWidget):
        return "date"
    return "input"


@register.inclusion_tag("core/govuk/field.html")
def govuk_field(field: forms.BoundField, label_class: str = "govuk-label", width: str = "") -> dict[str, Any]:
    kind = _kind(field.field.widget)
    value = field.value()
    if isinstance(value, list | tuple):
        selected = {str(v) for v in value}
    else:
        selected = {str(value)} if value is not None else set()
    input_type = getattr(field.field.widget, "input_type", "text")
    return {
        "field": field,
        "kind": kind,
        "id": field.auto_id,
        "name": field.html_name,
        "value": "" if value is None else value,
        "selected": selected,
        "checked": bool(value) and value not in ("False", "false"),
        "errors": field.errors,
        "hint": field.help_text,
        "label_class": label_class,
        "input_type": "text" if input_type == "number" else input_type,
        "numeric": input_type == "number",
        "width": width or field.field.widget.attrs.get("data-width", ""),
        "required": field.field.required,
        "choices": [(str(v), label) for v, label in getattr(field.field, "choices", []) if str(v) != ""]
        if kind in ("radios", "checkboxes")
        else list(getattr(field.field, "choices", [])),
        "describedby": " ".join(
            p
            for p in (
                f"{field.auto_id}-hint" if field.help_text else "",
                f"{field.auto_id}-error" if field.errors else "",
            )
            if p
        ),
    }


@register.inclusion_tag("core/govuk/error_summary.html")
def govuk_error_summary(form: forms.Form | None, extra: list[str] | None = None) -> dict[str, Any]:
    items: list[tuple[str, str]] = [(m, "") for m in (extra or [])]
    if form is not None and form.is_bound and form.errors:
        items += [(str(e), "") for e in form.non_field_errors()]
        for name in form.fields:
            for error in form.errors.get(name, []):
                items.append((str(error), field_anchor(form[name])))
    return {"items": items}


@register.simple_tag
def status_tag_colour(status: str) -> str:
    """GOV.UK tag colour per case status: waiting for someone is yellow/blue, closed grey, support green."""
    colours = {
        "screening": "light-blue",
        "assessment": "blue",
        "awaiting_countersign": "yellow",
        "awaiting_panel": "purple",
        "awaiting_consent": "yellow",
        "support_active": "green",
        "police_led": "orange",
        "closed": "grey",
        "monitoring_ended": "grey",
        "due": "yellow",
        "overdue": "red",
        "scheduled": "blue",
        "done": "green",
        "completed": "green",
        "urgent": "orange",
        "immediate": "red",
        "routine": "grey",
        "held": "green",
        "cancelled": "grey",
    }
    if status.startswith("closed_"):
        return "govuk-tag--grey"
    return f"govuk-tag--{colours.get(status, 'grey')}"
