"""Datasette plugin: limits on connections, below the application, so that connections that
never finish a request (slowloris) cannot use up the server's file descriptors.

Takes nothing at request time. On import it wraps ``uvicorn.run``, which ``datasette serve``
calls after loading its plugins (locally and in the deployed container alike), so that the
server speaks HTTP/1.1 through ``GuardedH11Protocol`` and its open-file limit is raised to the
hard limit. Gives, per connection:

* a deadline for the request head: a connection that has not sent a complete request head
  within ``HEAD_TIMEOUT`` seconds of connecting, or of its previous answer, is closed, however
  slowly it trickles bytes (uvicorn's own keep-alive timeout stops at the first byte);
* at most ``CONNECTIONS_PER_CLIENT`` open connections per client address (IPv6: per /64),
  more are closed at once; not applied behind Cloud Run (``K_SERVICE`` set), where every
  connection comes from Google's front end;
* at most ``MAX_CONNECTIONS`` in all: past it, a new connection closes the one that has waited
  longest for its request head (so a flood of idle connections gives way to real requests),
  or is itself closed when every connection is busy answering;
* ``X-Content-Type-Options: nosniff`` on uvicorn's own "Invalid HTTP request" answer.

Deployable with the plugins folder alone: it imports nothing from ``certdata``.
"""
import ipaddress
import os
import resource

import h11
import uvicorn
from uvicorn.protocols.http.h11_impl import STATUS_PHRASES, H11Protocol

HEAD_TIMEOUT = 10.0
CONNECTIONS_PER_CLIENT = 32
MAX_CONNECTIONS = 1000
FILES_BESIDES_CONNECTIONS = 200  # the database, snapshot files, logs, Python's own


def peer_of(client):
    """A connection's client: its address, an IPv6 address by its /64 network."""
    address = (client or ("?", 0))[0]
    if ":" in address:
        try:
            return str(ipaddress.ip_network(f"{address}/64", strict=False))
        except ValueError:
            return address
    return address


class GuardedH11Protocol(H11Protocol):
    """uvicorn's h11 protocol with the head deadline and connection bounds above."""

    head_timer = None
    waiting_since = None  # loop time since which the connection waits for a request head
    peer = None

    def connection_made(self, transport):
        super().connection_made(transport)
        peers = self.server_state.__dict__.setdefault("certdata_peers", {})
        if not os.environ.get("K_SERVICE"):
            self.peer = peer_of(self.client)
            if peers.get(self.peer, 0) >= CONNECTIONS_PER_CLIENT:
                self.peer = None
                transport.close()
                return
            peers[self.peer] = peers.get(self.peer, 0) + 1
        if len(self.connections) > MAX_CONNECTIONS and not self.make_room():
            transport.close()
            return
        self.await_head()

    def make_room(self):
        """Close the connection that has waited longest for a request head; False if none waits."""
        waiting = [c for c in self.connections if c is not self and c.waiting_since is not None
                   and not c.transport.is_closing()]
        if not waiting:
            return False
        min(waiting, key=lambda c: c.waiting_since).transport.close()
        return True

    def await_head(self):
        if self.head_timer is not None:
            self.head_timer.cancel()
        self.waiting_since = self.loop.time()
        self.head_timer = self.loop.call_later(HEAD_TIMEOUT, self.head_deadline, self.cycle)

    def head_deadline(self, previous_cycle):
        self.head_timer = None
        if self.cycle is previous_cycle and not self.transport.is_closing():
            self.transport.close()

    def handle_events(self):
        super().handle_events()
        if self.waiting_since is not None and self.cycle is not None and not self.cycle.response_complete:
            self.waiting_since = None  # a request head arrived

    def on_response_complete(self):
        if not self.transport.is_closing():
            self.await_head()
        super().on_response_complete()

    def connection_lost(self, exc):
        if self.head_timer is not None:
            self.head_timer.cancel()
            self.head_timer = None
        self.waiting_since = None
        if self.peer is not None:
            peers = self.server_state.__dict__["certdata_peers"]
            peers[self.peer] -= 1
            if not peers[self.peer]:
                del peers[self.peer]
            self.peer = None
        super().connection_lost(exc)

    def send_400_response(self, msg):
        headers = [(b"content-type", b"text/plain; charset=utf-8"), (b"x-content-type-options", b"nosniff"),
                   (b"connection", b"close")]
        for event in (h11.Response(status_code=400, headers=headers, reason=STATUS_PHRASES[400]),
                      h11.Data(data=msg.encode("ascii")), h11.EndOfMessage()):
            self.transport.write(self.conn.send(event))
        self.transport.close()


def raise_open_file_limit():
    """Raise the soft open-file limit towards what MAX_CONNECTIONS needs, as far as the hard
    limit allows, and lower MAX_CONNECTIONS to what the limit leaves."""
    global MAX_CONNECTIONS
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    wanted = MAX_CONNECTIONS + FILES_BESIDES_CONNECTIONS
    if soft != resource.RLIM_INFINITY and soft < wanted:
        soft = wanted if hard == resource.RLIM_INFINITY else min(hard, wanted)
        resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard))
    if soft != resource.RLIM_INFINITY:
        MAX_CONNECTIONS = max(1, min(MAX_CONNECTIONS, soft - FILES_BESIDES_CONNECTIONS))


def install():
    """Wrap uvicorn.run once so that the server uses GuardedH11Protocol."""
    if getattr(uvicorn.run, "certdata_guarded", False):
        return
    original = uvicorn.run

    def run(app, **kwargs):
        kwargs.setdefault("http", GuardedH11Protocol)
        raise_open_file_limit()
        return original(app, **kwargs)
    run.certdata_guarded = True
    uvicorn.run = run


install()
