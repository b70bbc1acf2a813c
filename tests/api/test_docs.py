"""The documentation page loads everything from the service itself: it works with no internet."""

import re

import requests

ASSET_TYPES = {".js": "javascript", ".css": "text/css", ".png": "image/png"}


def test_the_docs_page_references_only_the_service_and_its_assets_answer(service):
    page = requests.get(service.base + "/docs", timeout=10)
    assert page.status_code == 200 and "text/html" in page.headers["content-type"]
    urls = re.findall(r"""(?:src|href)\s*=\s*["']([^"']+)["']|url:\s*["']([^"']+)["']""", page.text)
    urls = [a or b for a, b in urls]
    assert urls and not [u for u in urls if re.match(r"^(?:[a-z]+:)?//", u)], urls
    assert "http://" not in page.text and "https://" not in page.text
    assets = [u for u in urls if u.startswith("/docs/assets/")]
    assert {u.rsplit(".", 1)[1] for u in assets} == {"js", "css", "png"}
    for url in assets:
        answer = requests.get(service.base + url, timeout=10)
        kind = ASSET_TYPES["." + url.rsplit(".", 1)[1]]
        assert answer.status_code == 200 and kind in answer.headers["content-type"] and len(answer.content) > 500
    assert "SwaggerUIBundle" in requests.get(service.base + "/docs/assets/swagger-ui-bundle.js", timeout=10).text
    assert requests.get(service.base + "/openapi.json", timeout=10).json()["info"]["title"].startswith("hubei_data")


def test_only_the_pages_own_assets_are_served_and_no_cdn_page_remains(service):
    for name in ("index.html", "swagger-initializer.js", "../__init__.py", "swagger-ui.js.map"):
        assert requests.get(f"{service.base}/docs/assets/{name}", timeout=10).status_code == 404
    assert requests.get(service.base + "/redoc", timeout=10).status_code == 404


def test_health_answers_without_authentication_and_shows_no_data(service):
    answer = requests.get(service.base + "/health", timeout=10)
    assert answer.status_code == 200 and answer.json() == {"status": "ok", "apis": len(service.app.state.specs)}
