"""A simulated practice week: how many on-time answers get at least one complete review,
before and after stand-ins and give to get (docs/scoring.md, "Measured").

    python -m bench.review_week [--weeks 400] [--seed 1]

It runs the bot's own pure steps (`assign_reviewers`, the stand-in `plan_offers`) on members
whose behaviour follows the assumptions below; nothing else is modelled. Change an
assumption with the `Assumptions` fields and rerun.
"""

from __future__ import annotations

import argparse
import random
from collections import Counter
from dataclasses import dataclass, replace

from bot.practice.assignment import AnswerRef, assign_reviewers
from bot.practice.reviews.standins import OpenReview, plan_offers


@dataclass(frozen=True)
class Assumptions:
    members: int = 12  # in the channel
    volunteers: int = 2  # of them, with `/practice review on`
    days: int = 5  # practice days a week
    per_answer: int = 2  # reviewers per answer (the default)
    # Each member answers a day's prompt on time with their own probability, drawn once a
    # week from this range (some answer most days, some rarely).
    answer_rate: tuple[float, float] = (0.3, 0.9)
    # Each member, given reviews on a day, does them all with their own probability drawn from
    # this range (the demo's week had 1 of 6 done; groups that keep going do about half).
    review_rate: tuple[float, float] = (0.3, 0.7)
    # Give to get: a reviewer who answered that day does their reviews this much more often
    # (an assumption: reciprocity as in ORA's "must grade" and Exercism's credits).
    give_to_get_lift: float = 0.15
    # When a reviewer who does their reviews does them, as a share of the review time: early
    # (before half-time) with this probability, else in the second half.
    early_share: float = 0.6
    # An offered stand-in accepts with this probability, and then completes the review.
    accept_rate: float = 0.35
    standin_completes: float = 0.9


@dataclass(frozen=True)
class Outcome:
    answers: int
    reviewed: int  # answers with at least one complete review by the close
    standin_reviews: int

    @property
    def share(self) -> float:
        return self.reviewed / self.answers if self.answers else 1.0


def _day(
    rng: random.Random,
    a: Assumptions,
    answer_p: dict[str, float],
    review_p: dict[str, float],
    volunteers: list[str],
    *,
    standins: bool,
    give_to_get: bool,
    seed: int,
) -> tuple[int, int, int]:
    """One practice day: (answers, answers reviewed, stand-in reviews)."""
    authors = [m for m in answer_p if rng.random() < answer_p[m]]
    refs = [AnswerRef(i, author) for i, author in enumerate(authors)]
    plan = assign_reviewers(refs, per_answer=a.per_answer, volunteers=volunteers, seed=seed)
    done_by: dict[str, str] = {}  # reviewer -> "early" | "late" | "never"
    for reviewer in sorted({x.reviewer for x in plan.assignments}):
        p = review_p[reviewer] + (a.give_to_get_lift if give_to_get and reviewer in authors else 0)
        done_by[reviewer] = (
            ("early" if rng.random() < a.early_share else "late") if rng.random() < p else "never"
        )
    reviewed = {x.answer_id for x in plan.assignments if done_by[x.reviewer] != "never"}
    standin_reviews = 0
    if standins:
        # At half-time: reviews not done yet are offered to volunteers and to answerers whose
        # own reviews are all done.
        open_reviews, loads = [], Counter(x.reviewer for x in plan.assignments)
        reviewers: dict[int, set[str]] = {}
        for x in plan.assignments:
            reviewers.setdefault(x.answer_id, set()).add(x.reviewer)
        early = {x.answer_id for x in plan.assignments if done_by[x.reviewer] == "early"}
        for idx, x in enumerate(plan.assignments):
            if done_by[x.reviewer] != "early":
                open_reviews.append(
                    OpenReview(
                        idx,
                        authors[x.answer_id],
                        frozenset(reviewers[x.answer_id]),
                        x.answer_id in early,
                    )
                )
        candidates = [m for m in [*authors, *volunteers] if done_by.get(m, "early") == "early"]
        offers = plan_offers(open_reviews, candidates, loads, seed=seed)
        for review in open_reviews:
            for _user in offers.get(review.assignment_id, ()):
                if rng.random() < a.accept_rate:  # the first to accept takes it
                    if rng.random() < a.standin_completes:
                        reviewed.add(plan.assignments[review.assignment_id].answer_id)
                        standin_reviews += 1
                    break
    return len(authors), len(reviewed), standin_reviews


def simulate(
    weeks: int,
    *,
    seed: int = 1,
    standins: bool,
    give_to_get: bool,
    assumptions: Assumptions | None = None,
) -> Outcome:
    """`weeks` simulated weeks; the same seed gives the same members and days in every
    variant, so variants differ only by the mechanisms."""
    a = assumptions or Assumptions()
    rng = random.Random(seed)
    totals = [0, 0, 0]
    for week in range(weeks):
        members = [f"m{i:02d}" for i in range(a.members)]
        answer_p = {m: rng.uniform(*a.answer_rate) for m in members}
        review_p = {m: rng.uniform(*a.review_rate) for m in members}
        volunteers = members[: a.volunteers]
        for day in range(a.days):
            day_rng = random.Random(f"{seed}:{week}:{day}")
            done = _day(
                day_rng,
                a,
                answer_p,
                review_p,
                volunteers,
                standins=standins,
                give_to_get=give_to_get,
                seed=week * 10 + day,
            )
            totals = [t + d for t, d in zip(totals, done, strict=True)]
    return Outcome(*totals)


VARIANTS = (
    ("neither (before)", False, False),
    ("give to get only", False, True),
    ("stand-ins only", True, False),
    ("stand-ins and give to get", True, True),
)


def table(weeks: int, seed: int, assumptions: Assumptions | None = None) -> list[str]:
    lines = ["| variant | on-time answers | with a complete review | share | stand-in reviews |"]
    lines.append("|---|---|---|---|---|")
    for name, standins, give in VARIANTS:
        out = simulate(
            weeks, seed=seed, standins=standins, give_to_get=give, assumptions=assumptions
        )
        lines.append(
            f"| {name} | {out.answers} | {out.reviewed} | {out.share:.1%} | {out.standin_reviews} |"
        )
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--weeks", type=int, default=400)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--no-lift", action="store_true", help="give to get changes nothing")
    args = parser.parse_args()
    assumptions = Assumptions()
    if args.no_lift:
        assumptions = replace(assumptions, give_to_get_lift=0.0)
    print("\n".join(table(args.weeks, args.seed, assumptions)))


if __name__ == "__main__":
    main()
