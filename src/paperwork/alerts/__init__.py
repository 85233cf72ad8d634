"""Alerts (issue 13): saved searches that notify people of new programs and coming deadlines."""
