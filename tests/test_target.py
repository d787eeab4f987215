import pytest

from launch_tui.errors import UsageError
from launch_tui.target import load_target, normalise_url

GOOD = """
environment = "production"
api_url = "https://api.example.com/"
web_url = "https://app.example.com"
team_mode = "multi"

[customer]
name = "Acme Freight"
tenant_slug = "acme-freight"

[render]
api_service_id = "srv-abc123"

[github]
repo = "acme/platform"
"""


def write(tmp_path, text):
    path = tmp_path / "target.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_a_good_target_loads_with_defaults(tmp_path):
    target = load_target(write(tmp_path, GOOD))
    assert target.api_url == "https://api.example.com"
    assert target.render.api_url == "https://api.render.com/v1"
    assert target.github.branch == "main" and target.github.nightly_max_age_hours == 36
    assert target.is_production


@pytest.mark.parametrize("written", ["https://x.example/app/", "https://x.example/app", "https://X.example/"])
def test_web_url_is_kept_as_written_and_normalised_only_to_compare(tmp_path, written):
    target = load_target(write(tmp_path, GOOD.replace('web_url = "https://app.example.com"', f'web_url = "{written}"')))
    assert target.web_url == written  # a server may answer /app and /app/ differently
    assert normalise_url(target.web_url) == normalise_url(written.rstrip("/"))


def test_web_url_is_still_checked(tmp_path):
    with pytest.raises(UsageError, match=r"web_url: .*use https://"):
        load_target(write(tmp_path, GOOD.replace("https://app.example.com", "http://app.example.com/")))


@pytest.mark.parametrize(
    "old, new, expected",
    [
        ('environment = "production"', 'environment = "prod"', "environment: must be 'staging' or 'production'"),
        ('team_mode = "multi"', 'team_mode = "team"', "team_mode: must be 'solo' or 'multi'"),
        ('api_url = "https://api.example.com/"', 'api_url = "api.example.com"', "not an http(s) URL"),
        ('api_url = "https://api.example.com/"', 'api_url = "http://api.example.com"', "use https://"),
        ('api_url = "https://api.example.com/"', 'api_url = "https://api.example.com/?x=1"', "query"),
        ('tenant_slug = "acme-freight"', 'tenant_slug = "Acme Freight"', "not a slug"),
        ('name = "Acme Freight"', 'name = "   "', "customer.name: the name is empty"),
        ('repo = "acme/platform"', 'repo = "platform"', "not owner/name"),
        ('api_service_id = "srv-abc123"', 'api_service_id = "abc"', "render.api_service_id"),
        ('team_mode = "multi"', 'team_mode = "multi"\nrender_token = "x"', "render_token: is not a known setting"),
        ('[customer]\nname = "Acme Freight"\ntenant_slug = "acme-freight"\n', "", "customer: is required but missing"),
    ],
)
def test_bad_targets_give_one_line_that_names_the_setting(tmp_path, old, new, expected):
    assert old in GOOD
    with pytest.raises(UsageError) as caught:
        load_target(write(tmp_path, GOOD.replace(old, new)))
    assert expected in str(caught.value)
    assert "\n" not in str(caught.value)


def test_plain_http_is_allowed_on_loopback_only(tmp_path):
    for host in ("127.0.0.1:8000", "localhost", "[::1]:9000"):
        target = load_target(write(tmp_path, GOOD.replace("https://api.example.com/", f"http://{host}")))
        assert target.api_url.startswith("http://")


@pytest.mark.parametrize(
    "content, expected",
    [(None, "no such target file"), (b"environment = ", "invalid TOML"), (b"\xff\xfe", "not UTF-8")],
)
def test_unreadable_target_files(tmp_path, content, expected):
    path = tmp_path / "target.toml"
    if content is not None:
        path.write_bytes(content)
    with pytest.raises(UsageError) as caught:
        load_target(path)
    assert expected in str(caught.value)


def test_urls_compare_like_a_person_would():
    assert normalise_url("HTTPS://API.Example.com/") == normalise_url("https://api.example.com")
    assert normalise_url("https://api.example.com/v1") != normalise_url("https://api.example.com")


@pytest.mark.parametrize("branch", ["..", "a/../../x", "release/", "/main", "a//b", ".hidden", "x.lock", "a b", "a~1"])
def test_a_branch_git_would_refuse_is_refused_before_it_reaches_a_github_url(tmp_path, branch):
    """Put in a URL, `..` or an empty segment would walk the GitHub API's path with the token."""
    text = GOOD.replace('repo = "acme/platform"', f'repo = "acme/platform"\nbranch = "{branch}"')
    with pytest.raises(UsageError, match=r"github\.branch: .* is not a git branch name"):
        load_target(write(tmp_path, text))


@pytest.mark.parametrize("branch", ["main", "release/2026-12", "feature/x.y", "v1.2"])
def test_ordinary_branch_names_still_load(tmp_path, branch):
    text = GOOD.replace('repo = "acme/platform"', f'repo = "acme/platform"\nbranch = "{branch}"')
    assert load_target(write(tmp_path, text)).github.branch == branch
