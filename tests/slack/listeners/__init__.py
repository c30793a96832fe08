"""Listener callbacks called as plain functions, with Bolt's `Ack` and `Respond` stood in for
by recorders (the starter template's tier); the end-to-end tier drives the same listeners
through Slack's real requests."""
