"""Reads of the community register, every one through the scoping door.

By subject: `selfmanagement` (models and the register's questions), `teams` (teams, members,
rosters, patrols, ratings) and `commendations`.
"""
