"""Forms of the assignment pages: submitting work, editing an assignment, grading, categories."""
from __future__ import annotations

from decimal import Decimal

from django import forms

from .models import FILE_TYPES, MAX_FILE_MB_LIMIT, SUBMISSION_TYPES, Assignment, GradeCategory
from .rubric import rubric_parse_text, rubric_to_text

DATETIME_LOCAL = "%Y-%m-%dT%H:%M"


class SubmissionForm(forms.Form):
    text = forms.CharField(label="Your answer", required=False, widget=forms.Textarea(attrs={"rows": 8}), max_length=200_000)
    url = forms.CharField(label="Link", required=False, max_length=1000,
                          widget=forms.URLInput(attrs={"placeholder": "https://"}))
    file = forms.FileField(label="File", required=False)

    def __init__(self, *args, rules=None, **kwargs):
        super().__init__(*args, **kwargs)
        if rules is not None:
            for name in ("text", "url", "file"):
                if name not in rules.submission_types:
                    del self.fields[name]
            if "file" in self.fields:
                self.fields["file"].help_text = (
                    f"{', '.join(FILE_TYPES[k] for k in rules.allowed_file_types if k in FILE_TYPES)}; "
                    f"at most {rules.max_file_mb} MB. The type is checked on the file's content."
                )


class AssignmentForm(forms.ModelForm):
    submission_types = forms.MultipleChoiceField(
        label="Learners hand in", choices=list(SUBMISSION_TYPES.items()), required=False, widget=forms.CheckboxSelectMultiple,
    )
    allowed_file_types = forms.MultipleChoiceField(
        label="Accepted file types", choices=list(FILE_TYPES.items()), required=False, widget=forms.CheckboxSelectMultiple,
    )
    due_at = forms.DateTimeField(
        label="Due (UTC)", required=False, input_formats=[DATETIME_LOCAL, "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format=DATETIME_LOCAL),
    )
    rubric_text = forms.CharField(
        label="Rubric", required=False, widget=forms.Textarea(attrs={"rows": 5, "spellcheck": "false"}),
        help_text="One criterion per line, its levels with whole points: “Thesis: Clear=4, Partial=2, Missing=0”. "
                  "Leave empty for no rubric.",
    )

    class Meta:
        model = Assignment
        fields = ["title", "instructions", "points", "due_at", "accept_late", "penalty_percent_per_day", "max_late_days",
                  "submission_types", "allowed_file_types", "max_file_mb", "max_submissions", "grade_posting", "category"]
        widgets = {
            "instructions": forms.Textarea(attrs={"rows": 10}),
            "grade_posting": forms.RadioSelect,
        }
        labels = {
            "points": "Points", "accept_late": "Accept late work", "penalty_percent_per_day": "Late penalty (% of points per day)",
            "max_late_days": "Maximum days late", "max_file_mb": "Largest file (MB)",
            "max_submissions": "Submissions allowed", "grade_posting": "Grade posting", "category": "Gradebook category",
        }

    def __init__(self, *args, course, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = GradeCategory.objects.filter(course=course)
        self.fields["category"].empty_label = "None (uncategorised)"
        self.fields["category"].to_field_name = "uuid"
        self.fields["max_file_mb"].widget.attrs.update(min=1, max=MAX_FILE_MB_LIMIT)
        if not self.is_bound:
            self.initial["rubric_text"] = rubric_to_text(self.instance.rubric)

    def clean_rubric_text(self):
        return rubric_parse_text(self.cleaned_data.get("rubric_text", ""))

    def service_fields(self) -> dict:
        data = {name: self.cleaned_data[name] for name in self.Meta.fields}
        data["rubric"] = self.cleaned_data["rubric_text"]
        return data


class GradeForm(forms.Form):
    points = forms.DecimalField(
        label="Points", required=False, min_value=Decimal(0), max_digits=9, decimal_places=2,
        help_text="Leave empty to use the rubric's total; enter points to override it.",
    )
    feedback = forms.CharField(label="Feedback", required=False, widget=forms.Textarea(attrs={"rows": 6}), max_length=20_000)
    reason = forms.CharField(label="Reason for the change", required=False, max_length=500,
                             help_text="Recorded in the grade's history when you change a posted grade.")

    def __init__(self, *args, rubric: list[dict], max_points: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.rubric = rubric
        self.fields["points"] = forms.DecimalField(
            label="Points", required=False, min_value=Decimal(0), max_value=max_points, max_digits=9, decimal_places=2,
            help_text=self.fields["points"].help_text, widget=forms.NumberInput(attrs={"step": "0.01"}),
        )
        if not rubric:
            self.fields["points"].help_text = f"Out of {max_points}."
        for i, criterion in enumerate(rubric):
            self.fields[f"criterion_{i}"] = forms.TypedChoiceField(
                label=criterion["criterion"], required=False, coerce=int, empty_value=None,
                choices=[(str(j), f"{level['label']} ({level['points']})") for j, level in enumerate(criterion["levels"])],
                widget=forms.RadioSelect,
            )

    def criterion_fields(self):
        return [self[f"criterion_{i}"] for i in range(len(self.rubric))]

    def selections(self) -> list:
        return [self.cleaned_data.get(f"criterion_{i}") for i in range(len(self.rubric))]


class CategoryForm(forms.ModelForm):
    class Meta:
        model = GradeCategory
        fields = ["name", "weight_percent"]
        labels = {"weight_percent": "Weight (%)"}
