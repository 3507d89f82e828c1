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
    options_text = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 5}), required=False, label="Options",
        help_text="One option per line. Start each correct option with * (for example: * Paris).",
    )
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
        "single_choice": ["options_text"],
        "multiple_choice": ["options_text"],
        "true_false": ["correct"],
        "fill_blank": ["accepted_text"],
        "numeric": ["value", "tolerance"],
        "short_answer": ["mode", "accepted_text", "pattern", "case_sensitive"],
        "essay": ["guidance"],
    }
    COMMON = ["prompt", "points", "explanation"]

    def __init__(self, *args, kind: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.kind = kind
        keep = set(self.COMMON) | set(self.KIND_FIELDS[kind])
        for name in list(self.fields):
            if name not in keep:
                del self.fields[name]
        if kind == "fill_blank":
            self.fields["prompt"].help_text = "Markdown. Show the blank as ___."
        if kind == "essay":
            self.fields["explanation"].help_text = "Markdown. Shown to learners with the correct answers."

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
            initial["options_text"] = "\n".join(("* " if o["id"] in correct else "") + o["text"] for o in question.options)
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
            for line in _lines(data.get("options_text", "")):
                correct = line.startswith("*")
                options.append({"text": line.lstrip("*").strip(), "correct": correct})
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
