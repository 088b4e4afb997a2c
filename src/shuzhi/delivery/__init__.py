"""Schedules, alerts and the channels that deliver them (layer 11)."""
