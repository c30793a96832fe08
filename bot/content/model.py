"""What a loaded content pack is made of: criteria, prompts, tables, sample answers, packs."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import Any

# The kinds of prompt a pack may use. Fixed in code so that a typo ("mesurement") is caught
# and so that kind rotation in bot.practice.choice works on a known set.
KINDS: tuple[str, ...] = (
    "case",  # go-to-market plan for a new, loosely defined product
    "measurement",  # proving an effect: holdouts, incrementality, thresholds, power
    "data-diagnosis",  # a metric moved: find the driver before acting
    "prioritization",  # pick one market or segment and say what waits
    "behavioural",  # a story from the candidate's own past, with before/after numbers
    "ecosystem",  # creators, ranking and organic distribution instead of paid playbooks
    # Reading a shipped launch and inferring the bet behind it: interviewers ask for it and
    # it trains hypothesis-thinking from the outside in, unlike any kind above.
    "launch-teardown",
    # Product-sense packs: design a product or feature for a user problem.
    "product-design",
    # Choosing a position and a message against rivals: no other kind asks for words.
    "positioning",
    # Sizing a launch with no history: estimation, not measurement of something shipped.
    "sizing",
    # The two-minute impact pitch of a recruiter screen: scored on its own rubric.
    "pitch",
    # Product-sense: improve a feature that exists (design starts from a blank page).
    "product-improvement",
    # Pricing and packaging: price points, tiers, bundles; a PMM loop asks it on its own.
    "pricing",
    # Sales enablement and the advertiser or agency side of go-to-market: the buyer is a
    # business, and the artefact is what a sales team carries.
    "enablement",
    # Customer research and survey design: what to ask, whom, and how far to trust answers.
    "research",
    # Product-sense estimation (PMM's `sizing` is a launch's size; this is any quantity).
    "estimation",
    # Product strategy or vision: where a product should go and why, over quarters not a test.
    "strategy",
)

# Case shapes (issue 21): how a prompt asks, not what it is about. No shape on more than a
# fifth of a pack, so the library is not one frame ("a headline claim the table overturns").
SHAPES: tuple[str, ...] = (
    "claim-overturned",  # a stakeholder's headline figure that the data overturns
    "diagnose-causes",  # several candidate causes; find which
    "size-it",  # estimate from little or nothing
    "choose-under-constraint",  # pick one of several under a budget, capacity or rule
    "design-the-test",  # an experiment, its split, size and duration
    "define-the-metric",  # define a metric, specify an event or a data pull
    "write-the-message",  # write the artefact: positioning statement, launch email, one-pager
    "messy-source",  # contradictory or messy sources, doubtful survey answers
    "no-data-questions",  # no data; the clarifying questions and structure are judged
    "plan-the-launch",  # go-to-market, launch tiering, rollout
    "read-a-launch",  # a teardown: infer the hypothesis behind a launch
    "design-for-a-user",  # product design: user, problem, options
    "improve-a-product",  # improve an existing feature
    "story-success",  # behavioural: a story that went well
    "story-failure",  # behavioural: a story that went wrong, and what it taught
    "pitch-yourself",  # the recruiter-screen pitch
)

# How a weak calibration sample fails. No label on more than a quarter of a pack's weak
# samples: reviewers calibrate on different failures, not one straw man.
FAILS: tuple[str, ...] = (
    "accepts-the-headline",
    "vanity-metric",
    "no-focus",
    "wrong-arithmetic",
    "no-stop-rule",
    "no-control",
    "launch-everywhere",
    "paid-playbook",
    "hedged-call",
    "wrong-user",
    "one-idea",
    "no-own-part",
    "no-result",
    "cv-walkthrough",
    "wrong-cause",
    "no-questions",
    "generic-message",
    "unsized-guess",
)

LEVELS: tuple[str, ...] = ("weak", "middling", "strong")


@dataclass(frozen=True)
class Criterion:
    id: str
    name: str
    question: str
    anchors: dict[int, str]  # score 1..5 -> what an answer at that level does
    retired: bool = False  # kept only so that old votes keep their name
    replaced_by: str = ""  # for a retired criterion: the one that took its place


@dataclass(frozen=True)
class ContextTable:
    caption: str
    columns: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]


@dataclass(frozen=True)
class Sample:
    """A calibration answer: how the pack itself scores a weak or a strong answer."""

    level: str  # "weak" | "middling" | "strong"
    answer: str
    scores: dict[str, int]  # criterion id -> 1..5 (the pack's reference scores)
    why: dict[str, str] = field(default_factory=dict)  # criterion id -> the score's reason
    fails: str = ""  # weak samples: how the answer fails (docs/content.md lists the labels)

    @property
    def mean(self) -> float:
        return sum(self.scores.values()) / len(self.scores) if self.scores else 0.0


@dataclass(frozen=True)
class Prompt:
    id: str
    title: str
    kind: str
    difficulty: int  # 1 (warm-up) .. 3 (hard)
    tags: tuple[str, ...]  # rubric criterion ids the prompt exercises
    case: str
    covers: tuple[str, ...]
    challenges: tuple[str, ...]
    strong_answers: tuple[str, ...]
    context: str = ""
    tables: tuple[ContextTable, ...] = ()
    twist: str = ""  # the prompt's main trick, an identifier (docs/content.md)
    guide_example: bool = False  # built on one of the interview guide's own examples
    calibration: tuple[Sample, ...] = ()  # () for prompts from old snapshots
    source: str = ""  # "file:line" of the prompt's definition
    shape: str = ""  # the case's shape (docs/content.md lists them)
    hint: str = ""  # an optional neutral nudge, posted with the prompt
    # The ids of the kind's rubric criteria that apply, in rubric order. The loader fills it
    # (all of the rubric when the file names none); () only in snapshots older than issue 21,
    # which `applicable` reads as the whole rubric.
    criteria: tuple[str, ...] = ()
    assumptions: tuple[str, ...] = ()  # numbers not read from a table, declared

    def applicable(self, rubric: tuple[Criterion, ...]) -> tuple[Criterion, ...]:
        """The criteria of `rubric` this prompt is scored on: a criterion that does not apply
        never moves a score. A named criterion the rubric no longer has is left out; if none
        is left (a snapshot from before a rubric change), the whole rubric applies."""
        narrowed = tuple(c for c in rubric if c.id in self.criteria)
        return narrowed or rubric

    @property
    def table(self) -> ContextTable | None:
        """The first table (most prompts have one at most)."""
        return self.tables[0] if self.tables else None

    def sample(self, level: str) -> Sample | None:
        return next((s for s in self.calibration if s.level == level), None)

    def snapshot(self) -> dict[str, Any]:
        """A JSON-able copy kept with each post, so old posts survive content edits."""
        return asdict(self)


@dataclass(frozen=True)
class Pack:
    id: str
    title: str
    description: str
    rubric: tuple[Criterion, ...]  # the default rubric
    prompts: tuple[Prompt, ...]
    path: Path = field(default=Path("."))
    source: str = ""  # "file:line" of the pack's id in pack.yaml
    rubrics: dict[str, tuple[Criterion, ...]] = field(default_factory=dict)  # kind -> own
    retired: tuple[Criterion, ...] = ()

    def prompt(self, prompt_id: str) -> Prompt | None:
        return next((p for p in self.prompts if p.id == prompt_id), None)

    def rubric_for(self, kind: str) -> tuple[Criterion, ...]:
        """The kind's own rubric, else the default one."""
        return self.rubrics.get(kind, self.rubric)

    def criteria_for(self, prompt: Prompt) -> tuple[Criterion, ...]:
        """The criteria a post of `prompt` is scored on: its kind's rubric, only those that
        apply (`criteria:` in the prompt file; all of them when it names none)."""
        return prompt.applicable(self.rubric_for(prompt.kind))

    def all_criteria(self) -> tuple[Criterion, ...]:
        """Every criterion of every rubric, then the retired ones; each id once."""
        seen: dict[str, Criterion] = {}
        for group in (self.rubric, *self.rubrics.values(), self.retired):
            for c in group:
                seen.setdefault(c.id, c)
        return tuple(seen.values())

    def criterion(self, criterion_id: str) -> Criterion | None:
        """Any criterion of the pack by id, retired ones included (old votes use them)."""
        return next((c for c in self.all_criteria() if c.id == criterion_id), None)


def prompt_from_snapshot(data: Mapping[str, Any]) -> Prompt:
    """Rebuild a Prompt from `Prompt.snapshot()` (also after a JSON round trip).

    Snapshots written before format v2 carry one `table` and no calibration; they load too.
    """
    known = {f.name for f in fields(Prompt)}
    raw_tables = list(data.get("tables") or ())
    if not raw_tables and data.get("table"):
        raw_tables = [data["table"]]
    return Prompt(
        **{
            # Unknown keys are dropped so that snapshots from newer versions still load.
            **{k: v for k, v in data.items() if k in known},
            "difficulty": int(data.get("difficulty", 1)),
            "tags": tuple(data.get("tags", ())),
            "criteria": tuple(data.get("criteria") or ()),
            "assumptions": tuple(data.get("assumptions") or ()),
            "covers": tuple(data.get("covers", ())),
            "challenges": tuple(data.get("challenges", ())),
            "strong_answers": tuple(data.get("strong_answers", ())),
            "tables": tuple(
                ContextTable(
                    caption=t.get("caption", ""),
                    columns=tuple(t["columns"]),
                    rows=tuple(tuple(r) for r in t["rows"]),
                )
                for t in raw_tables
            ),
            "calibration": tuple(
                Sample(
                    level=s["level"],
                    answer=s["answer"],
                    scores={k: int(v) for k, v in s["scores"].items()},
                    why={k: str(v) for k, v in (s.get("why") or {}).items()},
                    fails=str(s.get("fails") or ""),
                )
                for s in data.get("calibration") or ()
            ),
        }
    )


@dataclass(frozen=True)
class ContentError:
    file: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.message}"


@dataclass(frozen=True)
class Library:
    packs: dict[str, Pack]
    errors: tuple[ContentError, ...] = ()

    def pack(self, pack_id: str) -> Pack | None:
        return self.packs.get(pack_id)
