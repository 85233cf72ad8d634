"""Announcement attachments: fetched, stored by content hash, their text extracted (issue 15)."""
