"""The domain refuses with a code; these renderers word it (`bot/slack/render/`)."""

from __future__ import annotations

import pytest

from bot.practice.scoring import SETTINGS, ScoringSettingError, parse_setting
from bot.slack.render.scoring import SETTING_HELP, setting_error_text


def test_every_scoring_setting_has_its_words_and_no_words_name_an_unknown_one() -> None:
    assert list(SETTING_HELP) == list(SETTINGS)


@pytest.mark.parametrize(
    ("key", "raw", "says"),
    [
        ("nope", "1", "`nope` is not a scoring setting. Settings: `quality_weight`, "),
        ("give-to-get", "maybe", "`give_to_get` is on or off, not `maybe`."),
        ("shrinkage", "lots", "`shrinkage` needs a number, not `lots`."),
        ("bias_window_weeks", "60", "`bias_window_weeks` must be between 1 and 52."),
    ],
)
def test_a_refused_scoring_setting_is_worded_for_the_manager(key: str, raw: str, says: str) -> None:
    with pytest.raises(ScoringSettingError) as refused:
        parse_setting(key, raw)
    assert says in setting_error_text(refused.value)
