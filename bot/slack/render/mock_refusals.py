"""Why a mock action was refused, in words: the domain raises `MockError` with a code
(`bot/practice/mocks/queue.py`); listeners say `mock_refusal_text(exc.refusal)`."""

from __future__ import annotations

from bot.practice.mocks.queue import MockRefusal

MOCK_REFUSALS = {
    "mock-gone": "I can't find that mock any more.",
    "not-in-mock-move": "Only the two people in this mock can move it.",
    "not-in-mock-checkin": "Only the two people in this mock can say whether it happened.",
    "not-in-mock-swap": "Only the two people in this mock can swap its roles.",
    "slot-gone": "That time is no longer one you both gave. Pick another from the list.",
    "ended": "This mock has ended. Run `/mock` for a new one.",
    "ended-swap": "This mock has ended. Run `/mock` for a new partner.",
    "unknown-checkin": "That answer is not one I know; press one of the buttons.",
    "no-content": "No content pack with prompts is installed, so there is no case to use.",
    "round-not-started": "That round of the mock has not started.",
    "already-swapped": "Roles were already swapped: this mock is in its second round.",
    "pack-gone": "The content pack `{pack}` of this mock is gone.",
    "candidate-scores": (
        "Only this round's interviewer scores it. As the candidate you can rate how "
        "helpful your interviewer was instead."
    ),
    "interviewer-rates": (
        "Only this round's candidate rates the interviewer; as the interviewer you score "
        "the candidate on the rubric."
    ),
    "missing-scores": "Score every rubric criterion once (missing: {missing}).",
    "scores-range": "Scores go from 1 to 5 ({criteria}).",
    "helpfulness-range": "Helpfulness goes from 1 to 5.",
    "away": (
        "You are away until {last}, so `/mock` is paused for you. Back sooner? "
        "`/practice me away off`, then `/mock` again."
    ),
}
UNKNOWN = "That did not work, and nothing was changed. Please try again."


def mock_refusal_text(refusal: MockRefusal) -> str:
    """The member's words for a refused mock action."""
    words = MOCK_REFUSALS.get(refusal.code)
    return words.format(**dict(refusal.detail)) if words is not None else UNKNOWN
