"""Every write of the residence app: each validates, saves, audits and emits its events in one transaction."""
