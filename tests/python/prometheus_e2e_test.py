#!/usr/bin/python3
"""The suite as an operator sees it: a real Prometheus server scrapes it.

Starts the four server binaries on ephemeral loopback ports (the gateway last,
pointing at the other three) and Debian's Prometheus with a configuration that
scrapes their metrics ports every second, one job per binary. Debian's
python3-grpcio drives the gateway (images, copy and events with a valid API
key, one call without a key); then Prometheus' HTTP API must report up == 1
for every job and the calls counted: the gateway's RPCs by method and code,
its backend calls, and the backends' own counters.

Reuses interop_test.py (stub generation, the Server class). Run by ctest
(tests/python/CMakeLists.txt) with the paths of the tools and binaries; run it
with /usr/bin/python3, which owns Debian's grpcio.
"""
import argparse
import hashlib
import json
import pathlib
import socket
import subprocess
import sys
import tempfile
import time
import unittest
import urllib.error
import urllib.parse
import urllib.request

import grpc

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
import interop_test  # noqa: E402  (after the path above)
from interop_test import RPC_TIMEOUT_S, Server, png_chunks, stub_module  # noqa: E402

ARGS = None
JOBS = ("aigc-recommender", "aigc-copywriter", "aigc-imagegen", "aigc-gateway")
# Bounds of the waits for Prometheus: its HTTP API, and the scrapes that
# reflect the calls (every 1 s; a few are allowed for).
PROMETHEUS_START_TIMEOUT_S = 30
SCRAPE_TIMEOUT_S = 30
USER_KEY = "aigc_prom_user"
IMAGE_CALLS, IMAGES_PER_CALL, COPY_CALLS = 3, 2, 2


def free_port():
    """A loopback port that was free a moment ago (Prometheus takes no port 0)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def prometheus_config(targets):
    """Prometheus' configuration (YAML is a superset of JSON): one job per
    binary, named after it, scraping its metrics port every second."""
    return json.dumps({
        "global": {"scrape_interval": "1s", "scrape_timeout": "1s",
                   "evaluation_interval": "1s"},
        "scrape_configs": [{"job_name": job, "static_configs": [{"targets": [target]}]}
                           for job, target in targets.items()],
    }, indent=2)


class Prometheus:
    """Debian's Prometheus on a free loopback port, storing into `directory`;
    always killed."""

    def __init__(self, binary, directory, targets):
        config = pathlib.Path(directory) / "prometheus.yml"
        config.write_text(prometheus_config(targets))
        self.port = free_port()
        self.log = open(pathlib.Path(directory) / "prometheus.log", "w+")
        self.process = subprocess.Popen(
            [binary, f"--config.file={config}", f"--storage.tsdb.path={directory}/tsdb",
             f"--web.listen-address=127.0.0.1:{self.port}"],
            stdout=self.log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + PROMETHEUS_START_TIMEOUT_S
        while not self.ready():
            if self.process.poll() is not None or time.monotonic() > deadline:
                self.stop()
                raise AssertionError(f"prometheus did not become ready: {self.output()}")
            time.sleep(0.2)

    def ready(self):
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/-/ready", timeout=2) as r:
                return r.status == 200
        except (urllib.error.URLError, OSError):
            return False

    def query(self, promql):
        """The instant vector of `promql` as [(labels, float value)]."""
        url = (f"http://127.0.0.1:{self.port}/api/v1/query?"
               + urllib.parse.urlencode({"query": promql}))
        with urllib.request.urlopen(url, timeout=5) as response:
            body = json.load(response)
        if body.get("status") != "success" or body["data"]["resultType"] != "vector":
            raise AssertionError(f"{promql}: {body}")
        return [(sample["metric"], float(sample["value"][1])) for sample in body["data"]["result"]]

    def targets(self):
        """Each scrape target's job, health and last error, for failure messages."""
        url = f"http://127.0.0.1:{self.port}/api/v1/targets"
        with urllib.request.urlopen(url, timeout=5) as response:
            body = json.load(response)
        return [(t["labels"]["job"], t["scrapeUrl"], t["health"], t["lastError"])
                for t in body["data"]["activeTargets"]]

    def output(self):
        self.log.flush()
        self.log.seek(0)
        return self.log.read()[-4000:]

    def stop(self):
        self.process.kill()
        self.process.wait()
        self.log.close()


class PrometheusEndToEndTest(unittest.TestCase):
    """All four binaries behind the gateway, scraped by a real Prometheus."""

    def setUp(self):
        self.dir = tempfile.TemporaryDirectory(prefix="aigc-prom-e2e-")
        self.addCleanup(self.dir.cleanup)
        keys = pathlib.Path(self.dir.name) / "api_keys.txt"
        keys.write_text(f"sha256:{hashlib.sha256(USER_KEY.encode()).hexdigest()} shop user 1000 "
                        "1000\n")
        self.servers = {}
        self.start("recommender", ARGS.recommender, [f"--store_path={self.dir.name}/store",
                                                     f"--model_repository={self.dir.name}/models"])
        self.start("copywriter", ARGS.copywriter, [f"--model_repository={ARGS.models}"])
        self.start("imagegen", ARGS.imagegen, [f"--model_repository={ARGS.models}"])
        self.start("gateway", ARGS.gateway, [
            f"--api_keys_file={keys}",
            *(f"--{name}_target=127.0.0.1:{self.servers[name].port}"
              for name in ("recommender", "copywriter", "imagegen"))])
        # Cleanups run last first: Prometheus is killed, then the servers are
        # stopped (the gateway first), then the directory goes.
        self.prometheus = Prometheus(
            ARGS.prometheus, self.dir.name,
            {f"aigc-{name}": f"127.0.0.1:{server.metrics_port}"
             for name, server in self.servers.items()})
        self.addCleanup(self.prometheus.stop)

    def start(self, name, binary, flags):
        self.servers[name] = Server(binary, flags)
        self.addCleanup(self.stop, name)

    def stop(self, name):
        server = self.servers.pop(name)
        server.channel.close()
        self.assertEqual(server.stop(), 0, "".join(server.stderr))

    def eventually(self, promql, expected, deadline):
        """The value of the single-sample `promql` once it equals `expected`,
        or the last value once time.monotonic() passes `deadline` (Prometheus
        sees the calls at its next scrape)."""
        while True:
            result = self.prometheus.query(promql)
            value = result[0][1] if len(result) == 1 else result
            if value == expected or time.monotonic() > deadline:
                return value
            time.sleep(0.25)

    def drive_gateway(self):
        """The calls the counters must show; returns the number of images."""
        gateway_pb = stub_module("aigc.gateway.v1.gateway_pb2")
        gateway = stub_module("aigc.gateway.v1.gateway_pb2_grpc").GatewayServiceStub(
            self.servers["gateway"].channel)
        imagegen = stub_module("aigc.imagegen.v1.imagegen_pb2")
        copywriter = stub_module("aigc.copywriter.v1.copywriter_pb2")
        recommender = stub_module("aigc.recommender.v1.recommender_pb2")
        common = stub_module("aigc.common.v1.common_pb2")
        key = [("x-api-key", USER_KEY)]

        images = 0
        for seed in range(IMAGE_CALLS):
            response = gateway.GenerateImages(
                imagegen.GenerateRequest(category=common.CATEGORY_DRESS, count=IMAGES_PER_CALL,
                                         seed=seed + 1),
                metadata=key, timeout=RPC_TIMEOUT_S)
            self.assertEqual(len(response.images), IMAGES_PER_CALL)
            for image in response.images:
                self.assertEqual(png_chunks(image.data)[0][0], "IHDR")
            images += len(response.images)
        for seed in range(COPY_CALLS):
            request = copywriter.GenerateCopyRequest(product_id="sku-3-0001")
            request.sampling.seed = seed + 1
            request.sampling.max_tokens = 48
            response = gateway.GenerateCopy(request, metadata=key, timeout=30)
            self.assertTrue(response.candidates or response.dropped_count, response)
        # An event about an item the catalogue lacks: the call is OK, the
        # event rejected (partial success).
        written = gateway.WriteEvents(recommender.WriteEventsRequest(events=[recommender.Event(
            event_id="e1", user_id="u1", item_id="no-such-item",
            type=recommender.EVENT_TYPE_VIEW)]), metadata=key, timeout=RPC_TIMEOUT_S)
        self.assertEqual(written.rejected_count, 1, written)
        with self.assertRaises(grpc.RpcError) as raised:
            gateway.GetProductCards(gateway_pb.GetProductCardsRequest(user_id="u1"),
                                    timeout=RPC_TIMEOUT_S)
        self.assertEqual(raised.exception.code(), grpc.StatusCode.UNAUTHENTICATED)
        return images

    def test_prometheus_scrapes_every_binary_and_counts_the_calls(self):
        images = self.drive_gateway()

        # One bound for every wait below, so a failing test ends quickly too.
        deadline = time.monotonic() + SCRAPE_TIMEOUT_S
        while True:
            up = {labels["job"]: value for labels, value in self.prometheus.query("up")}
            if all(up.get(job) == 1 for job in JOBS) or time.monotonic() > deadline:
                break
            time.sleep(0.25)
        self.assertEqual(up, {job: 1 for job in JOBS}, self.prometheus.targets())

        def handled(job, method, code="OK"):
            return (f'sum(grpc_server_handled_total{{job="{job}",grpc_method="{method}",'
                    f'grpc_code="{code}"}})')

        # Each check waits for its value (a scrape may predate the calls); a
        # failure shows what Prometheus had instead.
        for promql, expected in (
                (handled("aigc-gateway", "GenerateImages"), IMAGE_CALLS),
                (handled("aigc-gateway", "GenerateCopy"), COPY_CALLS),
                (handled("aigc-gateway", "WriteEvents"), 1),
                (handled("aigc-gateway", "GetProductCards", "Unauthenticated"), 1),
                ('sum(aigc_gateway_backend_calls_total{job="aigc-gateway",backend="imagegen",'
                 'code="OK"})', IMAGE_CALLS),
                ('sum(aigc_gateway_backend_calls_total{job="aigc-gateway",'
                 'backend="copywriter",code="OK"})', COPY_CALLS),
                ('sum(aigc_gateway_backend_calls_total{job="aigc-gateway",'
                 'backend="recommender",code="OK"})', 1),
                (handled("aigc-imagegen", "Generate"), IMAGE_CALLS),
                (handled("aigc-copywriter", "GenerateCopy"), COPY_CALLS),
                (handled("aigc-recommender", "WriteEvents"), 1),
                ('sum(aigc_imagegen_images_total{job="aigc-imagegen"})', images)):
            with self.subTest(promql):
                self.assertEqual(self.eventually(promql, expected, deadline), expected)


def main():
    global ARGS
    parser = argparse.ArgumentParser(description=__doc__)
    for flag in ("protoc", "grpc_python_plugin", "protos", "recommender", "copywriter",
                 "imagegen", "gateway", "models", "prometheus"):
        parser.add_argument(f"--{flag}", required=True)
    ARGS = parser.parse_args()
    interop_test.ARGS = ARGS  # generate_stubs reads the protoc, plugin and protos from it
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="aigc-stubs-") as out_dir:
        interop_test.generate_stubs(out_dir)
        result = unittest.main(argv=[sys.argv[0], "-v"], exit=False).result
    run = result.testsRun
    # A failed subtest is reported under its test.
    failed = len({getattr(test, "test_case", test).id()
                  for test, _ in result.failures + result.errors})
    print(f"{run - failed} passed, {failed} failed in {time.monotonic() - started:.1f} s")
    sys.exit(0 if result.wasSuccessful() and run > 0 else 1)


if __name__ == "__main__":
    main()
