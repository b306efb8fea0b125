"""Inquiries: the home page, creating an inquiry and its overview and members pages."""
