"""An import without a file is refused by name, on every import endpoint, and changes nothing."""

import pytest

from factories import login, make_world
from jinlin.areas.tables import Area


@pytest.mark.parametrize("path", ["/api/v1/areas/import", "/api/v1/needs/import", "/api/v1/offers/import"])
async def test_an_import_without_a_file_names_the_file_field(client, path):
    await make_world()
    before = await Area.count()
    headers = await login(client, "county")
    response = await client.post(path, headers=headers, files={"other": ("x.txt", b"hello")})
    assert response.status_code == 400
    assert response.json()["error"]["fields"] == {"file": "Attach a .csv or .xlsx file"}
    assert await Area.count() == before
