"""Writes to the community register. Each one validates, saves, audits and emits an event in one transaction.

The services live in modules by subject: `selfmanagement` (models), `teams` (teams, members,
ratings), `duty` (rosters and patrol logs) and `commendations`.
"""
