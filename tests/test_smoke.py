from conftest import make_inquiry, make_user


def test_start_page(client_request):
    page = client_request.get("/")
    assert "Sign in" in page.text


def test_home_for_researcher(app, client_request):
    user = make_user("r@example.org", researcher=True)
    make_inquiry(user)
    page = client_request.login(user).get("/home")
    assert "Living well at home" in page.text
