"""Event types a subscription can ask for."""

EVENT_TYPES = ("responsibility.assigned", "deadline.reminder", "deadline.changed", "document.repealed")
