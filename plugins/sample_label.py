"""Datasette plugin: every response says when the data served includes a synthetic sample.

Takes: the ``synthetic_resources`` list of the ``certsearch`` plugin configuration
(written from the package by the build). Gives: an ``X-Synthetic-Sample`` header naming
them on every HTTP response while any resource is a sample, so that a program that
downloads JSON or CSV is told, as a person is told by the page banner.
"""
from datasette import hookimpl


@hookimpl
def asgi_wrapper(datasette):
    def wrap(app):
        async def labelled(scope, receive, send):
            synthetic = (datasette.plugin_config("certsearch") or {}).get("synthetic_resources") or []
            if scope.get("type") != "http" or not synthetic:
                return await app(scope, receive, send)
            value = ", ".join(synthetic).encode("ascii", "replace")

            async def send_labelled(message):
                if message["type"] == "http.response.start":
                    message = dict(message, headers=[*message.get("headers", []), (b"x-synthetic-sample", value)])
                await send(message)
            return await app(scope, receive, send_labelled)
        return labelled
    return wrap
