"""Forms of the discussion pages."""
from __future__ import annotations

from django import forms

from .models import Forum


class ThreadForm(forms.Form):
    title = forms.CharField(max_length=200)
    body = forms.CharField(widget=forms.Textarea(attrs={"rows": 8}), max_length=20_000, help_text="Markdown")
    anonymous = forms.BooleanField(required=False, label="Post anonymously (the course staff still see your name)")


class ReplyForm(forms.Form):
    body = forms.CharField(widget=forms.Textarea(attrs={"rows": 4}), max_length=20_000, label="Your reply",
                           help_text="Markdown; mention someone with @name")
    parent = forms.UUIDField(required=False, widget=forms.HiddenInput)
    anonymous = forms.BooleanField(required=False, label="Reply anonymously (the course staff still see your name)")


class ReportForm(forms.Form):
    reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), max_length=1000, label="What is wrong with this post?")


class ForumForm(forms.ModelForm):
    class Meta:
        model = Forum
        fields = ["title", "description", "allow_anonymous", "is_graded", "points"]
        labels = {"is_graded": "Graded (staff grade each participant; the grade shows in the gradebook)",
                  "points": "Points (graded forums)"}


class GradeForm(forms.Form):
    learner = forms.IntegerField(widget=forms.HiddenInput)
    points = forms.DecimalField(min_value=0, max_digits=9, decimal_places=2)
    feedback = forms.CharField(required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 2}))
