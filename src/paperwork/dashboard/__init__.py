"""The admin dashboard web page (``/admin-dashboard``): router, templates, static files."""
