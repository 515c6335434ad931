"""The action field's edit page as a browser posts it: the field's values and the rows of its goals
table (``edit_data``), each goal row from a stored goal (``goal_row``) or a dict."""

from projects.models import ActionField, Goal


def edit_data(action_field: ActionField, goals: list[dict], extra: int = 2, **changes) -> dict:
    """The edit form as sent: the field's values, the goal rows (dicts with id, code, title, description,
    order and maybe DELETE) and ``extra`` empty rows."""
    data = {
        "code": action_field.code,
        "title": action_field.title,
        "description": action_field.description,
        "colour": action_field.colour,
        "version": action_field.version,
        **changes,
    }
    initial = sum(1 for goal in goals if goal.get("id"))
    rows = goals + [{}] * extra
    data.update(
        {
            "goals-TOTAL_FORMS": len(rows),
            "goals-INITIAL_FORMS": initial,
            "goals-MIN_NUM_FORMS": 0,
            "goals-MAX_NUM_FORMS": 100,
        }
    )
    for index, row in enumerate(rows):
        for key in ("id", "code", "title", "description", "order"):
            data[f"goals-{index}-{key}"] = row.get(key, "")
        if row.get("DELETE"):
            data[f"goals-{index}-DELETE"] = "on"
    return data


def goal_row(goal: Goal, **changes) -> dict:
    """The row of the stored ``goal`` as the page shows it, with ``changes``."""
    return {
        "id": goal.pk,
        "code": goal.code,
        "title": goal.title,
        "description": goal.description,
        "order": goal.order,
        **changes,
    }
