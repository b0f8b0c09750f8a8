#!/usr/bin/python3
"""The contracts from a second language.

Generates Python stubs from protos/ with the system protoc and Debian's
grpc_python_plugin, starts every server binary on an ephemeral loopback port,
and drives it with Debian's python3-grpcio: the standard health check, server
reflection, then one RPC of each service through the generated typed stubs.
The recommender is also driven end to end: catalogue, events, a training job
through the admin service, and recommendations that follow a new event; so is
the copywriter, serving the committed model: unary and streamed copy, errors,
and one live Q&A session fed message by message; and the image generator, serving
the committed model: unary and streamed images read as PNG, and bad requests.

Run by ctest (tests/python/CMakeLists.txt) with the paths of the tools and
binaries; run it with /usr/bin/python3, which owns Debian's grpcio.
"""
import argparse
from concurrent import futures
import hashlib
import importlib
import json
import pathlib
import queue
import re
import signal
import struct
import subprocess
import sys
import tempfile
import threading
import time
import unittest
import zlib

import grpc

ARGS = None
STUBS = None
RPC_TIMEOUT_S = 5
START_TIMEOUT_S = 30
# A LiveQA call as a whole, and the wait for any one of its events.
LIVE_CALL_TIMEOUT_S = 60
LIVE_EVENT_TIMEOUT_S = 15


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

    def __init__(self, binary, extra_args=(), port=0):
        self.process = subprocess.Popen(
            [binary, "--host=127.0.0.1", f"--port={port}", "--metrics_port=0", "--drain_timeout=5s",
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
        self.port = int(match.group(1))
        metrics = re.search(r"metrics_port=(\d+)", ready["line"])
        self.metrics_port = int(metrics.group(1)) if metrics else None
        self.channel = grpc.insecure_channel(f"127.0.0.1:{self.port}")

    def stop(self):
        """SIGTERM, then the exit code (SIGKILL after 10 s)."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
        try:
            code = self.process.wait(timeout=10)
            self.process.stdout.close()
            return code
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
    # The committed generator, read only.
    "imagegen": lambda d: [f"--model_repository={ARGS.models}"],
    "gateway": lambda d: [f"--api_keys_file={write_key_file(d)}"],
}


def write_key_file(directory):
    """A key file with one user key (which the generic case never sends)."""
    path = pathlib.Path(directory) / "api_keys.txt"
    path.write_text(f"sha256:{hashlib.sha256(b'aigc_unused').hexdigest()} test user 10 10\n")
    return path


# binary flag, service full name, one RPC, the code a fresh server answers it
# with: the recommender, with no model trained yet, and the copywriter, with
# an empty model repository, UNAVAILABLE; the image generator, serving the
# committed model, OK; the gateway, called without an API key,
# UNAUTHENTICATED, and not ready (NOT_SERVING) while its backends, not started
# here, are down.
CASES = [
    ("recommender", "aigc.recommender.v1.RecommenderService", call_recommend,
     grpc.StatusCode.UNAVAILABLE),
    ("copywriter", "aigc.copywriter.v1.CopywriterService", call_generate_copy,
     grpc.StatusCode.UNAVAILABLE),
    ("imagegen", "aigc.imagegen.v1.ImageGenService", call_generate_image,
     grpc.StatusCode.OK),
    ("gateway", "aigc.gateway.v1.GatewayService", call_product_cards,
     grpc.StatusCode.UNAUTHENTICATED, "NOT_SERVING"),
]


class InteropTest(unittest.TestCase):

    def check_service(self, binary_flag, service, call, expected_code, service_health):
        health_pb = stub_module("grpc.health.v1.health_pb2")
        health_rpc = stub_module("grpc.health.v1.health_pb2_grpc")
        state = tempfile.TemporaryDirectory(prefix=f"aigc-{binary_flag}-")
        self.addCleanup(state.cleanup)
        state_flags = STATE_FLAGS.get(binary_flag, lambda d: [])(state.name)
        server = Server(getattr(ARGS, binary_flag), state_flags)
        try:
            health = health_rpc.HealthStub(server.channel)
            for name, expected in (("", "SERVING"), (service, service_health)):
                response = health.Check(health_pb.HealthCheckRequest(service=name),
                                        timeout=RPC_TIMEOUT_S)
                self.assertEqual(health_pb.HealthCheckResponse.ServingStatus.Name(response.status),
                                 expected, name)
            with self.assertRaises(grpc.RpcError) as raised:
                health.Check(health_pb.HealthCheckRequest(service="no.such.Service"),
                             timeout=RPC_TIMEOUT_S)
            self.assertEqual(raised.exception.code(), grpc.StatusCode.NOT_FOUND)

            self.assertIn(service, list_services_by_reflection(server.channel))

            # The request must reach the service and get its documented code.
            if expected_code == grpc.StatusCode.OK:
                call(server.channel)
            else:
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


class CopywriterServerTest(unittest.TestCase):
    """Starts the copywriter serving the committed model for each test, with
    a typed stub (self.service); the server must exit 0 when stopped."""

    def setUp(self):
        self.pb = stub_module("aigc.copywriter.v1.copywriter_pb2")
        self.common = stub_module("aigc.common.v1.common_pb2")
        rpc = stub_module("aigc.copywriter.v1.copywriter_pb2_grpc")
        self.server = Server(ARGS.copywriter, [f"--model_repository={ARGS.models}"])
        self.service = rpc.CopywriterServiceStub(self.server.channel)

    def tearDown(self):
        self.server.channel.close()
        exit_code = self.server.stop()
        self.assertEqual(exit_code, 0, "".join(self.server.stderr))


class CopywriterEndToEndTest(CopywriterServerTest):
    """A Python client asks the copywriter, serving the committed model, for
    copy about a demo-catalogue product, unary and streamed, and gets the
    documented errors for bad input."""

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


class LiveSession:
    """One LiveQA call whose requests are sent when the test decides and whose
    responses are read, on a thread of their own, as they arrive."""

    _HALF_CLOSE = object()

    def __init__(self, test, service, metadata=()):
        self.test = test
        self.pb = stub_module("aigc.copywriter.v1.copywriter_pb2")
        self.requests = queue.Queue()
        self.responses = queue.Queue()
        self.call = service.LiveQA(self._request_iterator(), timeout=LIVE_CALL_TIMEOUT_S,
                                   metadata=metadata)
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()
        self.ended = False
        # Always let the call and its reader go, whatever the test saw.
        test.addCleanup(self._stop)

    def _request_iterator(self):
        while True:
            request = self.requests.get()
            if request is self._HALF_CLOSE:
                return
            yield request

    def _read(self):
        try:
            for response in self.call:
                self.responses.put(response)
        except grpc.RpcError:
            pass  # the status is read from the call
        self.responses.put(None)

    def _stop(self):
        self.requests.put(self._HALF_CLOSE)
        self.call.cancel()
        self.reader.join(LIVE_EVENT_TIMEOUT_S)

    def send(self, **payload):
        self.requests.put(self.pb.LiveQARequest(**payload))

    def ask(self, question_id, viewer_id, text):
        self.send(question=self.pb.Question(question_id=question_id, viewer_id=viewer_id,
                                            text=text))

    def half_close(self):
        self.requests.put(self._HALF_CLOSE)

    def next(self):
        """The next response; fails the test when none comes in time or the
        call ended."""
        try:
            response = self.responses.get(timeout=LIVE_EVENT_TIMEOUT_S)
        except queue.Empty:
            self.test.fail(f"no LiveQA event within {LIVE_EVENT_TIMEOUT_S} s")
        if response is None:
            self.ended = True
            self.test.fail(f"the LiveQA call ended early: {self.call.code()} {self.call.details()}")
        return response

    def reply(self, question_id):
        """Reads until the reply to question_id is over; returns its started,
        deltas and finished (or rejected) events."""
        events = {"started": None, "deltas": [], "finished": None, "rejected": None}
        while True:
            response = self.next()
            kind = response.WhichOneof("event")
            event = getattr(response, kind)
            if getattr(event, "question_id", None) != question_id:
                continue  # another question's event or an acknowledgement
            if kind == "reply_started":
                events["started"] = event
            elif kind == "reply_delta":
                events["deltas"].append(event.text)
            elif kind == "reply_finished":
                events["finished"] = event
                return events
            elif kind == "question_rejected":
                events["rejected"] = event
                return events

    def wait_for(self, kind):
        """Reads until a response of `kind`; returns that event."""
        while True:
            response = self.next()
            if response.WhichOneof("event") == kind:
                return getattr(response, kind)

    def end(self):
        """Waits for the call to end; returns the responses still unread and
        the status code."""
        rest = []
        while not self.ended:
            try:
                response = self.responses.get(timeout=LIVE_EVENT_TIMEOUT_S)
            except queue.Empty:
                self.test.fail(f"the LiveQA call did not end within {LIVE_EVENT_TIMEOUT_S} s")
            if response is None:
                self.ended = True
            else:
                rest.append(response)
        return rest, self.call.code()


# Prices as a viewer reads them: ¥199, 199元, 199块; not discount mechanics
# (满299减30元, 立减10元, 省20元), which the fact checker leaves alone too.
PRICE_CLAIM = re.compile(
    r"(?<![满减省降\d.])(?:[¥￥$](\d+(?:\.\d+)?)|(\d+(?:\.\d+)?)\s*(?:块钱|元|块|yuan|rmb))")


def stated_prices(text):
    return [float(a or b) for a, b in PRICE_CLAIM.findall(text)]


class LiveQaEndToEndTest(CopywriterServerTest):
    """A Python client runs one live-room Q&A session against the copywriter
    serving the committed model: questions asked one at a time as the test
    decides, replies read as they stream, a product switch, a rejected
    question, a half-close; and a stream that does not start with
    SessionStart."""

    # Replies are sampled; a fixed seed makes them the same on every run.
    SEED = 4

    def knowledge(self, product_id, title, category, price_minor):
        common = self.common
        return self.pb.ProductKnowledge(
            product=common.Product(
                id=product_id, title=title, category=category,
                price=common.Money(amount_minor=price_minor, currency_code="CNY"),
                material="雪纺", colors=["米白"], sizes=["S", "M", "L"], stock_quantity=50),
            shipping_info="48小时内发货，全国包邮")

    def assert_answered(self, reply, question_id, intent, product_id):
        started, finished = reply["started"], reply["finished"]
        self.assertIsNone(reply["rejected"], reply["rejected"])
        self.assertEqual(started.question_id, question_id)
        self.assertEqual(started.intent, intent, started)
        self.assertEqual(started.product_id, product_id)
        self.assertIsNotNone(finished)
        self.assertTrue(finished.text)
        self.assertTrue(finished.aigc_label.ai_generated)
        return started, finished

    def test_live_session_answers_switches_rejects_and_ends_ok(self):
        pb, common = self.pb, self.common
        session = LiveSession(self, self.service)
        session.send(start=pb.SessionStart(
            room_id="py-room", sampling=pb.SamplingParams(seed=self.SEED),
            product_knowledge=self.knowledge("py-a", "法式碎花雪纺连衣裙", common.CATEGORY_DRESS,
                                             19900)))
        started = session.next()
        self.assertEqual(started.WhichOneof("event"), "session_started", started)
        started = started.session_started
        self.assertEqual(started.room_id, "py-room")
        self.assertEqual(started.current_product_id, "py-a")
        self.assertEqual(started.model.name, "copywriter-lm")
        self.assertEqual(started.language, common.LANGUAGE_ZH)
        self.assertGreaterEqual(started.knowledge_version, 1)

        session.ask("py-q1", "viewer-1", "这件多少钱")
        reply = session.reply("py-q1")
        started, finished = self.assert_answered(reply, "py-q1", pb.INTENT_PRICE, "py-a")
        self.assertFalse(started.hand_off_to_human)
        self.assertGreaterEqual(len(reply["deltas"]), 1)
        self.assertIn("199", finished.text)
        self.assertEqual(set(stated_prices(finished.text)), {199.0}, finished.text)
        self.assertTrue(finished.grounding.grounded, finished.grounding)
        self.assertLessEqual(finished.time_to_first_token.ToNanoseconds(),
                             finished.total_latency.ToNanoseconds())

        session.ask("py-q2", "viewer-2", "上次买的开线了，怎么处理")
        started, _ = self.assert_answered(session.reply("py-q2"), "py-q2", pb.INTENT_COMPLAINT,
                                          "py-a")
        self.assertTrue(started.hand_off_to_human)

        session.send(switch_product=pb.SwitchProduct(product_knowledge=self.knowledge(
            "py-b", "加厚毛呢大衣", common.CATEGORY_COAT, 59900)))
        switched = session.wait_for("product_switched")
        self.assertEqual(switched.status.code, 0, switched.status.message)
        self.assertEqual(switched.product_id, "py-b")
        session.ask("py-q3", "viewer-3", "多少钱")
        _, finished = self.assert_answered(session.reply("py-q3"), "py-q3", pb.INTENT_PRICE,
                                           "py-b")
        self.assertNotIn("199", finished.text)
        self.assertLessEqual(set(stated_prices(finished.text)), {599.0}, finished.text)

        session.ask("py-q4", "viewer-4", "")
        rejected = session.reply("py-q4")["rejected"]
        self.assertIsNotNone(rejected)
        self.assertEqual(rejected.status.code, grpc.StatusCode.INVALID_ARGUMENT.value[0])
        self.assertIn("question.text", rejected.status.message)

        # The session goes on; a question still pending at the half-close is
        # answered before the call ends OK.
        session.ask("py-q5", "viewer-5", "什么时候发货")
        session.half_close()
        rest, code = session.end()
        self.assertEqual(code, grpc.StatusCode.OK, session.call.details())
        self.assertTrue(rest, "no reply to the question pending at the half-close")
        kinds = [(r.WhichOneof("event"), getattr(r, r.WhichOneof("event")).question_id)
                 for r in rest]
        self.assertEqual(kinds[0], ("reply_started", "py-q5"), kinds)
        self.assertEqual(kinds[-1], ("reply_finished", "py-q5"), kinds)
        self.assertTrue(rest[-1].reply_finished.text)

    def test_a_stream_not_opened_by_session_start_fails_precondition(self):
        session = LiveSession(self, self.service)
        session.ask("py-q0", "viewer-0", "多少钱")
        rest, code = session.end()
        self.assertEqual(rest, [])
        self.assertEqual(code, grpc.StatusCode.FAILED_PRECONDITION, session.call.details())


class GatewayEndToEndTest(unittest.TestCase):
    """All four binaries, the Python client talking to the gateway only: API
    keys (missing, wrong, non-admin on an admin RPC, over the rate limit),
    product cards composed from the three backends, partial cards while the
    image generator is down, and full ones again after it restarts."""

    USER_KEY, ADMIN_KEY, SLOW_KEY = "aigc_test_user", "aigc_test_admin", "aigc_test_slow"

    def setUp(self):
        self.pb = stub_module("aigc.gateway.v1.gateway_pb2")
        self.rec = stub_module("aigc.recommender.v1.recommender_pb2")
        self.common = stub_module("aigc.common.v1.common_pb2")
        rec_rpc = stub_module("aigc.recommender.v1.recommender_pb2_grpc")
        gateway_rpc = stub_module("aigc.gateway.v1.gateway_pb2_grpc")
        self.dir = tempfile.TemporaryDirectory(prefix="aigc-gateway-e2e-")
        self.addCleanup(self.dir.cleanup)
        keys = pathlib.Path(self.dir.name) / "api_keys.txt"
        # The slow key: a burst of 3, then one call per 1000 s, so that the
        # test's own speed cannot refill it.
        keyring = ((self.USER_KEY, "shop", "user", 1000, 1000),
                   (self.ADMIN_KEY, "ops", "admin", 1000, 1000),
                   (self.SLOW_KEY, "slow", "user", 0.001, 3))
        lines = [f"sha256:{hashlib.sha256(key.encode()).hexdigest()} {client} {role} {rate} {burst}"
                 for key, client, role, rate, burst in keyring]
        keys.write_text("# test keys\n" + "\n".join(lines) + "\n")
        self.servers = {}
        self.start("recommender", ARGS.recommender, [f"--store_path={self.dir.name}/store",
                                                     f"--model_repository={self.dir.name}/models"])
        self.start("copywriter", ARGS.copywriter, [f"--model_repository={ARGS.models}"])
        self.start("imagegen", ARGS.imagegen, [f"--model_repository={ARGS.models}"])
        self.start("gateway", ARGS.gateway, [
            f"--api_keys_file={keys}",
            f"--recommender_target=127.0.0.1:{self.servers['recommender'].port}",
            f"--copywriter_target=127.0.0.1:{self.servers['copywriter'].port}",
            f"--imagegen_target=127.0.0.1:{self.servers['imagegen'].port}",
            "--breaker_open_duration=200ms", f"--audit_log={self.dir.name}/audit.log",
            "--backend_health_interval=200ms"])
        self.gateway = gateway_rpc.GatewayServiceStub(self.servers["gateway"].channel)
        self.admin = gateway_rpc.GatewayAdminServiceStub(self.servers["gateway"].channel)
        self.stock_recommender(rec_rpc.RecommenderServiceStub(self.servers["recommender"].channel))

    def start(self, name, binary, flags, port=0):
        self.servers[name] = Server(binary, flags, port=port)
        self.addCleanup(self.stop, name)

    def stop(self, name):
        server = self.servers.pop(name, None)
        if server is not None:
            server.channel.close()
            self.assertEqual(server.stop(), 0, "".join(server.stderr))

    def stock_recommender(self, recommender):
        """Three fashion items, views, and a popularity model trained through
        the gateway's admin service."""
        rec, common = self.rec, self.common
        items = [common.Product(id=f"sku-{label}-0001", title=title, category=label + 1,
                                price=common.Money(currency_code="CNY", amount_minor=price * 100))
                 for label, title, price in ((3, "法式碎花连衣裙", 199), (7, "白色板鞋", 299),
                                             (8, "通勤托特包", 399))]
        recommender.UpsertItems(rec.UpsertItemsRequest(items=items), timeout=RPC_TIMEOUT_S)
        views = [rec.Event(event_id=f"{user}-{item.id}", user_id=user, item_id=item.id,
                           type=rec.EVENT_TYPE_VIEW)
                 for user in ("u1", "u2", "u3") for item in items]
        recommender.WriteEvents(rec.WriteEventsRequest(events=views), timeout=RPC_TIMEOUT_S)
        job = self.admin.Train(rec.TrainRequest(algorithms=[rec.ALGORITHM_POPULARITY],
                                                evaluate=False),
                               metadata=self.key(self.ADMIN_KEY), timeout=RPC_TIMEOUT_S).job
        for _ in range(600):  # bounded: 60 s
            job = self.admin.GetTrainingJob(rec.GetTrainingJobRequest(job_id=job.job_id),
                                            metadata=self.key(self.ADMIN_KEY),
                                            timeout=RPC_TIMEOUT_S).job
            if job.state not in (rec.JOB_STATE_QUEUED, rec.JOB_STATE_RUNNING):
                break
            time.sleep(0.1)
        self.assertEqual(job.state, rec.JOB_STATE_SUCCEEDED, job.message)

    def gateway_health(self):
        health_pb = stub_module("grpc.health.v1.health_pb2")
        health_rpc = stub_module("grpc.health.v1.health_pb2_grpc")
        response = health_rpc.HealthStub(self.servers["gateway"].channel).Check(
            health_pb.HealthCheckRequest(service="aigc.gateway.v1.GatewayService"),
            timeout=RPC_TIMEOUT_S)
        return health_pb.HealthCheckResponse.ServingStatus.Name(response.status)

    def health_becomes(self, status):
        """Whether the gateway's readiness turns `status` within 10 s (it polls
        its backends every --backend_health_interval)."""
        for _ in range(100):
            if self.gateway_health() == status:
                return True
            time.sleep(0.1)
        return False

    @staticmethod
    def key(key):
        return [("x-api-key", key)]

    def cards(self, key=USER_KEY):
        request = self.pb.GetProductCardsRequest(
            user_id="newcomer", count=3, options=self.pb.CardOptions(image_seed=5))
        return self.gateway.GetProductCards(request, metadata=self.key(key), timeout=10)

    def test_keys_are_checked(self):
        request = self.pb.GetProductCardsRequest(user_id="u1")
        for metadata, code in (([], grpc.StatusCode.UNAUTHENTICATED),
                               (self.key("aigc_wrong"), grpc.StatusCode.UNAUTHENTICATED)):
            with self.assertRaises(grpc.RpcError) as raised:
                self.gateway.GetProductCards(request, metadata=metadata, timeout=RPC_TIMEOUT_S)
            self.assertEqual(raised.exception.code(), code)
        with self.assertRaises(grpc.RpcError) as raised:
            self.admin.ReloadApiKeys(self.pb.ReloadApiKeysRequest(),
                                     metadata=self.key(self.USER_KEY), timeout=RPC_TIMEOUT_S)
        self.assertEqual(raised.exception.code(), grpc.StatusCode.PERMISSION_DENIED)
        bearer = [("authorization", f"Bearer {self.ADMIN_KEY}")]
        reloaded = self.admin.ReloadApiKeys(self.pb.ReloadApiKeysRequest(), metadata=bearer,
                                            timeout=RPC_TIMEOUT_S)
        self.assertEqual((reloaded.key_count, reloaded.admin_key_count), (3, 1))

    def test_every_call_is_audited_without_keys_or_user_ids(self):
        self.cards()
        with self.assertRaises(grpc.RpcError):
            self.cards("aigc_wrong")
        lines = [json.loads(line) for line in
                 (pathlib.Path(self.dir.name) / "audit.log").read_text().splitlines()]
        cards = [line for line in lines if line["method"].endswith("/GetProductCards")]
        self.assertEqual([line["code"] for line in cards], ["OK", "UNAUTHENTICATED"])
        self.assertEqual(cards[0]["client"], "shop")
        self.assertTrue(cards[0]["user"].startswith("u-"))
        self.assertEqual(cards[0]["user"], cards[1]["user"])  # the same pseudonym
        text = (pathlib.Path(self.dir.name) / "audit.log").read_text()
        for secret in (self.USER_KEY, self.ADMIN_KEY, "aigc_wrong", "newcomer"):
            self.assertNotIn(secret, text)

    def test_streams_are_relayed_both_ways(self):
        rec = self.rec
        batches = [rec.RecordEventsRequest(events=[rec.Event(
            event_id=f"stream-{n}", user_id="streamer", item_id="sku-7-0001",
            type=rec.EVENT_TYPE_VIEW)]) for n in range(3)]
        recorded = self.gateway.RecordEvents(iter(batches), metadata=self.key(self.USER_KEY),
                                             timeout=RPC_TIMEOUT_S)
        self.assertEqual(recorded.accepted_count, 3, recorded)

        copy = stub_module("aigc.copywriter.v1.copywriter_pb2")
        session = LiveSession(self, self.gateway, metadata=self.key(self.USER_KEY))
        session.send(start=copy.SessionStart(room_id="gateway-room", product_id="sku-3-0001",
                                             sampling=copy.SamplingParams(seed=3)))
        self.assertEqual(session.next().WhichOneof("event"), "session_started")
        session.ask("gw-q1", "viewer-1", "这件多少钱")
        finished = session.reply("gw-q1")["finished"]
        self.assertIsNotNone(finished)
        self.assertTrue(finished.text)
        session.half_close()
        _, code = session.end()
        self.assertEqual(code, grpc.StatusCode.OK, session.call.details())

        with self.assertRaises(grpc.RpcError) as raised:  # no key: refused before the stream
            self.gateway.RecordEvents(iter(batches), timeout=RPC_TIMEOUT_S)
        self.assertEqual(raised.exception.code(), grpc.StatusCode.UNAUTHENTICATED)

    def test_a_key_over_its_rate_limit_gets_resource_exhausted(self):
        codes = []
        for _ in range(6):  # the slow key allows a burst of 3, then one call per 1000 s
            try:
                self.cards(self.SLOW_KEY)
                codes.append(grpc.StatusCode.OK)
            except grpc.RpcError as error:
                codes.append(error.code())
                retry_after = dict(error.trailing_metadata()).get("retry-after")
        self.assertEqual(codes[:3], [grpc.StatusCode.OK] * 3)
        self.assertEqual(codes[3:], [grpc.StatusCode.RESOURCE_EXHAUSTED] * 3)
        # The whole seconds until the bucket holds a token again: nearly 1000
        # (less the little it refilled while the test ran).
        self.assertGreater(int(retry_after), 900)
        self.assertLessEqual(int(retry_after), 1000)

    def test_cards_are_composed_and_partial_while_a_backend_is_down(self):
        full = self.cards()
        self.assertFalse(full.partial, full)
        self.assertEqual(len(full.cards), 3)
        for card in full.cards:
            self.assertTrue(card.copy.text, card)
            self.assertEqual(card.image.category, card.item.category)
            self.assertEqual(png_chunks(card.image.data)[0][0], "IHDR")
        self.assertEqual(sorted(b.backend for b in full.backend_latencies),
                         ["copywriter", "imagegen", "recommender"])
        self.assertEqual({m.name for m in full.models},
                         {"rec-popularity", "copywriter-lm", "imagegen-generator"})

        self.assertEqual(self.gateway_health(), "SERVING")
        imagegen_port = self.servers["imagegen"].port
        self.stop("imagegen")
        self.assertTrue(self.health_becomes("NOT_SERVING"))
        partial = self.cards()
        self.assertTrue(partial.partial)
        for card in partial.cards:
            self.assertTrue(card.copy.text)
            self.assertFalse(card.HasField("image"))
            self.assertEqual(card.image_status.code, grpc.StatusCode.UNAVAILABLE.value[0])

        self.start("imagegen", ARGS.imagegen, [f"--model_repository={ARGS.models}"],
                   port=imagegen_port)
        self.assertTrue(self.health_becomes("SERVING"))
        for _ in range(100):  # bounded: the breaker's trial call and reconnection, 10 s
            recovered = self.cards()
            if not recovered.partial:
                break
            time.sleep(0.1)
        self.assertFalse(recovered.partial, recovered)
        self.assertEqual([c.image.seed for c in recovered.cards],
                         [c.image.seed for c in full.cards])


class HedgingTest(unittest.TestCase):
    """The gateway hedges Recommend: a Python recommender that answers its
    first call only after seconds, and the next at once, is asked through a
    gateway with --hedge_after=50ms. The answer comes from the second attempt,
    long before the first would have answered, and the first is cancelled."""

    def setUp(self):
        self.rec = stub_module("aigc.recommender.v1.recommender_pb2")
        rec_rpc = stub_module("aigc.recommender.v1.recommender_pb2_grpc")
        gateway_rpc = stub_module("aigc.gateway.v1.gateway_pb2_grpc")
        self.calls, self.cancelled = [], threading.Event()
        test = self

        class SlowFirst(rec_rpc.RecommenderServiceServicer):
            def Recommend(self, request, context):
                test.calls.append(request.user_id)
                if len(test.calls) == 1:
                    context.add_callback(test.cancelled.set)
                    time.sleep(3)
                return test.rec.RecommendResponse(
                    items=[test.rec.RecommendedItem(item_id=f"attempt-{len(test.calls)}", rank=1)])

        self.backend = grpc.server(futures.ThreadPoolExecutor(max_workers=4))
        rec_rpc.add_RecommenderServiceServicer_to_server(SlowFirst(), self.backend)
        backend_port = self.backend.add_insecure_port("127.0.0.1:0")
        self.backend.start()
        self.addCleanup(self.backend.stop, None)
        self.dir = tempfile.TemporaryDirectory(prefix="aigc-hedge-")
        self.addCleanup(self.dir.cleanup)
        keys = pathlib.Path(self.dir.name) / "api_keys.txt"
        keys.write_text(f"sha256:{hashlib.sha256(b'aigc_hedge').hexdigest()} hedge user 100 100\n")
        self.gateway = Server(ARGS.gateway, [f"--api_keys_file={keys}",
                                             f"--recommender_target=127.0.0.1:{backend_port}",
                                             "--hedge_after=50ms"])
        self.addCleanup(self.stop_gateway)
        self.stub = gateway_rpc.GatewayServiceStub(self.gateway.channel)

    def stop_gateway(self):
        self.gateway.channel.close()
        self.assertEqual(self.gateway.stop(), 0, "".join(self.gateway.stderr))

    def test_a_slow_first_attempt_is_overtaken_by_the_hedge(self):
        response = self.stub.Recommend(self.rec.RecommendRequest(user_id="u1"),
                                       metadata=[("x-api-key", "aigc_hedge")], timeout=10)
        # The second attempt's answer, so the caller did not wait for the first.
        self.assertEqual([item.item_id for item in response.items], ["attempt-2"])
        self.assertEqual(self.calls, ["u1", "u1"])
        self.assertTrue(self.cancelled.wait(5), "the slow first attempt was not cancelled")


def png_chunks(data):
    """The (type, payload) chunks of a PNG file, checking the signature and CRCs."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG signature"
    chunks, at = [], 8
    while at < len(data):
        length, kind = struct.unpack(">I4s", data[at:at + 8])
        payload = data[at + 8:at + 8 + length]
        (crc,) = struct.unpack(">I", data[at + 8 + length:at + 12 + length])
        assert crc == zlib.crc32(kind + payload), f"bad CRC in {kind}"
        chunks.append((kind.decode("ascii"), payload))
        at += 12 + length
    return chunks


class ImageGenInteropTest(unittest.TestCase):
    """A Python client asks the image generator (committed model) for images,
    unary and streamed, and reads the PNGs with nothing but the standard
    library: valid chunks, the size asked for, the AIGC label in tEXt, and the
    same pixels for the same seed."""

    def setUp(self):
        self.pb = stub_module("aigc.imagegen.v1.imagegen_pb2")
        rpc = stub_module("aigc.imagegen.v1.imagegen_pb2_grpc")
        self.common = stub_module("aigc.common.v1.common_pb2")
        self.server = Server(ARGS.imagegen, [f"--model_repository={ARGS.models}"])
        self.addCleanup(self.stop)
        self.stub = rpc.ImageGenServiceStub(self.server.channel)

    def stop(self):
        self.server.channel.close()
        self.assertEqual(self.server.stop(), 0, "".join(self.server.stderr))

    def request(self, message, **fields):
        return message(category=self.common.CATEGORY_SNEAKER, count=3, seed=5,
                       size=self.pb.SIZE_56, **fields)

    def test_streamed_and_unary_images_are_the_same_labelled_pngs(self):
        unary = self.stub.Generate(self.request(self.pb.GenerateRequest), timeout=RPC_TIMEOUT_S)
        streamed = {}
        for message in self.stub.GenerateStream(self.request(self.pb.GenerateStreamRequest),
                                                timeout=RPC_TIMEOUT_S):
            self.assertEqual(message.total_count, 3)
            streamed[message.image.index] = message.image
        self.assertEqual(sorted(streamed), [0, 1, 2])
        for image in unary.images:
            chunks = png_chunks(image.data)
            width, height, depth, colour = struct.unpack(">IIBB", chunks[0][1][:10])
            self.assertEqual((chunks[0][0], width, height, depth, colour), ("IHDR", 56, 56, 8, 0))
            texts = dict(payload.split(b"\0", 1) for kind, payload in chunks if kind == "tEXt")
            self.assertEqual(texts[b"AIGC"], b"AI-generated")
            self.assertEqual(texts[b"Seed"], str(image.seed).encode())
            self.assertEqual(texts[b"Category"], b"CATEGORY_SNEAKER")
            pixels = zlib.decompress(b"".join(p for kind, p in chunks if kind == "IDAT"))
            other = png_chunks(streamed[image.index].data)
            self.assertEqual(
                pixels, zlib.decompress(b"".join(p for kind, p in other if kind == "IDAT")))

    def test_bad_requests_name_the_field(self):
        for fields, name in (({"count": 0}, "count"), ({"count": 17}, "count"),
                             ({"category": 0}, "category"), ({"size": 9}, "size")):
            request = self.request(self.pb.GenerateRequest)
            for key, value in fields.items():
                setattr(request, key, value)
            with self.assertRaises(grpc.RpcError) as raised:
                self.stub.Generate(request, timeout=RPC_TIMEOUT_S)
            self.assertEqual(raised.exception.code(), grpc.StatusCode.INVALID_ARGUMENT)
            self.assertIn(f"{name}:", raised.exception.details())


def add_case(binary_flag, service, call, expected_code, service_health="SERVING"):
    def test(self):
        self.check_service(binary_flag, service, call, expected_code, service_health)
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
