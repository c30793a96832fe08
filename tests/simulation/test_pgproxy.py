"""The PostgreSQL restart the simulation plays (`pgproxy.py`): what the app sees, and that the
app rides through it. PostgreSQL only."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator

import psycopg
import pytest
from sqlalchemy import text
from sqlalchemy.exc import OperationalError

from bot.content import Library
from bot.db import make_engine
from bot.emulator.stage import Stage
from tests.e2e.conftest import CHANNEL, CREATOR, MEMBERS, Handled
from tests.e2e.reads import NINE_NY, prompts
from tests.simulation.pgproxy import PgProxy


@pytest.fixture
def postgres(database_url: str) -> str:
    if not database_url.startswith("postgresql"):
        pytest.skip("a PostgreSQL server restart")
    return database_url


@pytest.fixture
def proxy() -> Iterator[PgProxy]:
    with PgProxy() as started:
        yield started


def _libpq(url: str) -> str:
    return url.replace("postgresql+psycopg://", "postgresql://")


def test_a_restart_cuts_every_connection_and_refuses_new_ones_for_a_while(
    postgres: str, proxy: PgProxy
) -> None:
    url = proxy.url(postgres)
    engine = make_engine(url, pool_pre_ping=False)
    try:
        held = engine.connect()
        assert held.execute(text("SELECT 1")).scalar_one() == 1
        down = threading.Thread(target=proxy.restart, kwargs={"down": 1.0})
        down.start()
        time.sleep(0.3)
        with pytest.raises(psycopg.OperationalError):  # refused while it starts up
            psycopg.connect(_libpq(url), connect_timeout=2).close()
        down.join()
        with pytest.raises(OperationalError):  # the connection it had is gone
            held.execute(text("SELECT 1"))
        held.close()
        with engine.connect() as fresh:  # and it accepts again
            assert fresh.execute(text("SELECT 1")).scalar_one() == 1
        assert proxy.restarts == 1
    finally:
        engine.dispose()


def test_the_app_rides_through_a_restart(
    postgres: str, proxy: PgProxy, handled: Handled, library: Library
) -> None:
    with Stage(proxy.url(postgres), migrate=False, library=library) as stage:
        stage.add_member(CREATOR, "cleo", tz="America/New_York")
        stage.add_member(MEMBERS[0], "ana", tz="America/New_York")
        stage.add_channel(CHANNEL, "practice", creator=CREATOR, members=[CREATOR, MEMBERS[0]])
        stage.enrol(CHANNEL, inviter=CREATOR)
        handled(stage)
        assert proxy.restart(down=0.5) > 0  # the pool's connections were cut
        assert stage.run_job("post-prompt", NINE_NY).done == 1  # the pool reconnects
        assert len(prompts(stage)) == 1
        proxy.restart(down=0.5)
        stage.sender.send_command(MEMBERS[0], CHANNEL, "/practice", "me away 2026-03-10")
        handled(stage)
        said = [e.text for e in stage.slack.ephemerals(user=MEMBERS[0])]
        assert any("away until 2026-03-10" in t for t in said), said
        assert stage.run_job("post-prompt", NINE_NY).done == 0  # not posted twice
        assert len(prompts(stage)) == 1
