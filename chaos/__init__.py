"""The fault suite (``make chaos``): the real stack — PostgreSQL, Redis, nginx, two API
processes, two workers, a saved-portal server — broken on purpose, one scenario at a time, each
with a bounded duration and its own assertions (chaos/README.md)."""
