"""Demo data for the embedded default (`seed_demo`). It touches every app, so it sits above them all: no app
imports it."""
