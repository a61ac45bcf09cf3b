"""Shadowing: members offer (or ask for) a chance to spend time in another service."""
