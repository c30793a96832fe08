"""A member's own settings (away, quiet hours, reminders, being listed) and what they decide."""
