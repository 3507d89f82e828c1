"""Forms of the assignment pages: submitting work, editing an assignment, grading, categories."""
from __future__ import annotations

from decimal import Decimal

from django import forms

from .models import FILE_TYPES, MAX_FILE_MB_LIMIT, SUBMISSION_TYPES, Assignment, GradeCategory
from .rubric import MAX_CRITERIA, MAX_LEVELS, rubric_clean, rubric_parse_text

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
        self._add_rubric_grid()

    # --- the rubric builder: a table of criteria × levels, posted back to add a row or a level ---

    def _count(self, name: str, minimum: int, maximum: int, fallback: int) -> int:
        if not self.is_bound:
            return max(minimum, min(fallback, maximum))
        try:
            value = int(self.data.get(name) or 0)
        except (TypeError, ValueError):
            value = 0
        return max(minimum, min(value, maximum))

    def _add_rubric_grid(self) -> None:
        rubric = [] if self.is_bound else list(self.instance.rubric or [])
        rows = self._count("rubric_rows", 1, MAX_CRITERIA, len(rubric) + 1)
        levels = self._count("rubric_levels", 1, MAX_LEVELS, max([len(c["levels"]) for c in rubric] + [3]))
        if self.is_bound and "add_criterion" in self.data:
            rows = min(rows + 1, MAX_CRITERIA)
        if self.is_bound and "add_level" in self.data:
            levels = min(levels + 1, MAX_LEVELS)
        self.rubric_rows, self.rubric_levels = rows, levels
        for c in range(rows):
            criterion = rubric[c] if c < len(rubric) else None
            self.fields[f"rubric_{c}_name"] = forms.CharField(
                required=False, max_length=200, label=f"Criterion {c + 1}",
                initial=criterion["criterion"] if criterion else "")
            for lv in range(levels):
                level = criterion["levels"][lv] if criterion and lv < len(criterion["levels"]) else None
                self.fields[f"rubric_{c}_{lv}_label"] = forms.CharField(
                    required=False, max_length=100, label=f"Criterion {c + 1}, level {lv + 1}: label",
                    initial=level["label"] if level else "")
                self.fields[f"rubric_{c}_{lv}_points"] = forms.IntegerField(
                    required=False, min_value=0, max_value=100_000, label=f"Criterion {c + 1}, level {lv + 1}: points",
                    initial=level["points"] if level else None)

    @property
    def rebuilding(self) -> bool:
        return self.is_bound and ("add_criterion" in self.data or "add_level" in self.data)

    def rubric_grid(self):
        return [{"name": self[f"rubric_{c}_name"],
                 "levels": [(self[f"rubric_{c}_{lv}_label"], self[f"rubric_{c}_{lv}_points"]) for lv in range(self.rubric_levels)]}
                for c in range(self.rubric_rows)]

    def plain_fields(self):
        return [f for f in self if not f.name.startswith("rubric_")]

    def _rubric_from_grid(self) -> list[dict]:
        data, rubric = self.cleaned_data, []
        for c in range(self.rubric_rows):
            name = (data.get(f"rubric_{c}_name") or "").strip()
            levels = []
            for lv in range(self.rubric_levels):
                label = (data.get(f"rubric_{c}_{lv}_label") or "").strip()
                points = data.get(f"rubric_{c}_{lv}_points")
                if label and points is None:
                    self.add_error(f"rubric_{c}_{lv}_points", "Give this level its points.")
                elif not label and points is not None:
                    self.add_error(f"rubric_{c}_{lv}_label", "Give this level a label.")
                elif label:
                    levels.append({"label": label, "points": points})
            if name:
                rubric.append({"criterion": name, "levels": levels})
            elif levels:
                self.add_error(f"rubric_{c}_name", "Name this criterion, or empty its levels to remove it.")
        return rubric

    def clean(self):
        data = super().clean()
        if self.is_bound and "rubric_text" in self.data and "rubric_rows" not in self.data:
            rubric_source = "text"  # the former syntax, still accepted from scripts posting it
            try:
                data["rubric"] = rubric_parse_text(self.data.get("rubric_text", ""))
            except forms.ValidationError as exc:
                self.add_error(None, exc)
        else:
            rubric_source = "grid"
            rubric = self._rubric_from_grid()
            try:
                data["rubric"] = rubric_clean(rubric)
            except forms.ValidationError as exc:
                self.add_error(None, exc)
        self.rubric_source = rubric_source
        return data

    def service_fields(self) -> dict:
        data = {name: self.cleaned_data[name] for name in self.Meta.fields}
        data["rubric"] = self.cleaned_data.get("rubric", [])
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
