"""The wizard's logic without Textual: decisions, checks and actions, recorded as they happen."""
