#!/usr/bin/python3
"""The contracts from a second language.

Generates Python stubs from protos/ with the system protoc and Debian's
grpc_python_plugin, starts every server binary on an ephemeral loopback port,
and drives it with Debian's python3-grpcio: the standard health check, server
reflection, then one RPC of each service through the generated typed stubs.
The recommender is also driven end to end: catalogue, events, a training job
through the admin service, and recommendations that follow a new event; so is
the copywriter, serving the committed model: unary and streamed copy, errors.

Run by ctest (tests/python/CMakeLists.txt) with the paths of the tools and
binaries; run it with /usr/bin/python3, which owns Debian's grpcio.
"""
import argparse
import importlib
import pathlib
import re
import signal
import subprocess
import sys
import tempfile
import threading
import time
import unittest

import grpc

ARGS = None
STUBS = None
RPC_TIMEOUT_S = 5
START_TIMEOUT_S = 30


# The reflection client's contract lives beside this test (see its header).
TEST_PROTOS = pathlib.Path(__file__).resolve().parent / "protos"


def generate_stubs(out_dir):
    for root in (pathlib.Path(ARGS.protos), TEST_PROTOS):
        files = sorted(str(p.relative_to(root)) for p in root.rglob("*.proto"))
        subprocess.run(
            [ARGS.protoc, f"-I{root}", f"--python_out={out_dir}", f"--grpc_out={out_dir}",
             f"--plugin=protoc-gen-grpc={ARGS.grpc_python_plugin}", *files],
            check=True)
    sys.path.insert(0, out_dir)
    # The generated grpc/health/v1 package sits under the name of the installed
    # grpc package; extend that package's path so both import.
    grpc.__path__.append(str(pathlib.Path(out_dir) / "grpc"))


def stub_module(name):
    return importlib.import_module(name)


class Server:
    """One server binary on ephemeral loopback ports; always stopped."""

    def __init__(self, binary, extra_args=()):
        self.process = subprocess.Popen(
            [binary, "--host=127.0.0.1", "--port=0", "--metrics_port=0", "--drain_timeout=5s",
             *extra_args],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        self.stderr = []
        threading.Thread(target=lambda: self.stderr.extend(self.process.stderr), daemon=True).start()
        ready = {}
        reader = threading.Thread(target=lambda: ready.setdefault("line", self.process.stdout.readline()),
                                  daemon=True)
        reader.start()
        reader.join(START_TIMEOUT_S)
        match = re.search(r"grpc_port=(\d+)", ready.get("line", ""))
        if not match:
            self.stop()
            raise AssertionError(f"{binary} did not print its ready line: {''.join(self.stderr)}")
        self.channel = grpc.insecure_channel(f"127.0.0.1:{match.group(1)}")

    def stop(self):
        """SIGTERM, then the exit code (SIGKILL after 10 s)."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
        try:
            return self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            return self.process.wait()


def call_recommend(channel):
    pb = stub_module("aigc.recommender.v1.recommender_pb2")
    rpc = stub_module("aigc.recommender.v1.recommender_pb2_grpc")
    return rpc.RecommenderServiceStub(channel).Recommend(
        pb.RecommendRequest(user_id="u1"), timeout=RPC_TIMEOUT_S)


def call_generate_copy(channel):
    pb = stub_module("aigc.copywriter.v1.copywriter_pb2")
    rpc = stub_module("aigc.copywriter.v1.copywriter_pb2_grpc")
    common = stub_module("aigc.common.v1.common_pb2")
    request = pb.GenerateCopyRequest(product=common.Product(title="纯棉T恤"))
    return rpc.CopywriterServiceStub(channel).GenerateCopy(request, timeout=RPC_TIMEOUT_S)


def call_generate_image(channel):
    pb = stub_module("aigc.imagegen.v1.imagegen_pb2")
    rpc = stub_module("aigc.imagegen.v1.imagegen_pb2_grpc")
    common = stub_module("aigc.common.v1.common_pb2")
    request = pb.GenerateRequest(category=common.CATEGORY_DRESS, count=1)
    return rpc.ImageGenServiceStub(channel).Generate(request, timeout=RPC_TIMEOUT_S)


def call_product_cards(channel):
    pb = stub_module("aigc.gateway.v1.gateway_pb2")
    rpc = stub_module("aigc.gateway.v1.gateway_pb2_grpc")
    return rpc.GatewayServiceStub(channel).GetProductCards(
        pb.GetProductCardsRequest(user_id="u1"), timeout=RPC_TIMEOUT_S)


def list_services_by_reflection(channel):
    pb = stub_module("grpc.reflection.v1alpha.reflection_pb2")
    rpc = stub_module("grpc.reflection.v1alpha.reflection_pb2_grpc")
    responses = rpc.ServerReflectionStub(channel).ServerReflectionInfo(
        iter([pb.ServerReflectionRequest(list_services="")]), timeout=RPC_TIMEOUT_S)
    return [s.name for r in responses for s in r.list_services_response.service]


# Flags that keep a binary's state in a fresh temporary directory instead of
# the working directory.
STATE_FLAGS = {
    "recommender": lambda d: [f"--store_path={d}/store", f"--model_repository={d}/models"],
    "copywriter": lambda d: [f"--model_repository={d}/models"],
}

# binary flag, service full name, one RPC, the code a fresh server answers it
# with: UNIMPLEMENTED until the service's issue lands; the recommender, with no
# model trained yet, and the copywriter, with an empty model repository,
# UNAVAILABLE.
CASES = [
    ("recommender", "aigc.recommender.v1.RecommenderService", call_recommend,
     grpc.StatusCode.UNAVAILABLE),
    ("copywriter", "aigc.copywriter.v1.CopywriterService", call_generate_copy,
     grpc.StatusCode.UNAVAILABLE),
    ("imagegen", "aigc.imagegen.v1.ImageGenService", call_generate_image,
     grpc.StatusCode.UNIMPLEMENTED),
    ("gateway", "aigc.gateway.v1.GatewayService", call_product_cards,
     grpc.StatusCode.UNIMPLEMENTED),
]


class InteropTest(unittest.TestCase):

    def check_service(self, binary_flag, service, call, expected_code):
        health_pb = stub_module("grpc.health.v1.health_pb2")
        health_rpc = stub_module("grpc.health.v1.health_pb2_grpc")
        state = tempfile.TemporaryDirectory(prefix=f"aigc-{binary_flag}-")
        self.addCleanup(state.cleanup)
        state_flags = STATE_FLAGS.get(binary_flag, lambda d: [])(state.name)
        server = Server(getattr(ARGS, binary_flag), state_flags)
        try:
            health = health_rpc.HealthStub(server.channel)
            for name in ("", service):
                response = health.Check(health_pb.HealthCheckRequest(service=name),
                                        timeout=RPC_TIMEOUT_S)
                self.assertEqual(response.status, health_pb.HealthCheckResponse.SERVING, name)
            with self.assertRaises(grpc.RpcError) as raised:
                health.Check(health_pb.HealthCheckRequest(service="no.such.Service"),
                             timeout=RPC_TIMEOUT_S)
            self.assertEqual(raised.exception.code(), grpc.StatusCode.NOT_FOUND)

            self.assertIn(service, list_services_by_reflection(server.channel))

            # The request must reach the service and get its documented code.
            with self.assertRaises(grpc.RpcError) as raised:
                call(server.channel)
            self.assertEqual(raised.exception.code(), expected_code)
        finally:
            server.channel.close()
            exit_code = server.stop()
        self.assertEqual(exit_code, 0, "".join(server.stderr))


class RecommenderEndToEndTest(unittest.TestCase):
    """A Python client stocks the catalogue, records behaviour, trains models
    through the admin service and gets recommendations that follow a new
    event at once."""

    def setUp(self):
        self.pb = stub_module("aigc.recommender.v1.recommender_pb2")
        self.common = stub_module("aigc.common.v1.common_pb2")
        rpc = stub_module("aigc.recommender.v1.recommender_pb2_grpc")
        self.dir = tempfile.TemporaryDirectory(prefix="aigc-rec-e2e-")
        self.server = Server(ARGS.recommender, [f"--store_path={self.dir.name}/store",
                                                f"--model_repository={self.dir.name}/models"])
        self.service = rpc.RecommenderServiceStub(self.server.channel)
        self.admin = rpc.RecommenderAdminServiceStub(self.server.channel)

    def tearDown(self):
        self.server.channel.close()
        exit_code = self.server.stop()
        self.dir.cleanup()
        self.assertEqual(exit_code, 0, "".join(self.server.stderr))

    def write(self, *views):
        events = [self.pb.Event(event_id=f"{user}-{item}", user_id=user, item_id=item,
                                type=self.pb.EVENT_TYPE_VIEW) for user, item in views]
        response = self.service.WriteEvents(self.pb.WriteEventsRequest(events=events),
                                            timeout=RPC_TIMEOUT_S)
        self.assertEqual(response.accepted_count, len(events), response)

    def recommend(self, user, **fields):
        return self.service.Recommend(
            self.pb.RecommendRequest(user_id=user, algorithm=self.pb.ALGORITHM_ITEM_KNN,
                                     **fields),
            timeout=RPC_TIMEOUT_S)

    def test_recommends_end_to_end(self):
        pb, common = self.pb, self.common
        titles = {"d1": "法式碎花连衣裙", "d2": "真丝吊带裙", "d3": "针织长裙",
                  "s1": "白色板鞋", "s2": "跑步鞋", "s3": "帆布鞋"}
        items = [common.Product(id=id, title=title,
                                category=common.CATEGORY_DRESS if id[0] == "d"
                                else common.CATEGORY_SNEAKER)
                 for id, title in titles.items()]
        upserted = self.service.UpsertItems(pb.UpsertItemsRequest(items=items),
                                            timeout=RPC_TIMEOUT_S)
        self.assertEqual(upserted.created_count, 6)
        self.write(("u1", "d1"), ("u1", "d2"), ("u2", "d2"), ("u2", "d3"), ("u3", "s1"),
                   ("u3", "s2"), ("u4", "s2"), ("u4", "s3"), ("u5", "d1"))

        job = self.admin.Train(pb.TrainRequest(
            algorithms=[pb.ALGORITHM_POPULARITY, pb.ALGORITHM_ITEM_KNN], evaluate=False),
            timeout=RPC_TIMEOUT_S).job
        for _ in range(600):  # bounded: 60 s
            job = self.admin.GetTrainingJob(pb.GetTrainingJobRequest(job_id=job.job_id),
                                            timeout=RPC_TIMEOUT_S).job
            if job.state not in (pb.JOB_STATE_QUEUED, pb.JOB_STATE_RUNNING):
                break
            time.sleep(0.1)
        self.assertEqual(job.state, pb.JOB_STATE_SUCCEEDED, job.message)

        cold = self.recommend("newcomer", count=1)
        self.assertEqual(cold.fallback_reason, pb.FALLBACK_REASON_COLD_START_USER)
        self.assertEqual([i.item_id for i in cold.items], ["d1"])  # the most viewed
        self.assertEqual(cold.items[0].reason, "连衣裙热销")

        self.write(("newcomer", "s1"))
        warm = self.recommend("newcomer", count=1,
                              metadata=common.RequestMetadata(locale="en-US"))
        self.assertEqual(warm.algorithm, pb.ALGORITHM_ITEM_KNN)
        self.assertEqual([i.item_id for i in warm.items], ["s2"])
        self.assertEqual(list(warm.items[0].reason_item_ids), ["s1"])
        self.assertEqual(warm.items[0].reason, "because you viewed 白色板鞋")
        self.assertEqual(warm.model.name, "rec-item-knn")

        similar = self.service.SimilarItems(pb.SimilarItemsRequest(item_id="d2", count=2),
                                            timeout=RPC_TIMEOUT_S)
        self.assertEqual(sorted(i.item_id for i in similar.items), ["d1", "d3"])

        with self.assertRaises(grpc.RpcError) as raised:
            self.recommend("newcomer", count=500)
        self.assertEqual(raised.exception.code(), grpc.StatusCode.INVALID_ARGUMENT)
        self.assertIn("count", raised.exception.details())


class CopywriterEndToEndTest(unittest.TestCase):
    """A Python client asks the copywriter, serving the committed model, for
    copy about a demo-catalogue product, unary and streamed, and gets the
    documented errors for bad input."""

    def setUp(self):
        self.pb = stub_module("aigc.copywriter.v1.copywriter_pb2")
        rpc = stub_module("aigc.copywriter.v1.copywriter_pb2_grpc")
        self.server = Server(ARGS.copywriter, [f"--model_repository={ARGS.models}"])
        self.service = rpc.CopywriterServiceStub(self.server.channel)

    def tearDown(self):
        self.server.channel.close()
        exit_code = self.server.stop()
        self.assertEqual(exit_code, 0, "".join(self.server.stderr))

    def request(self, **fields):
        fields.setdefault("product_id", "sku-3-0001")  # a dress of the demo catalogue
        request = self.pb.GenerateCopyRequest(**fields)
        request.sampling.seed = 1
        request.sampling.max_tokens = 96
        return request

    def test_generate_copy_is_labelled_checked_and_reproducible(self):
        response = self.service.GenerateCopy(self.request(n=2), timeout=RPC_TIMEOUT_S)
        self.assertEqual(len(response.candidates) + response.dropped_count, 2)
        self.assertEqual(response.model.name, "copywriter-lm")
        for candidate in response.candidates:
            self.assertTrue(candidate.text)
            self.assertTrue(candidate.aigc_label.ai_generated)
            self.assertEqual(candidate.aigc_label.label_text, "AI生成")
            self.assertTrue(candidate.compliance.passed, candidate.compliance)
            self.assertLessEqual(candidate.score, 0)
        again = self.service.GenerateCopy(self.request(n=2), timeout=RPC_TIMEOUT_S)
        self.assertEqual([c.text for c in again.candidates], [c.text for c in response.candidates])

    def test_stream_copy_ends_with_the_final_candidate(self):
        stream = self.service.StreamCopy(self.pb.StreamCopyRequest.FromString(
            self.request(language=2).SerializeToString()), timeout=RPC_TIMEOUT_S)
        messages = list(stream)
        self.assertTrue(messages[0].HasField("started"))
        deltas = "".join(m.delta.text for m in messages if m.HasField("delta"))
        finished = [m.candidate_finished for m in messages if m.HasField("candidate_finished")]
        self.assertEqual(len(finished), 1)
        self.assertTrue(finished[0].candidate.text)
        if not finished[0].text_differs_from_deltas:
            self.assertEqual(finished[0].candidate.text, deltas)

    def test_bad_requests_get_the_documented_codes(self):
        with self.assertRaises(grpc.RpcError) as raised:
            self.service.GenerateCopy(self.request(n=9), timeout=RPC_TIMEOUT_S)
        self.assertEqual(raised.exception.code(), grpc.StatusCode.INVALID_ARGUMENT)
        self.assertIn("n", raised.exception.details())
        with self.assertRaises(grpc.RpcError) as raised:
            self.service.GenerateCopy(self.request(product_id="sku-9-9999"), timeout=RPC_TIMEOUT_S)
        self.assertEqual(raised.exception.code(), grpc.StatusCode.NOT_FOUND)


def add_case(binary_flag, service, call, expected_code):
    def test(self):
        self.check_service(binary_flag, service, call, expected_code)
    setattr(InteropTest, f"test_{binary_flag}_health_and_rpc", test)


for case in CASES:
    add_case(*case)


def main():
    global ARGS
    parser = argparse.ArgumentParser(description=__doc__)
    for flag in ("protoc", "grpc_python_plugin", "protos", "recommender", "copywriter",
                 "imagegen", "gateway", "models"):
        parser.add_argument(f"--{flag}", required=True)
    ARGS = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="aigc-stubs-") as out_dir:
        generate_stubs(out_dir)
        result = unittest.main(argv=[sys.argv[0], "-v"], exit=False).result
    run = result.testsRun
    failed = len(result.failures) + len(result.errors)
    print(f"{run - failed} passed, {failed} failed")
    sys.exit(0 if result.wasSuccessful() and run > 0 else 1)


if __name__ == "__main__":
    main()
