"""What every page form does with a service's refusal: messages beside the fields they name."""

from flask_wtf import FlaskForm
from wtforms.fields.choices import SelectChoice

from recruit.errors import ServiceError


def show_refusal(
    form: FlaskForm, error: ServiceError, aliases: dict[str, str] | None = None
) -> None:
    """Attach each of the refusal's field messages to the form field of that name.

    `aliases` maps a service field name to the form's own where they differ. Messages for
    fields the form does not have (or a refusal naming none) go on top of the form.
    """
    aliases = aliases or {}
    if not error.errors:
        form.form_errors.append(error.message)
        return
    for name, message in error.errors.items():
        field = form._fields.get(aliases.get(name, name)) if name else None
        if field is not None:
            field.errors = [*field.errors, message]
        else:
            form.form_errors.append(message)


def choices(pairs) -> list[SelectChoice]:
    """Turn (value, label) pairs into the choice objects WTForms 3.3 expects."""
    return [SelectChoice(str(value), label) for value, label in pairs]
