"""One unit of work for every door: commit on success, roll back on any refusal or race.

Pages, API handlers, commands and job steps wrap their service calls in ``unit_of_work()`` (or
decorate a handler with ``transactional``). A ServiceError rolls back and goes on up; so do the
two races a database settles for us, turned into ServiceErrors with the same meaning on every
door: a unique constraint lost to a concurrent insert (Conflict, naming the field its domain
registered) and a version column that moved under an edit (Stale).
"""

import logging
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import wraps

import sqlalchemy as sa
from sqlalchemy.orm.exc import StaleDataError

from recruit.errors import Conflict, ServiceError, Stale
from recruit.extensions import db

logger = logging.getLogger(__name__)

STALE_MESSAGE = "其他人刚刚修改了这条记录，您的操作未执行。请查看最新信息后重试。"
TAKEN_MESSAGE = "与刚刚保存的另一条记录冲突，您的操作未执行。请刷新后重试。"


@dataclass(frozen=True)
class _Taken:
    field: str
    message: str


#: (table, frozenset of columns) → what losing that unique constraint's race means.
_UNIQUE_RACES: dict[tuple[str, frozenset[str]], _Taken] = {}
#: table → what a moved version column means, in the words of that domain.
_STALE_MESSAGES: dict[str, str] = {}


def register_unique_race(table: str, columns: tuple[str, ...], field: str, message: str) -> None:
    """Say what a lost race on a unique constraint means to the user (called by its domain)."""
    _UNIQUE_RACES[(table, frozenset(columns))] = _Taken(field, message)


def register_stale_message(table: str, message: str) -> None:
    """Say how a lost optimistic-lock race on this table reads (called by its domain)."""
    _STALE_MESSAGES[table] = message


_STALE_TABLE = re.compile(r"statement on table '(\w+)'")


def stale_for(error: StaleDataError) -> Stale:
    """Turn a version column that moved under an edit into the Stale its domain words."""
    match = _STALE_TABLE.search(str(error))
    return Stale(_STALE_MESSAGES.get(match.group(1) if match else "", STALE_MESSAGE))


_SQLITE_UNIQUE = re.compile(r"UNIQUE constraint failed: ([\w.]+(?:, [\w.]+)*)")


def _violated(error: sa.exc.IntegrityError) -> tuple[str, frozenset[str]] | None:
    """Return the table and columns of the unique constraint an insert or update lost."""
    name = getattr(getattr(error.orig, "diag", None), "constraint_name", None)
    if name:  # PostgreSQL names the constraint
        for table in db.metadata.tables.values():
            for constraint in table.constraints:
                if constraint.name == name:
                    return table.name, frozenset(c.name for c in constraint.columns)
        return None
    match = _SQLITE_UNIQUE.search(str(error.orig))
    if match:
        pairs = [part.split(".", 1) for part in match.group(1).split(", ")]
        return pairs[0][0], frozenset(column for _table, column in pairs)
    return None


def conflict_for(error: sa.exc.IntegrityError) -> Conflict:
    """Turn a lost unique-constraint race into the Conflict its domain registered."""
    taken = _UNIQUE_RACES.get(_violated(error) or ("", frozenset()))
    if taken is None:
        logger.warning("Integrity error without a registered meaning: %s", error.orig)
        return Conflict(TAKEN_MESSAGE)
    return Conflict(taken.message, field=taken.field)


@contextmanager
def unit_of_work(*, keep_loaded: bool = False) -> Iterator[None]:
    """Commit what the block did, or roll it all back and raise a ServiceError.

    keep_loaded: a read that only adds an audit entry (a disclosure) keeps the records it read
    loaded after the commit, so that showing them does not read each one again.
    """
    try:
        yield
        _commit(keep_loaded)
    except ServiceError:
        db.session.rollback()
        raise
    except StaleDataError as error:
        db.session.rollback()
        raise stale_for(error) from None
    except sa.exc.IntegrityError as error:
        db.session.rollback()
        raise conflict_for(error) from None
    except BaseException:
        db.session.rollback()
        raise


def _commit(keep_loaded: bool) -> None:
    session = db.session()
    expire = session.expire_on_commit
    session.expire_on_commit = expire and not keep_loaded
    try:
        session.commit()
    finally:
        session.expire_on_commit = expire


def transactional(view: Callable) -> Callable:
    """Run a handler as one unit of work (API handlers, button posts without a form)."""

    @wraps(view)
    def wrapped(*args, **kwargs):
        with unit_of_work():
            return view(*args, **kwargs)

    return wrapped
