"""The stored announcements and both APIs over them: the seed's ``/scraping-dashboard``
(``seed_*``) and ``/api/v1/programs`` with its exports and daily stats (``v1_*``), served through
the cache layer (``cached.py``); SQL only in the ``*repository.py`` modules."""
