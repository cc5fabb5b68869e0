"""One table of rules, each run through every door it has: the page, the API and the command.

Every rule (region scope, ownership, limits, states, personal data, channels, report scope) is
arranged once; each door then sends its request on the same records, and whatever the door
committed is rolled back before the next one runs. The doors must end the same way (done,
refused, not found, forbidden), refuse in the same words and on the same fields, show the same,
and leave the database in the same state, a refusal leaving it as it was. A rule added to a
service is added to the table once (rules.py) and every door answers for it; a door that
decides on its own, or forgets, fails here.
"""

import re
from contextlib import contextmanager

import pytest

from tests.parity.doors import Answer, api_answer, command_answer, page_answer
from tests.parity.rule import ACTORS, EXPECTED, UNSTATED, Kit, Rule
from tests.parity.rules import RULES

REFUSED = ("invalid", "conflict")


def expected_kind(expect: str, door: str) -> str:
    """Return what a door says for the expected outcome: only the API tells them all apart."""
    if door == "api":
        return expect
    if expect in ("ok", "created"):
        return "ok"
    if door == "command" or expect in REFUSED:
        return "refused"
    return expect


def _words(message: str) -> str:
    return re.sub(r"\d+", "#", message)


@contextmanager
def rolled_back(db):
    """Run one door inside a savepoint of the test's transaction, and undo all it committed."""
    db.session.commit()  # the session's own savepoint must not enclose the door's
    savepoint = db.session.get_bind().begin_nested()
    try:
        yield
    finally:
        db.session.rollback()
        savepoint.rollback()
        db.session.expire_all()


def knock(door: str, rule: Rule, records: dict, client, runner, headers: dict) -> Answer:
    """Send the rule's request through one door and read the answer."""
    if door == "command":
        return command_answer(runner.invoke(args=rule.command(records)))
    method, url, body = getattr(rule, door)(records)
    if method == "get":
        sent = {"query_string": body}
    elif door == "page":
        # The person answers the page's confirmation step (tests/test_confirmation.py checks
        # that the step is there): the rule, not the extra click, is what is compared here.
        sent = {"data": {**(body or {}), "confirm": "1"}}
    else:
        sent = {"json": body}
    if door == "api":
        sent["headers"] = headers
    response = client.open(url, method=method.upper(), **sent)
    return page_answer(client, response) if door == "page" else api_answer(response)


def _effect(rule: Rule, records: dict):
    return None if rule.effect is None else rule.effect(records)


@pytest.mark.parametrize("rule", RULES, ids=[rule.name for rule in RULES])
def test_every_door_applies_the_rule_alike(
    rule, db, client, runner, login_as, bearer, make_user, make_fair, make_position, make_employer
):
    kit = Kit(None, make_fair, make_position, make_employer, make_user)
    headers = {}
    if ACTORS[rule.actor] is not None:
        kit.actor = make_user(**ACTORS[rule.actor](kit))
        login_as(kit.actor)
        headers = bearer(kit.actor)
    records = rule.arrange(kit)
    db.session.commit()  # the set-up stays when a door's work is rolled back
    before = _effect(rule, records)

    answers, effects = {}, {}
    for door in rule.doors:
        with rolled_back(db):
            answers[door] = knock(door, rule, records, client, runner, headers)
            db.session.expire_all()
            effects[door] = _effect(rule, records)

    kinds = {door: answer.kind for door, answer in answers.items()}
    assert kinds == {door: expected_kind(rule.expect, door) for door in rule.doors}, answers
    for door, answer in answers.items():
        for secret in rule.hidden:
            assert secret not in answer.text, f"the {door} shows {secret}"

    if rule.expect in REFUSED:
        api = answers["api"]
        # The same words (digits masked: a message may name the records' own numbers).
        said = {_words(m) for m in api.messages}
        for door, answer in answers.items():
            shown = [_words(m) for m in answer.messages]
            assert any(w in m for w in said for m in shown), (door, answer.messages, said)
            if rule.says is not None:
                assert any(rule.says in m for m in answer.messages), (door, answer.messages)
        if rule.says is not None:
            assert api.data["message"] == rule.says
        if rule.fields is not None:
            assert {door: answers[door].fields for door in ("page", "api")} == {
                "page": rule.fields,
                "api": rule.fields,
            }

    if rule.shows is not None:
        shown = {door: rule.shows(answer) for door, answer in answers.items()}
        expected = shown["api"] if rule.shown is UNSTATED else rule.shown
        assert shown == dict.fromkeys(rule.doors, expected)

    assert effects == dict.fromkeys(rule.doors, effects[rule.doors[0]]), effects
    if rule.expect not in ("ok", "created"):
        assert effects[rule.doors[0]] == before, "a refusal changed something"
    if rule.expect == "created":
        assert effects[rule.doors[0]] != before, "nothing was created"
    if rule.after is not UNSTATED:
        assert effects[rule.doors[0]] == rule.after


def test_every_rule_has_a_name_of_its_own():
    names = [rule.name for rule in RULES]
    assert len(names) == len(set(names))


def test_every_rule_is_tried_on_the_page_and_the_api_by_a_known_actor():
    for rule in RULES:
        assert rule.page is not None and rule.api is not None, rule.name
        assert rule.expect in EXPECTED and rule.actor in ACTORS, rule.name


def test_the_table_covers_every_domain_and_every_door():
    kinds = {rule.name.split(":")[0] for rule in RULES}
    assert {
        "scope",
        "limit",
        "state",
        "personal data",
        "public",
        "employer",
        "channel",
        "report scope",
    } <= kinds
    assert {door for rule in RULES for door in rule.doors} == {"page", "api", "command"}
