"""Events: webinars and face-to-face workshops, sign-ups, waiting lists, reminders and calendars."""
