"""The AI gateway (issue 14): the AI and OCR calls the seed's clients made in the browser with
the server's keys, made here under a daily cost cap."""
