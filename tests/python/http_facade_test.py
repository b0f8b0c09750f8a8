#!/usr/bin/python3
"""The gateway's HTTP/JSON façade seen by a client that speaks no gRPC.

Starts the image generator (committed model), the copywriter and a
recommender on ephemeral loopback ports and the gateway in front of them with
--http_port=0, reads the façade's port from the gateway's second ready line,
and drives it with urllib: an image through POST /v1/generate-images (JSON in,
JSON out, the PNG base64-encoded per protobuf's JSON mapping), and the
façade's errors: no key 401, bad JSON 400, unknown path 404, GET 405, a
product-cards request without user_id 400 naming the field.

Reuses interop_test.py's Server class (no stubs: the façade is plain HTTP). Run by ctest
(tests/python/CMakeLists.txt) with the paths of the tools and binaries; run it
with /usr/bin/python3.
"""
import argparse
import base64
import hashlib
import json
import pathlib
import re
import sys
import tempfile
import threading
import time
import unittest
import urllib.error
import urllib.request

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
from interop_test import START_TIMEOUT_S, Server  # noqa: E402

ARGS = None
USER_KEY = "aigc_http_user"
HTTP_TIMEOUT_S = 30
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def read_http_port(server):
    """The port on the gateway's second ready line, "aigc-gateway http_port=N"
    (interop_test.Server reads only the first)."""
    line = {}
    reader = threading.Thread(
        target=lambda: line.setdefault("line", server.process.stdout.readline()), daemon=True)
    reader.start()
    reader.join(START_TIMEOUT_S)
    match = re.search(r"http_port=(\d+)", line.get("line", ""))
    if not match:
        raise AssertionError(f"no http_port line: {line!r} {''.join(server.stderr)}")
    return int(match.group(1))


class HttpFacadeTest(unittest.TestCase):
    """The four binaries, the gateway with its HTTP/JSON façade."""

    @classmethod
    def setUpClass(cls):
        cls.dir = tempfile.TemporaryDirectory(prefix="aigc-http-facade-")
        keys = pathlib.Path(cls.dir.name) / "api_keys.txt"
        keys.write_text(f"sha256:{hashlib.sha256(USER_KEY.encode()).hexdigest()} shop user 1000 "
                        "1000\n")
        cls.servers = {}
        try:
            cls.start("recommender", ARGS.recommender,
                      [f"--store_path={cls.dir.name}/store",
                       f"--model_repository={cls.dir.name}/models"])
            cls.start("copywriter", ARGS.copywriter, [f"--model_repository={ARGS.models}"])
            cls.start("imagegen", ARGS.imagegen, [f"--model_repository={ARGS.models}"])
            cls.start("gateway", ARGS.gateway, [
                f"--api_keys_file={keys}", "--http_port=0",
                *(f"--{name}_target=127.0.0.1:{cls.servers[name].port}"
                  for name in ("recommender", "copywriter", "imagegen"))])
            cls.http_port = read_http_port(cls.servers["gateway"])
        except BaseException:
            cls.tearDownClass()
            raise

    @classmethod
    def start(cls, name, binary, flags):
        cls.servers[name] = Server(binary, flags)

    @classmethod
    def tearDownClass(cls):
        codes = {}
        for name in ("gateway", "imagegen", "copywriter", "recommender"):
            if name in cls.servers:
                server = cls.servers.pop(name)
                server.channel.close()
                codes[name] = (server.stop(), "".join(server.stderr)[-2000:])
        cls.dir.cleanup()
        failed = {name: err for name, (code, err) in codes.items() if code != 0}
        if failed:
            raise AssertionError(f"servers exited non-zero: {failed}")

    def request(self, path, body=None, method="POST", headers=None):
        """(status, headers, body bytes) of one request to the façade."""
        request = urllib.request.Request(
            f"http://127.0.0.1:{self.http_port}{path}", data=body, method=method,
            headers={"content-type": "application/json", **(headers or {})})
        try:
            with urllib.request.urlopen(request, timeout=HTTP_TIMEOUT_S) as response:
                return response.status, response.headers, response.read()
        except urllib.error.HTTPError as error:
            return error.code, error.headers, error.read()

    def post_json(self, path, message, key=USER_KEY):
        headers = {"x-api-key": key} if key else {}
        return self.request(path, json.dumps(message).encode(), headers=headers)

    def assert_error(self, status, headers, body, expected_status, expected_name):
        self.assertEqual(status, expected_status, body)
        self.assertEqual(headers["content-type"], "application/json")
        error = json.loads(body)
        self.assertEqual(error["code"], expected_status, error)
        self.assertEqual(error["status"], expected_name, error)
        return error["message"]

    def test_generate_images_returns_pngs_as_json(self):
        status, headers, body = self.post_json(
            "/v1/generate-images", {"category": "CATEGORY_DRESS", "count": 2, "seed": 7})
        self.assertEqual(status, 200, body)
        self.assertEqual(headers["content-type"], "application/json")
        self.assertTrue(headers["x-request-id"])
        images = json.loads(body)["images"]
        self.assertEqual(len(images), 2)
        for image in images:
            self.assertEqual(base64.b64decode(image["data"])[:8], PNG_SIGNATURE)

    def test_bearer_token_is_accepted_too(self):
        status, _, body = self.request(
            "/v1/generate-images", json.dumps({"category": "CATEGORY_DRESS", "count": 1}).encode(),
            headers={"authorization": f"Bearer {USER_KEY}"})
        self.assertEqual(status, 200, body)

    def test_no_key_is_401(self):
        self.assert_error(*self.post_json("/v1/generate-images", {"count": 1}, key=None),
                          401, "UNAUTHENTICATED")

    def test_bad_json_is_400(self):
        message = self.assert_error(
            *self.request("/v1/generate-images", b"{not json", headers={"x-api-key": USER_KEY}),
            400, "INVALID_ARGUMENT")
        self.assertTrue(message.startswith("body: "), message)
        message = self.assert_error(*self.post_json("/v1/generate-images", {"colour": "red"}),
                                    400, "INVALID_ARGUMENT")
        self.assertIn("colour", message)

    def test_unknown_path_is_404(self):
        self.assert_error(*self.post_json("/v1/no-such-route", {}), 404, "NOT_FOUND")

    def test_get_is_405(self):
        status, headers, body = self.request("/v1/generate-images", method="GET",
                                             headers={"x-api-key": USER_KEY})
        self.assert_error(status, headers, body, 405, "UNIMPLEMENTED")
        self.assertEqual(headers["allow"], "POST")

    def test_product_cards_without_user_id_names_the_field(self):
        message = self.assert_error(*self.post_json("/v1/product-cards", {}),
                                    400, "INVALID_ARGUMENT")
        self.assertTrue(message.startswith("user_id:"), message)


def main():
    global ARGS
    parser = argparse.ArgumentParser(description=__doc__)
    for flag in ("recommender", "copywriter", "imagegen", "gateway", "models"):
        parser.add_argument(f"--{flag}", required=True)
    ARGS = parser.parse_args()
    started = time.monotonic()
    result = unittest.main(argv=[sys.argv[0], "-v"], exit=False).result
    run = result.testsRun
    failed = len(result.failures) + len(result.errors)
    print(f"{run - failed} passed, {failed} failed in {time.monotonic() - started:.1f} s")
    sys.exit(0 if result.wasSuccessful() and run > 0 else 1)


if __name__ == "__main__":
    main()
