"""The transaction guard itself: the check that is on for the whole suite can fail.

`tests/conftest.py` installs `bot.transaction_guard` for every test and fails a test after
which a violation is left; here the guard is shown to see one (a Web API call and a
`response_url` post from a thread holding a transaction) and to stay quiet otherwise.
"""

from __future__ import annotations

import threading

import pytest
from slack_sdk import WebClient
from slack_sdk.webhook import WebhookClient
from sqlalchemy import text

from bot.db import make_engine, make_session_factory, unit_of_work
from bot.emulator import DEFAULT_TOKEN, SlackEmulator
from bot.transaction_guard import holds_transaction, take_violations


@pytest.mark.fault(
    "a Web API call and a response_url post made while the calling thread has a database "
    "transaction open (the guard that runs for the whole suite)",
    "each is recorded as a violation and fails the test; the same calls after the commit, "
    "or from another thread, are not",
)
def test_a_slack_call_inside_a_transaction_is_caught(database_url: str) -> None:
    engine = make_engine(database_url)
    sessions = make_session_factory(engine)
    with SlackEmulator() as slack:
        client = WebClient(token=DEFAULT_TOKEN, base_url=slack.api_url)
        with unit_of_work(sessions) as session:
            session.execute(text("SELECT 1"))
            assert holds_transaction()
            other: list[bool] = []
            worker = threading.Thread(target=lambda: other.append(holds_transaction()))
            worker.start()
            worker.join()
            assert other == [False]  # the transaction is this thread's, not the process's
            client.auth_test()
            WebhookClient(f"{slack.api_url}response/none").send_dict({"text": "hi"})
            session.commit()
        caught = take_violations()
        assert len(caught) == 2
        assert "auth.test" in caught[0] and "response_url" in caught[1]
        assert "test_transaction_guard.py" in caught[0]  # names where the call was made

        assert not holds_transaction()
        client.auth_test()  # after the unit of work: allowed
        assert take_violations() == []
    engine.dispose()
