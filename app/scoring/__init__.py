"""Scoring: explainable vendor assurance scores; the pure engine is `rules.score_vendor`."""
