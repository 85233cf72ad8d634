"""Collection runs as a feature of their own: every ``scrape_runs`` and ``portal_state`` row
(run history, counts, leases, the failure streak) and the runs API (``/api/v1/runs``)."""
