"""Population rolls up the area tree, and community profiles read it from there instead of a typed number."""

from factories import make_area, make_world, page_login
from jinlin.areas.rollup import populations
from jinlin.areas.tables import Area


async def test_a_community_counts_the_sum_of_its_grids_once_every_grid_is_counted(client):
    w = await make_world()
    comm = w.areas["comm_a"]  # recorded 8000; one grid (网格A1) without a figure
    assert (await populations([comm["id"]]))[comm["id"]] == 8000  # the grid is unknown: its own figure stands
    await Area.update({Area.population: 1500}).where(Area.id == w.areas["grid_a1"]["id"])
    await make_area("网格A2", "grid", comm, population=2114)
    assert (await populations([comm["id"]]))[comm["id"]] == 3614
    # a street sums its communities' rolled-up figures: 社区A 3614 + 社区B 5000 (its grid unknown)
    assert (await populations([w.areas["east"]["id"]]))[w.areas["east"]["id"]] == 3614 + 5000


async def test_an_area_without_figures_but_some_children_counted_shows_at_least_their_sum(client):
    w = await make_world()
    grid = await make_area("新网格", "grid", w.areas["comm_c"])
    await make_area("小区甲", "compound", grid, population=300)
    await make_area("小区乙", "compound", grid)
    assert (await populations([grid["id"]]))[grid["id"]] == 300
    lone = await make_area("空网格", "grid", w.areas["comm_c"])
    assert (await populations([lone["id"]]))[lone["id"]] is None


async def test_the_area_page_shows_the_rolled_up_population(client):
    w = await make_world()
    await Area.update({Area.population: 3614}).where(Area.id == w.areas["grid_a1"]["id"])
    await page_login(client, "county")
    html = (await client.get(f"/areas/{w.areas['comm_a']['id']}")).text
    assert "<strong>3614</strong>" in html
