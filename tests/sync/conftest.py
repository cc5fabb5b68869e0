"""Fixtures for the channel sync: a protocol v1 receiver on 127.0.0.1 and a configured channel."""

import pytest
import sqlalchemy as sa

from recruit.auth.actors import system
from recruit.channels.models import Channel
from recruit.sync.sandbox import SandboxState, start_sandbox

TOKEN_ENV = "RECRUIT_CHANNEL_XJY_TOKEN"
TOKEN = "t5-sandbox-token"
#: Who the tests act as when they call the services directly.
ACTOR = system("tests.sync")


@pytest.fixture
def sandbox():
    """A reference receiver in a thread of this process, answering real HTTP on 127.0.0.1."""
    server, thread = start_sandbox(state=SandboxState(token=TOKEN))
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)


@pytest.fixture
def channel(db, sandbox, monkeypatch):
    """The 湘就业 channel (http_json) pointed at the sandbox and enabled."""
    monkeypatch.setenv(TOKEN_ENV, TOKEN)
    channel = db.session.scalar(sa.select(Channel).where(Channel.code == "xjy"))
    channel.base_url = sandbox.base_url
    channel.token_env = TOKEN_ENV
    channel.enabled = True
    db.session.flush()
    return channel
