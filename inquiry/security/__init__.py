"""Security primitives: signed single-use links, password hashing, response headers."""
