"""The portals we collect from: their operator-set configs (the seed's ``/scraping-config``),
when each runs next (``schedule.py``, pure), and the scheduler that runs them under leases."""
