"""Who acts: a signed-in user, or the product itself (a scheduled job, an operator's command).

Every domain operation takes the actor explicitly (``by=``); nothing falls back to the request's
user. A system actor has the whole installation in scope and is named in the audit log.
"""

from dataclasses import dataclass

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


#: A user or the system; every service's ``by`` is one of these.
Actor = User | SystemActor


def system(name: str) -> SystemActor:
    """Return the system actor for a job or command, e.g. system("jobs.expire_positions")."""
    return SystemActor(name)
