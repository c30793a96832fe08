"""The order a run sends DMs in: no two to the same person while others wait their turn."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from bot.practice.send_order import one_each_in_turn


def test_each_persons_first_message_goes_before_anyones_second() -> None:
    offers = [("ana", 1), ("ana", 2), ("ana", 3), ("ben", 4), ("chi", 5), ("ben", 6)]
    ordered = one_each_in_turn(offers, lambda offer: offer[0])
    assert ordered == [("ana", 1), ("ben", 4), ("chi", 5), ("ana", 2), ("ben", 6), ("ana", 3)]
    # A round that starts with whoever ended the last one would put them back to back.
    swapped = one_each_in_turn([("a", 1), ("b", 2), ("b", 3), ("a", 4)], lambda m: m[0])
    assert swapped == [("a", 1), ("b", 2), ("a", 4), ("b", 3)]


@given(st.lists(st.tuples(st.sampled_from("abcde"), st.integers())))
def test_the_order_keeps_every_message_and_each_persons_own_order(
    messages: list[tuple[str, int]],
) -> None:
    ordered = one_each_in_turn(messages, lambda message: message[0])
    assert sorted(ordered) == sorted(messages)
    for person in "abcde":
        assert [m for m in ordered if m[0] == person] == [m for m in messages if m[0] == person]
    # Two messages to one person in a row only once nobody else is left to send to.
    for i in range(len(ordered) - 1):
        if ordered[i][0] == ordered[i + 1][0]:
            assert {m[0] for m in ordered[i:]} == {ordered[i][0]}
