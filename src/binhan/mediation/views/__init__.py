"""Pages of grassroots mediation, by subject: `teams`, `cases`, `books` (log book, summary) and `resident`."""
