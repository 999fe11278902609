from connector.db import get_session
from connector.db.models import AuditEvent


def test_signed_out_admin_is_sent_to_sign_in(client):
    response = client.get("/installations/1/settings")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/auth/login?next=/installations/1/settings")


def test_sign_in_returns_to_the_page_asked_for(client, admin, installation_id):
    admin.logout()
    token = admin.csrf_token()
    response = client.post(f"/auth/login?next=/installations/{installation_id}",
                           data={"email": "admin@example.com", "password": "correct horse battery",
                                 "csrf_token": token})
    assert response.headers["Location"] == f"/installations/{installation_id}"


def test_sign_in_never_redirects_off_site(client, admin):
    admin.logout()
    response = client.post("/auth/login?next=//evil.example/", data={
        "email": "admin@example.com", "password": "correct horse battery", "csrf_token": admin.csrf_token()})
    assert response.headers["Location"] == "/"


def test_wrong_password_is_refused_with_a_message(client, admin):
    admin.logout()
    response = admin.login(password="wrong password here")
    assert response.status_code == 200
    assert "Unknown email or wrong password." in response.get_data(as_text=True)
    assert client.get("/").status_code == 302


def test_sign_out_ends_the_session(client, admin):
    assert client.get("/").status_code == 200
    assert admin.logout().headers["Location"] == "/auth/login"
    assert client.get("/").status_code == 302


def test_sign_in_is_audited(app, admin):
    with app.app_context():
        assert [e.action for e in get_session().query(AuditEvent)] == ["admin.sign_in"]


def test_a_form_without_csrf_token_is_refused_and_nothing_written(app, client, admin, installation_id):
    response = client.post(f"/installations/{installation_id}/sync", data={})
    assert response.status_code == 400
    assert "CSRF token is missing" in response.get_data(as_text=True)
    with app.app_context():
        assert [e.action for e in get_session().query(AuditEvent)] == ["admin.sign_in"]


def test_admin_create_from_stdin_then_sign_in(client, runner):
    result = runner.invoke(args=["admin", "create", "--email", "Ops@Example.com", "--password-stdin"],
                           input="a long enough password\n")
    assert result.exit_code == 0, result.output
    from tests.app.conftest import AdminActions

    response = AdminActions(client).login("ops@example.com", "a long enough password")
    assert response.status_code == 302


def test_admin_create_refuses_a_short_password_and_a_duplicate(runner):
    short = runner.invoke(args=["admin", "create", "--email", "x@example.com", "--password-stdin"], input="short\n")
    assert short.exit_code == 1 and "at least 12 characters" in short.output
    duplicate = runner.invoke(args=["admin", "create", "--email", "admin@example.com", "--password-stdin"],
                              input="another long password\n")
    assert duplicate.exit_code == 1 and "already exists" in duplicate.output
