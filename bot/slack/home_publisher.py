"""Publishing a member's App Home: read it in one service call, then `views.publish` (no
transaction open). Shared by the `app_home_opened` listener and the buttons and modals that
change what the Home shows (a mock cancelled, a rating). (A submitted score gets its Home back
from `reviews.submit_scores`, its one service call.)"""

from __future__ import annotations

from slack_sdk import WebClient

from bot.runtime import Runtime
from bot.services.home import home_page
from bot.slack.render.home import home_view


def publish_home(runtime: Runtime, client: WebClient, team_id: str, user_id: str) -> None:
    page = home_page(runtime.sessions, team_id, user_id, runtime.clock(), library=runtime.library)
    client.views_publish(user_id=user_id, view=home_view(page.home, page.names))
