"""Multi-workspace installs as an operator and two workspaces see them.

The real OAuth flow over HTTP (`/slack/install`, Slack's authorize page, `/slack/oauth_redirect`
and the emulator's `oauth.v2.access`), each workspace's events and jobs acting with that
workspace's own token, uninstalling in either order, retention, and token rotation.
"""

from __future__ import annotations

import time
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from sqlalchemy import select

from bot.db import unit_of_work
from bot.emulator.sender import SlackSender
from bot.emulator.stage import CLIENT_ID, Stage
from bot.emulator.state import DEFAULT_TOKEN
from bot.models import Channel, PromptPost, Workspace
from bot.practice.workspaces import RETENTION
from bot.slack.oauth import BOT_SCOPES
from tests.e2e.conftest import ADA, BO, C_ONE, C_TWO, ONE, TWO, Handled
from tests.e2e.reads import NINE_NY, count, prompts

DAY = timedelta(days=1)


@pytest.fixture
def stage(oauth_stage: Stage) -> Stage:
    return oauth_stage


def sender(stage: Stage, team_id: str) -> SlackSender:
    return stage.sender if team_id == ONE else stage.sender_for(team_id)


def installed(stage: Stage, *teams: str) -> dict[str, str]:
    """Install each workspace through the OAuth flow; team -> the bot token it got."""
    tokens = {}
    for team in teams:
        reply = stage.install(team)
        assert reply.status == 200, reply.body
        bot = stage.runtime.slack.installation_store.find_bot(enterprise_id=None, team_id=team)
        assert bot is not None and bot.bot_token
        tokens[team] = bot.bot_token
    return tokens


def enrol(stage: Stage, team: str, channel: str, inviter: str) -> None:
    sender(stage, team).invite_bot(channel, inviter)
    stage.slack.wait_for(lambda: stage.slack.messages(channel))


def workspace(stage: Stage, team: str) -> Workspace | None:
    with unit_of_work(stage.runtime.sessions) as session:
        found = session.get(Workspace, team)
        session.expunge_all()
        return found


def two_enrolled(stage: Stage) -> dict[str, str]:
    tokens = installed(stage, ONE, TWO)
    enrol(stage, ONE, C_ONE, ADA)
    enrol(stage, TWO, C_TWO, BO)
    return tokens


def test_install_sets_a_state_cookie_and_sends_the_admin_to_slacks_authorize_page(
    stage: Stage,
) -> None:
    reply = stage.get("/slack/install")
    assert reply.status == 302
    location = urlsplit(reply.header("location") or "")
    assert (location.netloc, location.path) == ("slack.com", "/oauth/v2/authorize")
    query = parse_qs(location.query)
    assert query["client_id"] == [CLIENT_ID]
    assert query["scope"] == [",".join(BOT_SCOPES)]
    assert f"slack-app-oauth-state={query['state'][0]}" in (reply.header("set-cookie") or "")


@pytest.mark.both_stacks
def test_two_workspaces_install_and_each_is_served_with_its_own_token(stage: Stage) -> None:
    reply = stage.install(ONE)
    assert reply.status == 200 and "Thank you!" in reply.body
    tokens = installed(stage, TWO) | {
        ONE: stage.runtime.slack.installation_store.find_bot(
            enterprise_id=None, team_id=ONE
        ).bot_token
    }
    assert tokens[ONE] != tokens[TWO]
    assert (workspace(stage, TWO).name, workspace(stage, TWO).bot_user_id) == ("Second Co", "UBOT2")

    stage.slack.clear_calls()
    enrol(stage, ONE, C_ONE, ADA)
    enrol(stage, TWO, C_TWO, BO)
    calls = [c for c in stage.slack.calls if c.method != "oauth.v2.access"]
    assert calls and all(c.token == tokens[c.team_id] for c in calls)
    assert {c.team_id for c in stage.slack.calls_to("chat.postMessage")} == {ONE, TWO}

    stage.slack.clear_calls()
    stage.run_job("post-prompt", NINE_NY)
    assert len(prompts(stage, C_ONE)) == len(prompts(stage, C_TWO)) == 1
    posts = {c.args["channel"]: c.token for c in stage.slack.calls_to("chat.postMessage")}
    assert posts == {C_ONE: tokens[ONE], C_TWO: tokens[TWO]}


def test_a_forged_or_replayed_redirect_installs_nothing(stage: Stage) -> None:
    start = stage.get("/slack/install")
    state = parse_qs(urlsplit(start.header("location") or "").query)["state"][0]
    cookie = (start.header("set-cookie") or "").split(";", 1)[0]
    stage.slack.state.add_oauth_code("stolen", TWO)
    no_cookie = stage.get(f"/slack/oauth_redirect?code=stolen&state={state}")
    wrong_state = stage.get("/slack/oauth_redirect?code=stolen&state=made-up", cookie=cookie)
    assert no_cookie.status == wrong_state.status == 400
    assert stage.slack.calls_to("oauth.v2.access") == []
    assert stage.runtime.slack.installation_store.find_bot(enterprise_id=None, team_id=TWO) is None
    assert workspace(stage, TWO) is None


@pytest.mark.parametrize("order", ["uninstalled-first", "revoked-first"])
def test_removing_the_app_stops_that_workspace_only_and_a_reinstall_resumes_it(
    stage: Stage, handled: Handled, order: str
) -> None:
    two_enrolled(stage)
    stage.run_job("post-prompt", NINE_NY)
    two = sender(stage, TWO)
    stage.set_time(NINE_NY + timedelta(hours=2))
    first, second = (
        (two.uninstall, two.revoke_tokens)
        if order == "uninstalled-first"
        else (two.revoke_tokens, two.uninstall)
    )
    assert first().status == 200
    stage.slack.wait_for(lambda: workspace(stage, TWO).uninstalled_at is not None)
    assert second().status == 200
    handled(stage)  # the second event's listener has run: now it must have changed nothing
    store = stage.runtime.slack.installation_store
    assert store.find_bot(enterprise_id=None, team_id=TWO) is None
    assert store.find_installation(enterprise_id=None, team_id=TWO) is None
    assert store.find_bot(enterprise_id=None, team_id=ONE) is not None
    assert workspace(stage, TWO).uninstalled_at == NINE_NY + timedelta(hours=2)

    stage.slack.clear_calls()
    stage.run_job("post-prompt", NINE_NY + DAY)
    assert len(prompts(stage, C_ONE)) == 2
    assert len(prompts(stage, C_TWO)) == 1
    assert {c.team_id for c in stage.slack.calls} == {ONE}

    installed(stage, TWO)  # a reinstall within the retention period finds everything as it was
    assert workspace(stage, TWO).uninstalled_at is None
    stage.run_job("post-prompt", NINE_NY + 2 * DAY)
    assert len(prompts(stage, C_TWO)) == 2


def test_a_removed_workspaces_data_is_deleted_after_the_retention_period(stage: Stage) -> None:
    two_enrolled(stage)
    stage.run_job("post-prompt", NINE_NY)
    stage.set_time(NINE_NY + timedelta(hours=1))
    sender(stage, TWO).uninstall()
    stage.slack.wait_for(lambda: workspace(stage, TWO).uninstalled_at is not None)

    stage.run_job("housekeeping", NINE_NY + RETENTION - DAY)
    assert workspace(stage, TWO) is not None
    assert count(stage, Channel) == 2

    stage.run_job("housekeeping", NINE_NY + RETENTION + DAY)
    assert workspace(stage, TWO) is None
    with unit_of_work(stage.runtime.sessions) as session:
        assert session.scalars(select(Channel.team_id)).all() == [ONE]
        teams = session.scalars(
            select(Channel.team_id).join(PromptPost, PromptPost.channel_pk == Channel.id)
        ).all()
    assert set(teams) == {ONE}
    assert workspace(stage, ONE).uninstalled_at is None


def expire_token(stage: Stage, team: str) -> str:
    """Make the stored rotating token look expired; returns it."""
    store = stage.runtime.slack.installation_store
    installation = store.find_installation(enterprise_id=None, team_id=team)
    assert installation.bot_refresh_token is not None
    installation.bot_token_expires_at = int(time.time()) - 60
    store.save(installation)
    return installation.bot_token


@pytest.mark.both_stacks
def test_rotating_tokens_are_refreshed_for_jobs_and_for_requests(stage: Stage) -> None:
    installed(stage, ONE)
    assert stage.install(TWO, rotating=True).status == 200
    store = stage.runtime.slack.installation_store
    first = store.find_installation(enterprise_id=None, team_id=TWO)
    assert first.bot_refresh_token and first.bot_token_expires_at > time.time() + 3600
    enrol(stage, TWO, C_TWO, BO)
    enrol(stage, ONE, C_ONE, ADA)

    # A job finds the token expired: it is refreshed once, saved, and the post uses it.
    old = expire_token(stage, TWO)
    stage.slack.clear_calls()
    stage.run_job("post-prompt", NINE_NY)
    (refresh,) = stage.slack.calls_to("oauth.v2.access")
    assert refresh.args["grant_type"] == "refresh_token"
    assert refresh.args["refresh_token"] == first.bot_refresh_token
    rotated = store.find_installation(enterprise_id=None, team_id=TWO)
    assert rotated.bot_token not in (None, old)
    assert rotated.bot_refresh_token != first.bot_refresh_token
    assert store.find_bot(enterprise_id=None, team_id=TWO).bot_token == rotated.bot_token
    posts = {c.args["channel"]: c.token for c in stage.slack.calls_to("chat.postMessage")}
    assert posts[C_TWO] == rotated.bot_token
    assert len(prompts(stage, C_ONE)) == len(prompts(stage, C_TWO)) == 1

    # An event finds it expired again: Bolt's authorize refreshes it with the new refresh token.
    expire_token(stage, TWO)
    stage.slack.clear_calls()
    stage.slack.state.add_channel("C0TWOB", "more-two", creator=BO, members=[BO], team_id=TWO)
    enrol(stage, TWO, "C0TWOB", BO)
    (refresh,) = stage.slack.calls_to("oauth.v2.access")
    assert refresh.args["refresh_token"] == rotated.bot_refresh_token
    latest = store.find_installation(enterprise_id=None, team_id=TWO)
    assert latest.bot_token != rotated.bot_token
    welcome = stage.slack.calls_to("chat.postMessage")[-1]
    assert welcome.token == latest.bot_token


def test_single_workspace_mode_stops_jobs_when_the_app_is_removed(database_url: str) -> None:
    with Stage(database_url, migrate=False) as stage:
        stage.add_member(ADA, "ada", tz="America/New_York")
        stage.add_channel(C_ONE, "practice-one", creator=ADA, members=[ADA])
        stage.enrol(C_ONE, inviter=ADA)
        stage.sender.revoke_tokens()
        stage.slack.wait_for(lambda: workspace(stage, ONE).uninstalled_at is not None)
        stage.sender.uninstall()
        stage.run_job("post-prompt", NINE_NY)
        assert prompts(stage, C_ONE) == []

        # Reinstalled (a new token in production): inviting the bot back resumes the channel.
        stage.slack.state.tokens[DEFAULT_TOKEN] = ONE
        stage.sender.invite_bot(C_ONE, ADA)
        stage.slack.wait_for(lambda: workspace(stage, ONE).uninstalled_at is None)
        stage.run_job("post-prompt", NINE_NY + DAY)
        assert len(prompts(stage, C_ONE)) == 1
