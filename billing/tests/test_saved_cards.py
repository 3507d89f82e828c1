"""Saving a card for later goes through billing.api's narrow functions: other apps never touch
the Stripe gateway (its objects and errors stay inside billing)."""
from __future__ import annotations

import ast
from pathlib import Path

import billing.api

ROOT = Path(__file__).resolve().parents[2]


def test_billing_front_door_does_not_hand_out_the_gateway():
    assert "gateway" not in billing.api.__all__ and not hasattr(billing.api, "gateway")
    for name in ("card_customer_create", "card_setup_start", "card_setup_result", "payments_simulated",
                 "CardSetupUnavailable"):
        assert name in billing.api.__all__


def test_crowdfunding_never_imports_the_gateway():
    offenders = []
    for path in (ROOT / "crowdfunding").rglob("*.py"):
        if "tests" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and any(a.name == "gateway" for a in node.names):
                offenders.append(f"{path.relative_to(ROOT)}:{node.lineno}")
            if isinstance(node, ast.Import) and any(a.name == "billing.gateway" for a in node.names):
                offenders.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert offenders == []
