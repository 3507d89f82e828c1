"""Forms of the quiz pages: quiz settings, one question (fields depend on its kind), essay grading."""
from __future__ import annotations

from decimal import Decimal

from django import forms

from .grading import parse_number, pattern_check
from .models import Question, Quiz

DATETIME_LOCAL = "%Y-%m-%dT%H:%M"


class QuizSettingsForm(forms.ModelForm):
    due_at = forms.DateTimeField(
        required=False, input_formats=[DATETIME_LOCAL, "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format=DATETIME_LOCAL),
        label="Due date (UTC)", help_text="Optional. No attempt can start or continue after it.",
    )

    class Meta:
        model = Quiz
        fields = ["title", "instructions", "attempts_allowed", "time_limit_minutes", "shuffle_questions", "shuffle_options",
                  "passing_percent", "show_answers", "due_at"]
        labels = {
            "attempts_allowed": "Attempts allowed", "time_limit_minutes": "Time limit (minutes)",
            "passing_percent": "Passing percentage", "show_answers": "Show correct answers and explanations",
            "shuffle_questions": "Shuffle the questions for each attempt",
            "shuffle_options": "Shuffle the options of choice questions",
        }
        widgets = {"instructions": forms.Textarea(attrs={"rows": 4})}


def _lines(text: str) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


class QuestionForm(forms.Form):
    """One question; only the fields of its kind are kept."""

    prompt = forms.CharField(widget=forms.Textarea(attrs={"rows": 4}), label="Question", max_length=10_000,
                             help_text="Markdown.")
    points = forms.DecimalField(min_value=Decimal("0.01"), max_value=Decimal("1000"), decimal_places=2, initial=1)
    correct = forms.ChoiceField(choices=[("true", "True"), ("false", "False")], widget=forms.RadioSelect,
                                required=False, label="Correct answer")
    mode = forms.ChoiceField(choices=[("exact", "Exact answers"), ("pattern", "A pattern (regular expression)")],
                             widget=forms.RadioSelect, initial="exact", label="Check answers against")
    accepted_text = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}), required=False, label="Accepted answers",
        help_text="One per line. Case, accents written as combined characters, and extra spaces do not matter.",
    )
    pattern = forms.CharField(required=False, max_length=200, label="Pattern",
                              help_text="Python regular expression matched against the whole answer, e.g. colou?r.")
    case_sensitive = forms.BooleanField(required=False, label="Pattern is case-sensitive")
    value = forms.CharField(required=False, max_length=50, label="Correct value")
    tolerance = forms.CharField(required=False, max_length=50, initial="0", label="Tolerance (±)",
                                help_text="Answers within value ± tolerance are correct, the boundary included.")
    guidance = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False, label="Guidance for graders",
                               help_text="A model answer or rubric; shown to learners only with the correct answers.")
    explanation = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False, max_length=10_000,
                                  help_text="Markdown. Shown with the correct answer, when the quiz's rule allows.")

    KIND_FIELDS = {
        "single_choice": [],
        "multiple_choice": [],
        "true_false": ["correct"],
        "fill_blank": ["accepted_text"],
        "numeric": ["value", "tolerance"],
        "short_answer": ["mode", "accepted_text", "pattern", "case_sensitive"],
        "essay": ["guidance"],
    }
    COMMON = ["prompt", "points", "explanation"]

    CHOICE_KINDS = ("single_choice", "multiple_choice")
    MIN_OPTION_ROWS = 4
    MAX_OPTION_ROWS = 50

    def __init__(self, *args, kind: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.kind = kind
        keep = set(self.COMMON) | set(self.KIND_FIELDS[kind])
        for name in list(self.fields):
            if name not in keep:
                del self.fields[name]
        if kind in self.CHOICE_KINDS:
            self._add_option_rows()
        if kind == "fill_blank":
            self.fields["prompt"].help_text = "Markdown. Show the blank as ___."
        if kind == "essay":
            self.fields["explanation"].help_text = "Markdown. Shown to learners with the correct answers."

    def _add_option_rows(self) -> None:
        """Options as rows (text + a "correct" toggle); "Add an option" posts back for one more row,
        an emptied row is removed. No JavaScript needed."""
        if self.is_bound:
            try:
                rows = int(self.data.get("option_rows") or 0)
            except (TypeError, ValueError):
                rows = 0
            if "add_option" in self.data:
                rows += 1
        else:
            rows = len(self.initial.get("options") or []) + 1
        self.option_rows = max(self.MIN_OPTION_ROWS, min(rows, self.MAX_OPTION_ROWS))
        initial = self.initial.get("options") or []
        for i in range(self.option_rows):
            text_field = forms.CharField(required=False, max_length=1000, label=f"Option {i + 1}")
            correct_field = forms.BooleanField(required=False, label="Correct")
            if i < len(initial):
                text_field.initial, correct_field.initial = initial[i]["text"], initial[i]["correct"]
            self.fields[f"option_{i}_text"] = text_field
            self.fields[f"option_{i}_correct"] = correct_field

    @property
    def adding_option(self) -> bool:
        return self.is_bound and "add_option" in self.data

    def option_pairs(self):
        return [(self[f"option_{i}_text"], self[f"option_{i}_correct"]) for i in range(getattr(self, "option_rows", 0))]

    def plain_fields(self):
        return [f for f in self if not f.name.startswith("option_")]

    def clean(self):
        data = super().clean()
        if self.kind in self.CHOICE_KINDS:
            for i in range(self.option_rows):
                if data.get(f"option_{i}_correct") and not (data.get(f"option_{i}_text") or "").strip():
                    self.add_error(f"option_{i}_text", "A correct option needs its text.")
        return data

    def clean_pattern(self):
        pattern = self.cleaned_data.get("pattern", "")
        if self.data.get("mode") == "pattern":
            message = pattern_check(pattern)
            if message:
                raise forms.ValidationError(message)
        return pattern

    def clean_value(self):
        value = self.cleaned_data.get("value", "").strip()
        if value and parse_number(value) is None:
            raise forms.ValidationError("Enter a number, such as 3.14.")
        return value

    def clean_tolerance(self):
        value = self.cleaned_data.get("tolerance", "").strip() or "0"
        number = parse_number(value)
        if number is None or number < 0:
            raise forms.ValidationError("Enter a number, 0 or more.")
        return value

    @classmethod
    def initial_for(cls, question: Question) -> dict:
        answer = question.answer or {}
        initial = {"prompt": question.prompt, "points": question.points, "explanation": question.explanation}
        correct = set(answer.get("correct") or [])
        if question.kind in ("single_choice", "multiple_choice"):
            initial["options"] = [{"text": o["text"], "correct": o["id"] in correct} for o in question.options]
        elif question.kind == "true_false":
            initial["correct"] = next(iter(correct), "")
        elif question.kind in ("fill_blank", "short_answer"):
            initial["accepted_text"] = "\n".join(answer.get("accepted") or [])
            initial["mode"] = answer.get("mode", "exact")
            initial["pattern"] = answer.get("pattern", "")
            initial["case_sensitive"] = bool(answer.get("case_sensitive"))
        elif question.kind == "numeric":
            initial["value"] = answer.get("value") or ""
            initial["tolerance"] = answer.get("tolerance") or "0"
        elif question.kind == "essay":
            initial["guidance"] = answer.get("guidance", "")
        return initial

    def service_kwargs(self) -> dict:
        """What services.question_create/update take, from the cleaned data."""
        data = self.cleaned_data
        kwargs = {"prompt": data["prompt"], "points": data["points"], "explanation": data.get("explanation", "")}
        kind = self.kind
        if kind in ("single_choice", "multiple_choice"):
            options = []
            for i in range(self.option_rows):
                option_text = (data.get(f"option_{i}_text") or "").strip()
                if option_text:
                    options.append({"text": option_text, "correct": bool(data.get(f"option_{i}_correct"))})
            kwargs["options"] = options
        elif kind == "true_false":
            kwargs["answer"] = {"correct": {"true": True, "false": False}.get(data.get("correct") or "")}
        elif kind == "fill_blank":
            kwargs["answer"] = {"accepted": _lines(data.get("accepted_text", ""))}
        elif kind == "numeric":
            kwargs["answer"] = {"value": data.get("value", "").strip() or None, "tolerance": data.get("tolerance", "").strip() or "0"}
        elif kind == "short_answer":
            if data.get("mode") == "pattern":
                kwargs["answer"] = {"mode": "pattern", "pattern": data.get("pattern", ""),
                                    "case_sensitive": data.get("case_sensitive", False)}
            else:
                kwargs["answer"] = {"mode": "exact", "accepted": _lines(data.get("accepted_text", ""))}
        elif kind == "essay":
            kwargs["answer"] = {"guidance": data.get("guidance", "")}
        return kwargs


class KindForm(forms.Form):
    kind = forms.ChoiceField(choices=Question.Kind.choices, label="Type of question")


class MoveForm(forms.Form):
    direction = forms.ChoiceField(choices=[("up", "Up"), ("down", "Down")])
