"""Re-plan: repair a published plan after changes, with as few changes as possible."""
