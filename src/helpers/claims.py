"""The book's claims and practices, one schema and one set of rules for every part.

Every part's last chapter answers its paper's claims from the run and grades the practices
it draws from them. It builds the rows here, so the three parts speak one language and the
front page, the landing pages and the appendix read one file per part,
``runs/<profile>/<part>/results/claims.csv`` (:func:`write_claims`, :func:`read_claims`).

**A claim row** (:class:`Claim`): the part, the claim's number in the part, the claim in
words, what the paper reports (quoted: the paper's number, never ours), what this run
measured (the numbers behind the verdict), the verdict, the stated test behind the verdict
(``test``: what is compared, on what, the statistic and its threshold), the uncertainty of
the measured numbers (``interval``; empty until the part computes one) and the MyST label
of the section that shows the evidence (rendered as a link by :func:`claims_markdown`).

**Verdict words and their rules** (:data:`VERDICTS`). A claim is tested by one or more
sub-tests (comparisons: tasks, games, cells, layers), each of which passes, fails, or is
undecided (a tie: the difference is within the uncertainty the part states):

- *holds*: every sub-test passes;
- *holds partly*: some pass, not all;
- *does not hold*: none passes and at least one fails;
- *not settled*: none passes and none fails (every sub-test is undecided, or there is none).

:func:`verdict` applies these rules to sub-test outcomes and :func:`verdict_from_counts`
to a tally of wins, ties and losses; no part writes a verdict word itself.

**Practice grades** (:data:`GRADES`, :func:`grade`): a practice cites the evidence behind
it, each piece of which *supports* it, *contradicts* it, or is undecided (a tie). It is

- *strong* when something supports it, nothing contradicts it, and the evidence rests on
  at least ``min_seeds`` seeds (the part's stated bar);
- *suggestive* when the same holds on fewer seeds;
- *mixed* when pieces support it and others contradict it, or nothing settles it;
- *contradicted* when something contradicts it and nothing supports it: the chapter must
  reword the practice, not print it as advice.

**A stated test** (:class:`StatedTest`, required on every claim row) is chosen from what
the paper claims, before the run is read, and printed beside the verdict. It names

- *compared*: what is set against what (fine-tuned vs base model, 1x vs 10x student);
- *on*: the units and how many (tasks, games, seeds, queries, items);
- *statistic*: the number computed and its uncertainty (mean paired difference with a 95 %
  paired-bootstrap interval over queries and seeds; a mean over seeds with its t-interval;
  a share with its Clopper-Pearson interval — :mod:`helpers.intervals`);
- *threshold*: when a sub-test passes, fails, or is undecided. The book's rule: a sub-test
  passes when the whole interval lies on the claimed side of the threshold, fails when it
  lies wholly on the other side, and is undecided otherwise; no verdict rests on a point
  estimate alone, nor on the worst of many cells without its interval;
- *comparisons*: how many sub-tests the verdict spans and how the family is corrected
  (Holm's step-down at 5 % family-wise error where one verdict reads several paired
  differences, :func:`helpers.intervals.holm_outcomes`).

A claim that *holds* supports the practices resting on it, one that *does not hold*
contradicts them, one that *holds partly* does both, one *not settled* neither
(:func:`grade_from_verdicts`).

Explained in the book: {ref}`pipeline-claims`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, fields
from pathlib import Path

import pandas as pd

from helpers.paths import atomic_write_text

HOLDS, PARTLY, NOT_HOLD, NOT_SETTLED = "holds", "holds partly", "does not hold", "not settled"
VERDICTS = (HOLDS, PARTLY, NOT_HOLD, NOT_SETTLED)
"""Every verdict word the book prints, in order of strength."""

STRONG, MIXED, SUGGESTIVE, CONTRADICTED = "strong", "mixed", "suggestive", "contradicted"
GRADES = (STRONG, MIXED, SUGGESTIVE, CONTRADICTED)
"""Every practice grade the book prints."""

PASS, FAIL, UNDECIDED = True, False, None
"""A sub-test's outcome: passed, failed, or undecided (within the stated uncertainty)."""

CLAIMS_FILE = Path("results") / "claims.csv"
PRACTICES_FILE = Path("results") / "practices.csv"


class ClaimError(ValueError):
    """A claim or practice row that breaks the schema (unknown verdict or grade, no label, a duplicate number)."""


@dataclass(frozen=True)
class StatedTest:
    """The test behind a verdict, in the words the book prints (rules in the module docstring).

    Attributes:
        compared: what is set against what.
        on: the units the statistic runs over, with their counts.
        statistic: the number computed and its interval.
        threshold: when a sub-test passes, fails or is undecided.
        comparisons: how many sub-tests the verdict spans.
        correction: how the family of sub-tests is corrected (empty for one sub-test).
    """

    compared: str
    on: str
    statistic: str
    threshold: str
    comparisons: int
    correction: str = ""

    def __post_init__(self) -> None:
        empty = [f.name for f in fields(self) if f.name != "correction" and not str(getattr(self, f.name)).strip()]
        if empty:
            raise ClaimError(f"stated test of {self.compared[:40]!r}: empty {empty}; each is printed "
                             "beside the verdict")
        if self.comparisons < 1:
            raise ClaimError(f"stated test of {self.compared[:40]!r}: {self.comparisons} comparisons; at least 1")
        if self.comparisons > 1 and not self.correction.strip():
            raise ClaimError(f"stated test of {self.compared[:40]!r}: {self.comparisons} comparisons and no "
                             "correction; say how the family is handled (e.g. Holm)")

    def __str__(self) -> str:
        family = f"{self.comparisons} comparison" + ("s" if self.comparisons > 1 else "")
        family += f" ({self.correction})" if self.correction else ""
        return (f"Compares {self.compared}, on {self.on}. Statistic: {self.statistic}. "
                f"Rule: {self.threshold}. {family}.")


def verdict(outcomes: Iterable[bool | None]) -> str:
    """The verdict of a claim from its sub-tests' outcomes (``True`` pass, ``False`` fail,
    ``None`` undecided); the rules are in the module docstring."""
    outcomes = [None if o is None else bool(o) for o in outcomes]  # numpy booleans read as booleans
    passed = sum(o is True for o in outcomes)
    failed = sum(o is False for o in outcomes)
    if outcomes and passed == len(outcomes):
        return HOLDS
    if passed:
        return PARTLY
    return NOT_HOLD if failed else NOT_SETTLED


def verdict_from_counts(wins: int, ties: int, losses: int) -> str:
    """The verdict of a claim tested by comparisons tallied as wins (pass), ties (undecided)
    and losses (fail)."""
    return verdict([PASS] * wins + [UNDECIDED] * ties + [FAIL] * losses)


def grade(support: Iterable[bool | None], seeds: int, min_seeds: int) -> str:
    """A practice's grade from its pieces of evidence (``True`` supports, ``False``
    contradicts, ``None`` undecided), the fewest seeds any of them rests on, and the part's
    bar ``min_seeds`` for *strong*; the rules are in the module docstring."""
    support = [None if s is None else bool(s) for s in support]  # numpy booleans read as booleans
    pro, con = sum(s is True for s in support), sum(s is False for s in support)
    if pro and not con:
        return STRONG if seeds >= min_seeds else SUGGESTIVE
    if con and not pro:
        return CONTRADICTED
    return MIXED


VERDICT_SUPPORT: dict[str, tuple[bool | None, ...]] = {HOLDS: (PASS,), NOT_HOLD: (FAIL,), PARTLY: (PASS, FAIL),
                                                      NOT_SETTLED: (UNDECIDED,)}
"""What a claim's verdict says of a practice resting on it."""


def grade_from_verdicts(verdicts: Sequence[str], seeds: int, min_seeds: int) -> str:
    """A practice's grade when its evidence is claims (:data:`VERDICT_SUPPORT`)."""
    unknown = [v for v in verdicts if v not in VERDICT_SUPPORT]
    if unknown:
        raise ClaimError(f"unknown verdict(s) {unknown}; the book's verdicts are {list(VERDICTS)}")
    return grade([s for v in verdicts for s in VERDICT_SUPPORT[v]], seeds, min_seeds)


@dataclass(frozen=True)
class Claim:
    """One row of a part's claim table (the schema every part shares).

    Attributes:
        part: the part's name (``lipost``, ``jps``, ``specialization``).
        number: the claim's number within the part, from 1.
        claim: the claim in words.
        paper: what the paper reports, quoted.
        measured: what this run measured: the numbers behind the verdict.
        verdict: one of :data:`VERDICTS`, from :func:`verdict` or :func:`verdict_from_counts`.
        label: the MyST label of the section that shows the evidence.
        shown_in: that section's name, as the link text.
        test: the stated test (:class:`StatedTest`; stored as the sentence the book prints).
        interval: the uncertainty of the numbers the verdict reads, in words (required:
            an interval, or why the number is exact).
    """

    part: str
    number: int
    claim: str
    paper: str
    measured: str
    verdict: str
    label: str
    shown_in: str
    test: StatedTest | str = ""
    interval: str = ""

    def __post_init__(self) -> None:
        if not isinstance(self.test, StatedTest):
            raise ClaimError(f"claim {self.part}/{self.number}: test must be a StatedTest (what is compared, on "
                             f"what, the statistic, the threshold, the comparisons), got {type(self.test).__name__}")
        object.__setattr__(self, "test", str(self.test))
        if not self.interval.strip():
            raise ClaimError(f"claim {self.part}/{self.number}: no interval; give the uncertainty of the numbers the "
                             "verdict reads, or say why they are exact")
        if self.verdict not in VERDICTS:
            raise ClaimError(f"claim {self.part}/{self.number}: verdict {self.verdict!r} is not one of "
                             f"{list(VERDICTS)}")
        if not self.label:
            raise ClaimError(f"claim {self.part}/{self.number}: no label of the section that shows it")


@dataclass(frozen=True)
class Practice:
    """One row of a part's practices: the practice, the evidence behind it, its grade.

    Attributes:
        part: the part's name.
        practice: the advice, in words.
        evidence: what this run measured that bears on it.
        grade: one of :data:`GRADES`, from :func:`grade` or :func:`grade_from_verdicts`.
        claims: the numbers of the claims it rests on (may be empty).
    """

    part: str
    practice: str
    evidence: str
    grade: str
    claims: tuple[int, ...] = ()

    def __post_init__(self) -> None:
        if self.grade not in GRADES:
            raise ClaimError(f"practice {self.practice[:40]!r}: grade {self.grade!r} is not one of {list(GRADES)}")


CLAIM_COLUMNS = {"number": "claim", "claim": "the claim", "verdict": "verdict", "paper": "the paper reports",
                 "measured": "measured here", "interval": "uncertainty", "test": "the test", "shown_in": "shown in"}
"""The claim table's columns as the book prints them (field -> heading): the verdict next to
the claim, so a reader sees it first, then the numbers, their uncertainty and the test."""

PRACTICE_COLUMNS = {"practice": "practice", "evidence": "evidence (this run)", "grade": "grade"}
"""The practice table's columns as the book prints them (field -> heading)."""


def claim_frame(claims: Sequence[Claim]) -> pd.DataFrame:
    """The claims as one table, a column per field, numbered in order; refuses duplicates."""
    numbers = [c.number for c in claims]
    if len(set(numbers)) != len(numbers):
        raise ClaimError(f"duplicate claim numbers {sorted(n for n in set(numbers) if numbers.count(n) > 1)}")
    return pd.DataFrame([asdict(c) for c in claims], columns=[f.name for f in fields(Claim)])


def practice_frame(practices: Sequence[Practice]) -> pd.DataFrame:
    """The practices as one table, a column per field."""
    frame = pd.DataFrame([asdict(p) for p in practices], columns=[f.name for f in fields(Practice)])
    frame["claims"] = frame["claims"].map(lambda numbers: " ".join(str(n) for n in numbers))
    return frame


def shown(frame: pd.DataFrame, columns: dict[str, str]) -> pd.DataFrame:
    """A claim or practice table with the book's headings, empty columns left out."""
    kept = [c for c in columns if c in frame and frame[c].astype(str).str.len().any()]
    return frame[kept].rename(columns=columns)


def styled(frame: pd.DataFrame, columns: dict[str, str]):
    """A table for a chapter: the book's headings, left-aligned wrapping text, no index."""
    return shown(frame, columns).style.hide(axis="index").set_properties(
        **{"text-align": "left", "white-space": "normal"})


def write_claims(run_dir: str | Path, claims: Sequence[Claim], practices: Sequence[Practice] = ()) -> pd.DataFrame:
    """Write a part's claims (and practices) under its run folder, atomically; return the claims table."""
    frame = claim_frame(claims)
    atomic_write_text(Path(run_dir) / CLAIMS_FILE, frame.to_csv(index=False))
    atomic_write_text(Path(run_dir) / PRACTICES_FILE, practice_frame(practices).to_csv(index=False))
    return frame


def read_claims(run_dir: str | Path) -> pd.DataFrame | None:
    """A part's claims table as written by :func:`write_claims`; ``None`` when its chapter has not run."""
    path = Path(run_dir) / CLAIMS_FILE
    return pd.read_csv(path, keep_default_na=False) if path.exists() else None


def verdict_counts(frame: pd.DataFrame) -> dict[str, int]:
    """How many claims of a table carry each verdict word (every word present, zeros included)."""
    counts = frame["verdict"].value_counts()
    return {word: int(counts.get(word, 0)) for word in VERDICTS}


def _cell(text: object) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def claims_markdown(frame: pd.DataFrame, link_docs: bool = True) -> str:
    """A claims table as MyST Markdown: the "shown in" column a link to its section (a MyST
    ``ref`` role on the claim's label) when ``link_docs``; empty columns left out."""
    frame = frame.copy()
    if link_docs:
        frame["shown_in"] = [f"{{ref}}`{text} <{label}>`" for text, label in
                             zip(frame["shown_in"], frame["label"], strict=True)]
    table = shown(frame, CLAIM_COLUMNS)
    head = "| " + " | ".join(table.columns) + " |"
    rule = "|" + "|".join("---" for _ in table.columns) + "|"
    body = ["| " + " | ".join(_cell(v) for v in row) + " |" for row in table.itertuples(index=False)]
    return "\n".join([head, rule, *body])
