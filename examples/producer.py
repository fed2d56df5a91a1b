#!/usr/bin/env python3
"""A producer that cannot lose a signal (docs/producers.md), in plain Python 3.

It speaks RESP over a socket (no package needed; redis-py works the same way) and
follows the producer rule of mtguard's durability contract: keep each signal until its
final result or `duplicate` has arrived, and send it again -- the same JSON, so the same
uuid and created_at -- whenever a different Redis answers (a new run_id in INFO server),
together with the signals whose results arrived shortly before Redis went away. Redis
being down is waited out with a bounded back-off.

    examples/producer.py --port 17379 --instance demo-1 --count 10
prints one JSON line per settling result and exits 0 when every signal has one.
"""
import argparse
import json
import socket
import sys
import time
import uuid as uuidlib

FINAL = {"filled", "failed", "rejected", "expired", "dropped", "duplicate"}
SUSPECT_S = 10.0          # results this recent when Redis changed are sent again
RETRY_MIN_S, RETRY_MAX_S = 0.1, 5.0
READ_BLOCK_MS = 500


class Redis:
    """One RESP2 connection; reconnects on the next call after any I/O failure."""

    def __init__(self, host, port, timeout_s=5.0):
        self.addr, self.timeout_s, self.sock, self.buf = (host, port), timeout_s, None, b""

    def call(self, *args):
        try:
            if self.sock is None:
                self.sock = socket.create_connection(self.addr, self.timeout_s)
                self.buf = b""
            out = b"*%d\r\n" % len(args)
            for a in args:
                a = a if isinstance(a, bytes) else str(a).encode()
                out += b"$%d\r\n%s\r\n" % (len(a), a)
            self.sock.sendall(out)
            return self._reply()
        except OSError as e:
            self.close()
            raise ConnectionError(str(e)) from e

    def close(self):
        if self.sock is not None:
            self.sock.close()
        self.sock = None

    def _line(self):
        while b"\r\n" not in self.buf:
            chunk = self.sock.recv(65536)
            if not chunk:
                raise OSError("server closed the connection")
            self.buf += chunk
        line, self.buf = self.buf.split(b"\r\n", 1)
        return line

    def _reply(self):
        line = self._line()
        kind, rest = line[:1], line[1:]
        if kind == b"+":
            return rest.decode()
        if kind == b"-":
            raise RuntimeError(rest.decode())
        if kind == b":":
            return int(rest)
        if kind == b"$":
            n = int(rest)
            if n < 0:
                return None
            while len(self.buf) < n + 2:
                chunk = self.sock.recv(65536)
                if not chunk:
                    raise OSError("server closed the connection")
                self.buf += chunk
            data, self.buf = self.buf[:n], self.buf[n + 2:]
            return data.decode()
        if kind == b"*":
            n = int(rest)
            return None if n < 0 else [self._reply() for _ in range(n)]
        raise OSError("bad reply %r" % line)


def run_id(redis):
    for line in redis.call("INFO", "server").splitlines():
        if line.startswith("run_id:"):
            return line.split(":", 1)[1].strip()
    raise RuntimeError("INFO server has no run_id")


class Producer:
    def __init__(self, redis, prefix, timeout_s):
        self.redis, self.rtss, self.rtrs = redis, prefix + "rtss", prefix + "rtrs"
        self.deadline = time.monotonic() + timeout_s
        self.kept = {}          # uuid -> {"payload", "awaiting", "settled_at"}
        self.server, self.seen_at, self.cursor = None, 0.0, "0-0"

    def reach(self):
        """Waits for Redis; follows a change of server. Returns False at the deadline."""
        pause = RETRY_MIN_S
        while True:
            try:
                self.follow(run_id(self.redis))
                return True
            except (ConnectionError, RuntimeError) as e:
                if time.monotonic() >= self.deadline:
                    return False
                print("redis unreachable (%s); %d kept; retrying in %.1f s" % (e, self.awaiting(), pause),
                      file=sys.stderr)
                time.sleep(pause)
                pause = min(pause * 2, RETRY_MAX_S)

    def follow(self, server):
        now = time.monotonic()
        if self.server is not None and server != self.server:
            # A different Redis: it may lack the last seconds the old one acknowledged.
            again = [k for k in self.kept.values()
                     if k["awaiting"] or (k["settled_at"] or 0) >= self.seen_at - SUSPECT_S]
            print("redis changed (%s -> %s): sending %d signal(s) again" % (self.server[:8], server[:8], len(again)),
                  file=sys.stderr)
            for k in again:
                k["awaiting"] = True
            self.send([k["payload"] for k in again])
        self.server, self.seen_at = server, now

    def send(self, payloads):
        while True:
            try:
                for p in payloads:   # one XADD each; a pipeline would do as well
                    self.redis.call("XADD", self.rtss, "*", "signal", p)
                return
            except ConnectionError:
                if not self.reach():
                    raise TimeoutError("redis did not answer before the deadline")

    def awaiting(self):
        return sum(1 for k in self.kept.values() if k["awaiting"])

    def run(self, signals):
        if not self.reach():
            raise TimeoutError("redis did not answer before the deadline")
        last = self.redis.call("XREVRANGE", self.rtrs, "+", "-", "COUNT", 1)
        self.cursor = last[0][0] if last else "0-0"   # read from here: no result of ours is missed
        for s in signals:
            self.kept[s["uuid"]] = {"payload": json.dumps(s), "awaiting": True, "settled_at": None}
        self.send([k["payload"] for k in self.kept.values()])
        settled = {}
        while self.awaiting() and time.monotonic() < self.deadline:
            try:
                reply = self.redis.call("XREAD", "COUNT", 1000, "BLOCK", READ_BLOCK_MS, "STREAMS", self.rtrs,
                                        self.cursor)
                for entry_id, fields in (reply[0][1] if reply else []):
                    self.cursor = entry_id
                    result = json.loads(dict(zip(fields[::2], fields[1::2])).get("result", "{}"))
                    k = self.kept.get(result.get("uuid"))
                    if k is None or not k["awaiting"] or result.get("status") not in FINAL:
                        continue
                    k["awaiting"], k["settled_at"] = False, time.monotonic()
                    if result["uuid"] not in settled:
                        settled[result["uuid"]] = result
                        print(json.dumps(result), flush=True)
                if time.monotonic() - self.seen_at >= 1.0:
                    self.follow(run_id(self.redis))
            except ConnectionError:
                if not self.reach():
                    break
        return settled


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--host", default="127.0.0.1")
    ap.add_argument("--port", type=int, default=6379)
    ap.add_argument("--prefix", default="mtg:")
    ap.add_argument("--instance", default="demo-1")
    ap.add_argument("--symbol", default="EURUSD")
    ap.add_argument("--volume", type=float, default=0.01)
    ap.add_argument("--count", type=int, default=1)
    ap.add_argument("--timeout-s", type=float, default=60.0)
    args = ap.parse_args()
    now_ms = int(time.time() * 1000)
    signals = [{"uuid": str(uuidlib.uuid4()), "instance": args.instance, "symbol": args.symbol,
                "side": "buy", "type": "market", "volume": args.volume, "created_at": now_ms,
                "ttl_ms": 60000} for _ in range(args.count)]
    settled = Producer(Redis(args.host, args.port), args.prefix, args.timeout_s).run(signals)
    missing = len(signals) - len(settled)
    if missing:
        print("%d signal(s) without a final result" % missing, file=sys.stderr)
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main())
