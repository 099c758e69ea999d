"""Connections that never finish a request cannot use up the server (plugins/limits.py, GuardedH11Protocol).

A real uvicorn server on loopback, in a thread, with the guarded protocol and small limits; the
last test checks that ``build.py serve`` itself runs with it."""
import asyncio
import socket
import threading
import time

import pytest
import uvicorn

from tests.test_abuse import fetch, plugin_module, running_server

connections = plugin_module("limits")

PARTIAL_HEAD = b"GET / HTTP/1.1\r\nHost: x\r\n"
STREAMS = []  # (seconds, bytes) of each /endless answer, once it learns that its client left


async def app(scope, receive, send):
    if scope["type"] != "http":
        return
    if scope["path"] == "/endless":  # a stream (a whole table's CSV) that runs for as long as the client takes it
        began, sent = time.monotonic(), 0
        await receive()  # the request
        gone = asyncio.ensure_future(receive())  # http.disconnect, once the connection is closed or cut
        await send({"type": "http.response.start", "status": 200, "headers": [(b"content-type", b"text/csv")]})
        while not gone.done():
            await send({"type": "http.response.body", "body": b"x" * 65536, "more_body": True})
            sent += 65536
            await asyncio.sleep(0)
        STREAMS.append((time.monotonic() - began, sent))
        return
    if scope["path"] == "/slow":
        await asyncio.sleep(1.0)
    await send({"type": "http.response.start", "status": 200, "headers": [(b"content-type", b"text/plain"), (b"content-length", b"2")]})
    await send({"type": "http.response.body", "body": b"ok"})


@pytest.fixture
def server(monkeypatch):
    monkeypatch.setattr(connections, "HEAD_TIMEOUT", 0.6)
    monkeypatch.setattr(connections, "CONNECTIONS_PER_CLIENT", 5)
    monkeypatch.setattr(connections, "MAX_CONNECTIONS", 12)
    monkeypatch.setattr(connections, "SEND_TIMEOUT", 1.0)
    monkeypatch.setattr(connections, "SEND_CHECK", 0.2)
    listener = socket.socket()
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(("0.0.0.0", 0))  # 127.0.0.x clients, each its own address
    port = listener.getsockname()[1]
    config = uvicorn.Config(app, http=connections.GuardedH11Protocol, log_level="critical", lifespan="off")
    instance = uvicorn.Server(config)
    thread = threading.Thread(target=instance.run, kwargs={"sockets": [listener]}, daemon=True)
    thread.start()
    for _ in range(100):
        if instance.started:
            break
        time.sleep(0.05)
    assert instance.started
    yield port
    instance.should_exit = True
    thread.join(timeout=10)
    listener.close()
    assert not thread.is_alive()


def connect(port, address="127.0.0.1", receive_buffer=None):
    s = socket.socket()
    if receive_buffer:  # before connecting: the window's scale is agreed then
        s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, receive_buffer)
    s.bind((address, 0))
    s.connect(("127.0.0.1", port))
    s.settimeout(5)
    return s


def closed_by_server(s):
    try:
        return s.recv(1024) == b""
    except ConnectionResetError:
        return True
    except TimeoutError:
        return False


def request(port, path="/", address="127.0.0.1"):
    with connect(port, address) as s:
        s.sendall(f"GET {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".encode())
        data = b""
        while chunk := s.recv(65536):
            data += chunk
    return data


def test_a_connection_that_trickles_its_request_head_is_closed_at_the_deadline(server):
    s = connect(server)
    started = time.monotonic()
    try:
        for byte in PARTIAL_HEAD * 4:  # a byte every 0.05 s: uvicorn's keep-alive timeout never fires
            s.sendall(bytes([byte]))
            time.sleep(0.05)
    except OSError:
        pass  # closed by the server while sending
    s.settimeout(3)
    assert closed_by_server(s)
    assert time.monotonic() - started < 2.5
    s.close()


def test_an_answer_slower_than_the_head_deadline_is_not_cut(server):
    assert request(server, "/slow").startswith(b"HTTP/1.1 200")


def test_a_kept_alive_connection_gets_a_new_deadline_for_each_request(server):
    with connect(server) as s:
        for _ in range(3):
            s.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
            answer = b""
            while not answer.endswith(b"ok"):
                answer += s.recv(65536)
            assert answer.startswith(b"HTTP/1.1 200")
            time.sleep(0.4)  # under the deadline each time, over it in all


def test_one_client_cannot_hold_more_than_its_share_of_connections(server):
    held = [connect(server) for _ in range(5)]
    for s in held:
        s.sendall(PARTIAL_HEAD)
    extra = connect(server)
    assert closed_by_server(extra)
    assert request(server, address="127.0.0.2").startswith(b"HTTP/1.1 200")  # another client is served
    for s in held + [extra]:
        s.close()


def test_a_flood_of_idle_connections_gives_way_to_a_real_request(server):
    flood = []
    for n in range(12):
        s = connect(server, f"127.0.1.{n + 1}")
        s.sendall(PARTIAL_HEAD)
        flood.append(s)
    time.sleep(0.1)
    assert request(server, address="127.0.2.1").startswith(b"HTTP/1.1 200")
    assert closed_by_server(flood[0])  # the one that waited longest made room
    for s in flood:
        s.close()


def test_a_client_s_connections_are_counted_again_once_closed(server):
    for _ in range(3):
        held = [connect(server) for _ in range(5)]
        for s in held:
            s.close()
        time.sleep(0.1)
    assert request(server).startswith(b"HTTP/1.1 200")


def test_uvicorn_s_own_answer_to_a_malformed_request_carries_nosniff(server):
    with connect(server) as s:
        s.sendall(b"GET / HTTP/1.1\r\nHost x\r\n\r\n")
        answer = s.recv(65536)
    assert answer.startswith(b"HTTP/1.1 400") and b"x-content-type-options: nosniff" in answer.lower()


def test_a_client_that_stops_taking_its_answer_is_cut_at_the_send_deadline(server):
    """A stream whose client never reads waited in its send for good (its request's slots held) and its
    connection outlived the head deadline: it is cut once nothing has been taken for SEND_TIMEOUT seconds."""
    STREAMS.clear()
    s = connect(server, receive_buffer=4096)
    s.sendall(b"GET /endless HTTP/1.1\r\nHost: x\r\n\r\n")
    started = time.monotonic()
    while not STREAMS and time.monotonic() - started < 6:
        time.sleep(0.1)
    s.close()
    assert STREAMS, "the stream was never told that its client stopped reading"
    seconds, sent = STREAMS[0]
    assert seconds < connections.SEND_TIMEOUT + 2.5 and sent < 16 * 1024 * 1024, STREAMS


def test_a_slow_reader_is_not_cut(server):
    STREAMS.clear()
    with connect(server, receive_buffer=4096) as s:
        s.sendall(b"GET /endless HTTP/1.1\r\nHost: x\r\n\r\n")
        taken, started = 0, time.monotonic()
        while time.monotonic() - started < 3 * connections.SEND_TIMEOUT:  # a few KB every half second, never stopping
            taken += len(s.recv(16384))
            time.sleep(0.5)
        assert not STREAMS and taken > 10_000
    for _ in range(50):  # closed by the client: the stream stops
        if STREAMS:
            break
        time.sleep(0.1)
    assert STREAMS


def test_the_served_release_uses_the_guarded_protocol(built):
    with running_server(built) as base:
        port = int(base.rsplit(":", 1)[1])
        with connect(port) as s:
            s.sendall(b"GET / HTTP/1.1\r\nHost x\r\n\r\n")
            answer = s.recv(65536)
        assert answer.startswith(b"HTTP/1.1 400") and b"x-content-type-options: nosniff" in answer.lower()
        assert fetch(base + "/certification/mo_officers.json?_size=1")[0] == 200


def test_the_server_keeps_no_log_of_what_people_search(built, tmp_path):
    import subprocess
    import sys

    from tests.conftest import ROOT
    from tests.test_abuse import free_port
    port, log = free_port(), tmp_path / "server.log"
    env = {"CERTDATA_ROOT": str(built), "PATH": f"{sys.prefix}/bin:/usr/bin:/bin"}
    with open(log, "wb") as out:
        process = subprocess.Popen([sys.executable, str(ROOT / "build.py"), "serve", "--port", str(port)], env=env,
                                   stdout=out, stderr=subprocess.STDOUT)
        try:
            status = None
            for _ in range(150):
                try:
                    status = fetch(f"http://127.0.0.1:{port}/search?q=quetzalcoatl+zyxwv")[0]
                    break
                except OSError:
                    time.sleep(0.2)
            assert status == 200
        finally:
            process.terminate()
            process.wait(timeout=10)
    text = log.read_text(errors="replace")
    assert "Uvicorn running" in text or "Application startup" in text  # the log was captured at all
    assert "quetzalcoatl" not in text and "GET /search" not in text
