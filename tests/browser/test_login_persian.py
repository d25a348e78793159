"""A commune police officer signs in, sees the figures of their commune and switches to Persian."""

import pytest

from tests.browser.harness import artifact, csp_violations, sign_in, switch_language, wait_until

pytestmark = pytest.mark.browser


def figures_on(page) -> dict[str, int]:
    shown = page.eval_on_selector_all(
        "#area-figures [data-figure]", "nodes => nodes.map(n => [n.dataset.figure, n.textContent])"
    )
    return {name: int("".join(ch for ch in text if ch.isdigit())) for name, text in shown}


def test_police_signs_in_and_reads_the_home_in_persian(server, area, staff_user, page, console):
    officer = staff_user("commune_police", "7090")

    sign_in(page, server, officer["username"], officer["password"])

    assert page.url == server.url + "/"
    assert page.evaluate("document.documentElement.lang") == "vi"
    assert figures_on(page) == area["an_sinh_figures"]
    assert page.locator("main").get_by_text("Phường An Sinh").count() == 1

    switch_language(page, "fa")

    assert page.evaluate("document.documentElement.dir") == "rtl"
    assert page.evaluate("document.documentElement.lang") == "fa"
    assert page.locator("#language-select").input_value() == "fa"
    assert figures_on(page) == area["an_sinh_figures"]
    page.screenshot(path=artifact("staff-home-fa.png"), full_page=True)
    assert csp_violations(console) == []
    errors = [entry for entry in console if entry["type"] in {"error", "pageerror"}]
    assert errors == []


def test_language_switcher_works_without_javascript(server, area, staff_user, new_page):
    page = new_page(width=390, height=844, java_script_enabled=False)
    officer = staff_user("commune_police", "7090")
    sign_in(page, server, officer["username"], officer["password"])
    assert page.locator(".language-switcher button[type=submit]").is_visible()

    switch_language(page, "fa")

    assert page.evaluate("document.documentElement.dir") == "rtl"
    assert page.evaluate("document.documentElement.lang") == "fa"


def test_language_button_is_hidden_when_javascript_runs(server, page):
    page.goto(server.url + "/accounts/login/")
    wait_until(page, "() => document.documentElement.classList.contains('js')")
    assert page.locator(".language-switcher button[type=submit]").is_hidden()
