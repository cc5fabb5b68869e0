"""Who acts: a signed-in user, or the product itself (a scheduled job, an operator's command).

Every domain operation takes the actor explicitly (``by=``); nothing falls back to the request's
user. A system actor has the whole installation in scope and is named in the audit log.
"""

from dataclasses import dataclass

from flask_login import AnonymousUserMixin

from recruit.auth.models import Role, User


@dataclass(frozen=True)
class SystemActor:
    """The product acting on its own behalf; ``name`` says which job or command."""

    name: str

    id = None
    role = Role.ADMIN
    region_code = None
    employer_id = None
    employer = None
    is_authenticated = True

    def has_role(self, *roles: Role | str) -> bool:
        return self.role in {Role(r) for r in roles}

    def __str__(self) -> str:
        return f"system:{self.name}"


class Visitor(AnonymousUserMixin):
    """Someone not signed in: an actor with no role, so every service can ask it the same."""

    id = None
    role = None
    region_code = None
    employer_id = None
    employer = None

    def has_role(self, *_roles: Role | str) -> bool:
        return False


#: A user, a visitor or the system; every service's ``by`` is one of these.
Actor = User | Visitor | SystemActor


def system(name: str) -> SystemActor:
    """Return the system actor for a job or command, e.g. system("jobs.expire_positions")."""
    return SystemActor(name)
