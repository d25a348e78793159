"""Every write of the handovers app: each validates, saves, audits and emits its event in one transaction."""
