"""What every page form does with a service's refusal: messages beside the fields they name."""

from flask import render_template, request, session
from flask_wtf import FlaskForm
from werkzeug.datastructures import MultiDict
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


def confirmation(question: str, *, back: str):
    """Return the page asking to confirm this POST, or None once it carries confirm=1.

    The server asks itself, so an irreversible action never depends on a script having
    loaded; the page's script (confirm.js) asks first where it runs and sends confirm=1.
    """
    if request.form.get("confirm") == "1":
        return None
    fields = [
        (name, value)
        for name, value in request.form.items(multi=True)
        if name not in ("csrf_token", "confirm")
    ]
    page = render_template(
        "confirm.html", question=question, action=request.path, fields=fields, back=back
    )
    return page, 200


#: The session key holding what was typed into a form whose post was refused for its token.
TYPED = "_typed"
#: Fields never kept between requests: secrets, the token itself, an ID number.
_NOT_KEPT = ("csrf_token", "password", "password_confirm", "current", "new", "confirm")


def keep_typed() -> bool:
    """Keep what this post typed for the next GET of the same page; say whether it did.

    A post refused because its security token had expired (the session ended, or a page left
    open for hours) loses nothing: the form comes back filled in, with a fresh token.
    """
    fields = [
        (name, value)
        for name, value in request.form.items(multi=True)
        if name not in _NOT_KEPT and name != "seeker_id_number" and "password" not in name
    ]
    if not fields:
        return False
    session[TYPED] = {"path": request.path, "fields": fields}
    return True


class Form(FlaskForm):
    """Every page form: after a refused token, the next GET shows what was typed."""

    class Meta(FlaskForm.Meta):
        def wrap_formdata(self, form, formdata):
            wrapped = super().wrap_formdata(form, formdata)
            if wrapped is None and request.method == "GET":
                typed = session.get(TYPED)
                if typed and typed.get("path") == request.path:
                    session.pop(TYPED)
                    return MultiDict(typed["fields"])
            return wrapped
