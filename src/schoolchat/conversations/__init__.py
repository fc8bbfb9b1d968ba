"""Conversations of the five kinds, their participants and their settings."""
