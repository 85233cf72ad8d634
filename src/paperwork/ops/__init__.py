"""Operating the service: the seed's ``/health``, ``/metrics`` (JSON and Prometheus),
``/env-config`` and ``/admin/stats``, and the request telemetry behind the metrics."""
