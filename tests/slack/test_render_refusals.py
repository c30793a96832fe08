"""The domain refuses with a code; these renderers word it (`bot/slack/render/`)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import bot
from bot.practice.mocks.queue import MockError, MockRefusal
from bot.practice.scoring import SETTINGS, ScoringSettingError, parse_setting
from bot.slack.render.mock_refusals import MOCK_REFUSALS, mock_refusal_text
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


def test_every_mock_refusal_the_code_raises_has_its_words() -> None:
    raised = set()
    for path in Path(bot.__file__).parent.rglob("*.py"):
        raised |= set(re.findall(r'MockError\(\s*"([a-z-]+)"', path.read_text()))
    assert raised and raised <= set(MOCK_REFUSALS), raised - set(MOCK_REFUSALS)


def test_a_mock_refusal_is_worded_with_its_detail() -> None:
    words = mock_refusal_text(MockError("pack-gone", pack="pmm").refusal)
    assert words == "The content pack `pmm` of this mock is gone."
    assert "try again" in mock_refusal_text(MockRefusal("a-code-nobody-words"))
