"""Each module of the portal is in a person's menu exactly when the server lets them open it."""

import pytest

from hubei_data.control.permissions import Role
from hubei_data.web.portal import MODULES
from tests.people import person


@pytest.mark.parametrize("role", list(Role))
def test_the_menu_shows_the_modules_the_server_opens_and_no_other(web, role):
    browser = web.login(role, person(web.url, role))
    home = browser.get("/platform/")
    assert home.status_code == 200
    menu = home.text.split("<nav", 1)[1].split("</nav>", 1)[0]
    for module in MODULES:
        shown = f'href="{module.path}"' in menu
        opens = browser.get(module.path).status_code != 403
        assert shown == opens, f"{module.chinese} for {role}: in the menu {shown}, opened by the server {opens}"
        assert shown == any(permission in role.permissions for permission in module.permissions)
