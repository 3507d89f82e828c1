"""Automatic grading of one question from its published snapshot, and the safety rules for
short-answer patterns. Pure functions: no database, no clock.

Rules (shown to staff in the editor as well):
- Text answers (fill in the blank, short answer) are compared after Unicode NFKC
  normalisation, trimming, collapsing runs of whitespace into one space and case folding.
- Multiple choice gives partial credit, "right minus wrong": points x max(0, right picks -
  wrong picks) / number of correct options. Ticking every box therefore earns nothing
  unless every option is correct; an exact match earns full points.
- Numeric answers are exact decimals (no float rounding): correct when |answer - value| <=
  tolerance, so the tolerance boundary itself counts as correct. "3,5" is read as 3.5.
- Short-answer patterns are Python regular expressions matched with fullmatch against the
  normalised answer (case-insensitive unless the question says otherwise). Python's `re`
  has no timeout, so the work a match may take is bounded when the pattern is saved: at
  most PATTERN_MAX_LENGTH characters; answers longer than ANSWER_MAX_FOR_PATTERN are wrong
  without matching; no back-references or lookarounds; `*`, `+` and `{n,}` only on a single
  character or class, never on a group; and the number of ways the pattern can split an
  answer (see `_ways`) at most MAX_MATCH_WAYS, about three unbounded repeats. This refuses
  the catastrophic-backtracking shapes such as (a+)+, (a|aa)*, (\\d+)* and long chains of
  overlapping alternatives, while ordinary patterns (colou?r, \\d+(\\.\\d+)?) pass.
- Essays are never graded automatically (an empty essay scores 0 at once).
"""
from __future__ import annotations

import re
import unicodedata
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

try:  # Python 3.11+: the parser lives in re._parser; sre_parse is its deprecated alias
    from re import _constants as sre_constants
    from re import _parser as sre_parse
except ImportError:  # pragma: no cover
    import sre_constants  # type: ignore[no-redef]
    import sre_parse  # type: ignore[no-redef]

CHOICE_KINDS = frozenset({"single_choice", "multiple_choice", "true_false"})
TEXT_KINDS = frozenset({"fill_blank", "short_answer", "essay"})
AUTO_GRADED_KINDS = frozenset({"single_choice", "multiple_choice", "true_false", "fill_blank", "numeric", "short_answer"})

PATTERN_MAX_LENGTH = 200
ANSWER_MAX_FOR_PATTERN = 200
MAX_GROUP_REPEAT = 10
# Three unbounded repeats over a maximal answer (201 ** 3): well under a second of matching.
MAX_MATCH_WAYS = (ANSWER_MAX_FOR_PATTERN + 1) ** 3
CENT = Decimal("0.01")


def normalise(text: str) -> str:
    return " ".join(unicodedata.normalize("NFKC", str(text)).split()).casefold()


def normalise_spacing(text: str) -> str:
    return " ".join(unicodedata.normalize("NFKC", str(text)).split())


def parse_number(text) -> Decimal | None:
    """A learner's numeric answer as an exact Decimal; None if it is not a finite number."""
    raw = str(text).strip().replace(" ", "").replace("\u00a0", "")
    if raw.count(",") == 1 and "." not in raw:
        raw = raw.replace(",", ".")
    if not raw or len(raw) > 50:
        return None
    try:
        value = Decimal(raw)
    except InvalidOperation:
        return None
    return value if value.is_finite() else None


def to_decimal(value) -> Decimal:
    return Decimal(str(value))


def cents(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


# --- patterns ------------------------------------------------------------------------------

_SINGLE_CHAR_OPS = {sre_constants.LITERAL, sre_constants.NOT_LITERAL, sre_constants.ANY, sre_constants.IN,
                    sre_constants.CATEGORY}
_REPEATS = {sre_constants.MAX_REPEAT, sre_constants.MIN_REPEAT}
_POSSESSIVE = getattr(sre_constants, "POSSESSIVE_REPEAT", None)
if _POSSESSIVE is not None:
    _REPEATS.add(_POSSESSIVE)
_ATOMIC = getattr(sre_constants, "ATOMIC_GROUP", None)
_REFUSED = {
    sre_constants.GROUPREF: "Back-references (\\1) are not allowed.",
    sre_constants.GROUPREF_EXISTS: "Conditional groups are not allowed.",
    sre_constants.ASSERT: "Lookahead and lookbehind are not allowed.",
    sre_constants.ASSERT_NOT: "Lookahead and lookbehind are not allowed.",
}


class UnsafePattern(ValueError):
    pass


def _is_single_char(subpattern) -> bool:
    items = list(subpattern)
    return len(items) == 1 and items[0][0] in _SINGLE_CHAR_OPS


def _ways(subpattern) -> int:
    """An upper bound on the ways the pattern can split one answer: what a backtracking
    matcher may have to try. A variable repeat of one character counts one way per possible
    length; alternatives add up; a sequence multiplies."""
    total = 1
    for op, arg in subpattern:
        if op in _REFUSED:
            raise UnsafePattern(_REFUSED[op])
        if op in _REPEATS:
            low, high, body = arg
            if _is_single_char(body):
                ways = max(1, min(high, ANSWER_MAX_FOR_PATTERN) - low + 1)
            elif high == sre_constants.MAXREPEAT:
                raise UnsafePattern("Use *, + or {n,} only on a single character or class, not on a group.")
            elif high > MAX_GROUP_REPEAT:
                raise UnsafePattern(f"A group may repeat at most {MAX_GROUP_REPEAT} times.")
            else:
                inner = _ways(body)
                ways = sum(inner ** k for k in range(low, high + 1))
        elif op == sre_constants.SUBPATTERN:
            ways = _ways(arg[-1])
        elif _ATOMIC is not None and op == _ATOMIC:
            ways = _ways(arg)
        elif op == sre_constants.BRANCH:
            ways = sum(_ways(branch) for branch in arg[1])
        else:
            ways = 1
        total *= ways
        if total > MAX_MATCH_WAYS:
            raise UnsafePattern("The pattern allows too many ways to match; use fewer repeats or alternatives.")
    return total


def pattern_check(pattern: str) -> str | None:
    """None if the pattern is usable, else a message saying what to change."""
    if not isinstance(pattern, str) or not pattern.strip():
        return "Enter a pattern."
    if len(pattern) > PATTERN_MAX_LENGTH:
        return f"Keep the pattern to {PATTERN_MAX_LENGTH} characters or fewer."
    try:
        re.compile(pattern)
        _ways(sre_parse.parse(pattern))
    except re.error as exc:
        return f"The pattern is not a valid regular expression: {exc}."
    except UnsafePattern as exc:
        return f"{exc} (Such patterns can take too long to match.)"
    except (RecursionError, OverflowError):
        return "The pattern is too complex."
    return None


def pattern_matches(pattern: str, answer: str, *, case_sensitive: bool) -> bool:
    if pattern_check(pattern) is not None:
        return False  # never run a pattern that slipped past validation
    text = normalise_spacing(answer)
    if len(text) > ANSWER_MAX_FOR_PATTERN:
        return False
    flags = 0 if case_sensitive else re.IGNORECASE
    return re.fullmatch(pattern, text, flags) is not None


# --- grading -------------------------------------------------------------------------------


def _choice_ids(response) -> list[str]:
    if isinstance(response, str):
        return [response] if response else []
    if isinstance(response, list):
        return [str(x) for x in response]
    return []


def grade_question(question: dict, response) -> tuple[Decimal | None, bool | None]:
    """(points earned, fully correct?) for one question snapshot and the learner's response.

    Essays answer (None, None) unless empty (0, None): they wait for a person.
    """
    kind = question["kind"]
    points = to_decimal(question["points"])
    answer = question.get("answer") or {}
    if kind == "essay":
        return (None, None) if str(response or "").strip() else (Decimal("0.00"), None)
    if kind in ("single_choice", "true_false"):
        picked = set(_choice_ids(response))
        correct = set(answer.get("correct") or [])
        ok = bool(correct) and picked == correct
        return (cents(points) if ok else Decimal("0.00")), ok
    if kind == "multiple_choice":
        picked = set(_choice_ids(response))
        correct = set(answer.get("correct") or [])
        if not correct:
            return Decimal("0.00"), False
        right, wrong = len(picked & correct), len(picked - correct)
        earned = points * Decimal(max(0, right - wrong)) / Decimal(len(correct))
        return cents(earned), picked == correct
    if kind == "fill_blank":
        given = normalise(response or "")
        ok = bool(given) and given in {normalise(a) for a in answer.get("accepted") or []}
        return (cents(points) if ok else Decimal("0.00")), ok
    if kind == "short_answer":
        text = str(response or "")
        if not text.strip():
            return Decimal("0.00"), False
        if answer.get("mode") == "pattern":
            ok = pattern_matches(answer.get("pattern", ""), text, case_sensitive=bool(answer.get("case_sensitive")))
        else:
            ok = normalise(text) in {normalise(a) for a in answer.get("accepted") or []}
        return (cents(points) if ok else Decimal("0.00")), ok
    if kind == "numeric":
        given = parse_number(response or "")
        if given is None or answer.get("value") is None:
            return Decimal("0.00"), False
        ok = abs(given - to_decimal(answer["value"])) <= to_decimal(answer.get("tolerance") or 0)
        return (cents(points) if ok else Decimal("0.00")), ok
    return Decimal("0.00"), False
