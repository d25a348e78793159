"""Writes to grassroots mediation. Each one checks the actor, validates, saves, audits and emits an
event in one transaction: `teams` (teams, mediators, training) and `cases` (intake to outcome).
"""
