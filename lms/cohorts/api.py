"""Front door of `lms.cohorts`: the only module of this app that other apps import.

See docs/decisions/0009-app-front-doors-and-bootstrap-steps.md.
"""
from .models import Cohort, TrainerAssignment
from .scopes import Scope
from .selectors import my_learner_ids, trainer_of
from .services import TrainerFull, trainer_assign, trainer_auto_assign, trainer_cap_set, trainers_rebalance

__all__ = [
    "Cohort",
    "Scope",
    "TrainerAssignment",
    "TrainerFull",
    "my_learner_ids",
    "trainer_assign",
    "trainer_auto_assign",
    "trainer_cap_set",
    "trainer_of",
    "trainers_rebalance",
]
