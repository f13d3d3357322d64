"""Event types a subscription can ask for."""

EVENT_TYPES = ("responsibility.assigned", "responsibility.removed", "deadline.reminder", "deadline.changed",
               "document.repealed")
