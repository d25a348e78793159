"""Bình An: grassroots community safety, from the residential group to the province."""

__version__ = "0.1.0"
