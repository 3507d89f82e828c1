"""Reading a version's snapshot: the learner-safe outline, one item, every item in order."""
from __future__ import annotations


def snapshot_outline(snapshot: dict) -> list[dict]:
    """The module/lesson/item tree of a version, without quiz/assignment payloads (safe for learners)."""
    return [
        {
            "uuid": m["uuid"], "title": m["title"],
            "lessons": [
                {"uuid": lesson["uuid"], "title": lesson["title"],
                 "items": [{"uuid": i["uuid"], "kind": i["kind"], "title": i["title"]} for i in lesson["items"]]}
                for lesson in m["lessons"]
            ],
        }
        for m in snapshot["modules"]
    ]


def snapshot_find_item(snapshot: dict, item_uuid: str) -> tuple[dict, dict, dict] | None:
    """(module, lesson, item) of an item in a version's snapshot, or None."""
    for m in snapshot["modules"]:
        for lesson in m["lessons"]:
            for item in lesson["items"]:
                if item["uuid"] == str(item_uuid):
                    return m, lesson, item
    return None


def snapshot_items(snapshot: dict) -> list[dict]:
    """Every item of a version in outline order, each with its module and lesson titles."""
    return [
        item | {"module_title": m["title"], "lesson_title": lesson["title"]}
        for m in snapshot["modules"] for lesson in m["lessons"] for item in lesson["items"]
    ]
