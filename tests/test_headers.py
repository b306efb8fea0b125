"""Security headers on every response, and no caching of signed-in pages."""

from __future__ import annotations

import re

from conftest import make_user, sign_in_as

from inquiry import create_app


def test_public_page_headers(client):
    response = client.get("/accessibility")
    csp = response.headers["Content-Security-Policy"]
    assert "default-src 'self'" in csp
    assert "frame-ancestors 'none'" in csp
    assert "unsafe-inline" not in csp
    assert "object-src 'none'" in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert "Strict-Transport-Security" not in response.headers


def test_inline_script_carries_the_policy_nonce(client):
    response = client.get("/")
    nonce = re.search(r"'nonce-([^']+)'", response.headers["Content-Security-Policy"]).group(1)
    html = response.get_data(as_text=True)
    inline_scripts = re.findall(r"<script(?![^>]*\bsrc=)([^>]*)>", html)
    assert inline_scripts, "the page should have GOV.UK Frontend's inline script"
    for attributes in inline_scripts:
        assert f'nonce="{nonce}"' in attributes


def test_nonce_changes_per_response(client):
    first = client.get("/").headers["Content-Security-Policy"]
    second = client.get("/").headers["Content-Security-Policy"]
    assert first != second


def test_signed_in_pages_are_not_stored(app, client):
    user = make_user("sam.cache@example.org")
    sign_in_as(client, user)
    response = client.get("/home")
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"


def test_signed_out_pages_may_be_cached_normally(client):
    assert client.get("/privacy").headers.get("Cache-Control") != "no-store"


def test_hsts_only_in_production(monkeypatch, client):
    assert "Strict-Transport-Security" not in client.get("/privacy").headers
    monkeypatch.setenv("SECRET_KEY", "a-long-random-production-secret-for-this-test")
    production = create_app("production", overrides={"SQLALCHEMY_DATABASE_URI": "sqlite://"})
    response = production.test_client().get("/privacy", base_url="https://localhost")
    assert response.headers["Strict-Transport-Security"].startswith("max-age=31536000")
    assert production.config["SESSION_COOKIE_SECURE"] is True


def test_client_address_comes_from_the_trusted_proxy_only():
    from flask import request

    def seen_address(app) -> str:
        @app.route("/address")
        def address():
            return request.remote_addr or ""

        address.permission = "public"
        response = app.test_client().get(
            "/address",
            headers={"X-Forwarded-For": "203.0.113.7"},
            environ_base={"REMOTE_ADDR": "10.0.0.2"},
        )
        return response.get_data(as_text=True)

    assert seen_address(create_app("test")) == "10.0.0.2"
    assert seen_address(create_app("test", overrides={"PROXY_COUNT": 1})) == "203.0.113.7"
