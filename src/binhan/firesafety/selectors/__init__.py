"""Reads of fire safety, every one through the scoping door.

By subject: `teams`, `equipment` (lists and the overdue register), `points`, `readiness` (the
score other apps use), `drills` and `reports` (fire reports near teams and points).
"""
