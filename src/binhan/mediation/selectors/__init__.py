"""Reads of grassroots mediation, every one through the scoping door: `teams` (teams and mediators),
`cases` (cases, sessions, the log book; parties and content for the people the law allows) and
`summary` (yearly counts per team, commune and province, used by the statistics).

The summaries are also importable from here: `mediation.selectors.yearly_summary(viewer=, unit=, year=)`.
"""

from binhan.mediation.selectors.summary import YearlySummary, yearly_breakdown, yearly_counts, yearly_summary

__all__ = ["YearlySummary", "yearly_breakdown", "yearly_counts", "yearly_summary"]
