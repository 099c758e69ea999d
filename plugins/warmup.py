"""Datasette plugin: the server's first readers are answered as fast as its later ones.

Takes: the served database and the states in the metadata the build writes (the ``certsearch``
section). Gives: before the server takes its first connection (while uvicorn waits for the application's
lifespan startup to complete), one request for each kind of page the public asks: the home page, a search, the
decertified list, each state's first officer page and agency page, and each officer table's page of an agency.
Templates are then compiled, table schemas read, facets planned and the database's first pages in the cache: at a
cold start, fifty readers arriving at once had each waited for these first costs (first byte up to 2.5 to 2.9 s).
The requests go to the application inside the request limits (plugins/limits.py), which never see them. A failure
is ignored: a page is then built on its first request, as it would be without this plugin. Imports nothing from
``certdata``.
"""
import asyncio

from datasette import hookimpl

DB = "certification"
WARM_SECONDS = 20  # at most, whatever the database: a server that cannot warm up serves anyway


async def warm_paths(datasette):
    """The paths of one page of each kind, from the database's first rows."""
    states = (datasette.plugin_config("certsearch") or {}).get("states", [])
    db = datasette.get_database(DB)
    paths = ["/", "/decertified"]
    for state in states:
        row = (await db.execute("select person_id, agency_id, officer_name from people where state = ? limit 1",
                                [state["code"]])).first()
        if row is None:
            continue
        paths.append(f"/officer/{row['person_id']}")  # the search index's id holds the route: mo/MO-...
        paths.append("/search?q=" + "+".join((row["officer_name"] or "a").replace(",", " ").split()[:1]))
        if row["agency_id"]:
            paths.append(f"/agency/{row['agency_id']}")
            paths.append(f"/certification/{state['resource']}?agency_id={row['agency_id']}")
    return paths


async def get(app, path):
    """One GET through the application; the answer is read and dropped."""
    target, _, query = path.partition("?")
    scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "GET", "scheme": "http",
             "path": target, "raw_path": target.encode(), "query_string": query.encode(), "root_path": "",
             "headers": [(b"host", b"localhost")], "client": ("127.0.0.1", 0), "server": ("127.0.0.1", 0)}
    sent = asyncio.Event()

    async def receive():
        await sent.wait()
        return {"type": "http.disconnect"}

    async def send(message):
        if message["type"] == "http.response.body" and not message.get("more_body"):
            sent.set()
    await app(scope, receive, send)


async def warm(datasette, app):
    try:
        async def every():
            for path in await warm_paths(datasette):
                await get(app, path)
        await asyncio.wait_for(every(), WARM_SECONDS)
    except Exception:  # noqa: BLE001 (a page that fails here fails, and is reported, when a reader asks it)
        pass


@hookimpl
def asgi_wrapper(datasette):
    def wrap(app):
        async def warmed(scope, receive, send):
            if scope.get("type") != "lifespan":
                return await app(scope, receive, send)

            async def send_when_warm(message):
                if message.get("type") == "lifespan.startup.complete":
                    await warm(datasette, app)
                await send(message)
            return await app(scope, receive, send_when_warm)
        return warmed
    return wrap
