"""The refusals domain services raise, one small hierarchy for every door.

A service decides; a door presents. The API maps each type to its HTTP status (Invalid 422,
Conflict 409, NotFound 404, Forbidden 403) and puts ``errors`` in its body; pages attach
``errors`` to the form fields of the same names, or flash the message. No door ever reads the
message text to decide anything: the type and the field names are the contract.
"""


class ServiceError(Exception):
    """A refusal: a Chinese message for the person who asked, and the fields at fault.

    ``errors`` maps field names (the model's and the API's names, e.g. ``booth``,
    ``seeker_phone``, ``items.3``) to one message each; it may be empty when no single field
    is at fault.
    """

    #: The HTTP status a door answers with; doors read it from the type, never the message.
    status = 400

    def __init__(
        self,
        message: str | None = None,
        *,
        field: str | None = None,
        errors: dict[str, str] | None = None,
    ):
        errors = dict(errors or {})
        if field is not None and message is not None:
            errors.setdefault(field, message)
        self.errors = errors
        self.message = message or "；".join(errors.values()) or "操作未能完成。"
        super().__init__(self.message)

    @property
    def field(self) -> str | None:
        """Return the one field at fault, if exactly one is."""
        return next(iter(self.errors)) if len(self.errors) == 1 else None


class Invalid(ServiceError):
    """The input breaks a rule (a limit, a format, a required value): fix the fields."""

    status = 422


class Conflict(ServiceError):
    """The input is fine but the records' state forbids it now (taken, closed, duplicate)."""

    status = 409


class Stale(Conflict):
    """The record changed since the caller read it; nothing was written."""


class NotFound(ServiceError):
    """No such record, or none the actor may reach: the two are never told apart."""

    status = 404


class Forbidden(ServiceError):
    """The actor's role may not do this at all."""

    status = 403


class ReauthenticationRequired(Forbidden):
    """The actor must type the password again before this disclosure of personal data."""
