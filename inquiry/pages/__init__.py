"""Public pages (start page, accessibility, privacy, cookies) and error pages."""
