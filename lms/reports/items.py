"""Item analysis as Moodle's quiz statistics define it, so authors find broken questions:

- facility index: the mean score on the question as a fraction of its points (Moodle shows it ×100);
- standard deviation of that fraction (sample, n − 1);
- discrimination index: the Pearson correlation between the score on the question and the score on
  the rest of the attempt (the attempt's total minus this question), over the attempts that had the
  question (Moodle shows it ×100); None when either side has no spread;
- how often each option is chosen and the most common other answers, as each question's type
  summarises a response (``QuestionType.report_options`` and ``answer_summary``).

Attempts are read in one ordered pass and the sums are accumulated, so memory holds one attempt."""
from __future__ import annotations

import itertools
import math
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from markupsafe import Markup

from ..extensions import db
from ..i18n import _
from ..quizzes.models import Attempt, AttemptAnswer, AttemptQuestion, QuestionVersion, Quiz
from ..schools.models import School

TOP_ANSWERS = 5


@dataclass
class ItemStats:
    question: QuestionVersion
    n: int = 0
    sum_f: float = 0.0  # score fractions
    sum_f2: float = 0.0
    sum_x: float = 0.0  # marks on the question
    sum_x2: float = 0.0
    sum_r: float = 0.0  # marks on the rest of the attempt
    sum_r2: float = 0.0
    sum_xr: float = 0.0
    blank: int = 0
    chosen: Counter = field(default_factory=Counter)

    def add(self, fraction: float, rest: float, response: Any) -> None:
        x = fraction * self.question.points
        self.n += 1
        self.sum_f += fraction
        self.sum_f2 += fraction * fraction
        self.sum_x += x
        self.sum_x2 += x * x
        self.sum_r += rest
        self.sum_r2 += rest * rest
        self.sum_xr += x * rest
        if response is None:
            self.blank += 1
        else:
            self.chosen.update(self.question.qtype.answer_summary(self.question.data, response))

    @property
    def facility(self) -> float | None:
        return self.sum_f / self.n if self.n else None

    @property
    def sd(self) -> float | None:
        if self.n < 2:
            return None
        return math.sqrt(max(0.0, (self.sum_f2 - self.sum_f ** 2 / self.n) / (self.n - 1)))

    @property
    def discrimination(self) -> float | None:
        n = self.n
        spread_x = n * self.sum_x2 - self.sum_x ** 2
        spread_r = n * self.sum_r2 - self.sum_r ** 2
        if n < 2 or spread_x <= 1e-12 or spread_r <= 1e-12:
            return None
        return (n * self.sum_xr - self.sum_x * self.sum_r) / math.sqrt(spread_x * spread_r)

    @property
    def options(self) -> list[tuple[str, str, bool, int]]:
        """(option id, text as HTML, correct, times chosen) for the options the type offers."""
        return [(option, text, correct, self.chosen.get(option, 0))
                for option, text, correct in self.question.qtype.report_options(self.question.data)]

    @property
    def top_answers(self) -> list[tuple[str, int]]:
        """The most common answers other than the offered options, with how often each was given."""
        offered = {option for option, _, _, _ in self.options}
        others = Counter({answer: n for answer, n in self.chosen.items() if answer not in offered})
        return others.most_common(TOP_ANSWERS)

    @property
    def flags(self) -> list[str]:
        """Moodle's rules of thumb for a question worth a second look."""
        flags = []
        if self.discrimination is not None and self.discrimination < 0:
            flags.append(_("negative discrimination: check the answer key"))
        elif self.discrimination is not None and self.discrimination < 0.2:
            flags.append(_("weak discrimination"))
        if self.facility is not None and self.n >= 5 and (self.facility < 0.1 or self.facility > 0.95):
            flags.append(_("very hard") if self.facility < 0.1 else _("very easy"))
        return flags

    @property
    def prompt_text(self) -> str:
        return Markup(self.question.prompt_html).striptags()


def item_analysis(quiz: Quiz, school: School, first_only: bool = False) -> list[ItemStats]:
    """Statistics per question version over the submitted attempts (or only first attempts)."""
    versions = {q.id: q for q in db.session.execute(db.select(QuestionVersion).filter_by(quiz_id=quiz.id)).scalars()}
    stats = {qid: ItemStats(question) for qid, question in versions.items()}
    attempts = db.select(Attempt.id).where(Attempt.quiz_id == quiz.id, Attempt.school_id == school.id,
                                           Attempt.submitted_at.is_not(None))
    if first_only:
        attempts = attempts.where(Attempt.number == 1)
    rows = db.session.execute(
        db.select(AttemptQuestion.attempt_id, AttemptQuestion.question_version_id, AttemptAnswer.score,
                  AttemptAnswer.response)
        .outerjoin(AttemptAnswer, (AttemptAnswer.attempt_id == AttemptQuestion.attempt_id)
                   & (AttemptAnswer.question_version_id == AttemptQuestion.question_version_id))
        .where(AttemptQuestion.attempt_id.in_(attempts))
        .order_by(AttemptQuestion.attempt_id, AttemptQuestion.position)
        .execution_options(yield_per=2000))
    for _question, group in itertools.groupby(rows, key=lambda row: row[0]):
        items = [(qid, score or 0.0, response) for _, qid, score, response in group]
        total = sum(fraction * versions[qid].points for qid, fraction, _ in items)
        for qid, fraction, response in items:
            stats[qid].add(fraction, total - fraction * versions[qid].points, response)
    found = [item for item in stats.values() if item.n]
    return sorted(found, key=lambda item: (item.question.retired, item.question.position, item.question.key,
                                           item.question.version))
