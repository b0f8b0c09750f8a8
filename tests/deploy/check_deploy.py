#!/usr/bin/env python3
"""Content checks of deploy/ and docker/, run by tests/deploy/check_deploy.sh.

Reads the manifests that `kubectl kustomize` rendered for deploy/k8s/base and
both overlays, and the files of deploy/ and docker/ themselves. Prints one
"ok"/"FAILED" line per check (with the problems under a failed one) and
exits 1 when any check failed. Needs Debian's python3-yaml and promtool.
"""

import argparse
import json
import pathlib
import re
import subprocess
import sys
from dataclasses import dataclass

import yaml

ROOT = pathlib.Path(__file__).resolve().parents[2]


@dataclass(frozen=True)
class Service:
    grpc_port: int
    metrics_port: int
    health_service: str
    model: bool  # serves a LibTorch model: --device, GPU in the gpu overlay


# The suite's binaries with their default ports (docs/architecture.md).
SERVICES = {
    "gateway": Service(50050, 9101, "aigc.gateway.v1.GatewayService", False),
    "recommender": Service(50051, 9102, "aigc.recommender.v1.RecommenderService", False),
    "copywriter": Service(50052, 9103, "aigc.copywriter.v1.CopywriterService", True),
    "imagegen": Service(50053, 9104, "aigc.imagegen.v1.ImageGenService", True),
}
GPU_SERVICES = {name for name, service in SERVICES.items() if service.model}
SCALED_SERVICES = {"gateway", "copywriter", "imagegen"}  # HPA and PDB; the recommender is one pod
NAMESPACE = "aigc"

# Series the services export (DESIGN.md "Metrics", checked against a running
# binary's /metrics): every metric an alert or a dashboard query names must be
# one of these, so a typo cannot hide in a query that never matches anything.
HISTOGRAMS = {
    "grpc_server_handling_seconds", "aigc_inference_queue_seconds",
    "aigc_inference_compute_seconds", "aigc_inference_batch_size",
    "aigc_generation_time_to_first_token_seconds", "aigc_generation_inter_token_seconds",
}
METRICS = {
    "up", "grpc_server_started_total", "grpc_server_handled_total",
    "grpc_server_msg_received_total", "grpc_server_msg_sent_total",
    "aigc_inference_requests_total", "aigc_model_loaded", "aigc_model_load_failures_total",
    "aigc_generation_tokens_total", "aigc_imagegen_images_total",
    "aigc_copywriter_live_questions_total", "aigc_copywriter_live_sessions",
    "aigc_copywriter_compliance_findings_total", "aigc_recommender_events_total",
    "aigc_recommender_catalogue_items", "aigc_recommender_recommendations_total",
    "process_cpu_seconds_total", "process_resident_memory_bytes",
    "process_virtual_memory_bytes", "process_start_time_seconds", "process_open_fds",
    "process_max_fds",
} | {h + suffix for h in HISTOGRAMS for suffix in ("_bucket", "_sum", "_count")}
METRIC_NAME = re.compile(r"\b((?:aigc|grpc_server|process)_[a-z0-9_]+|up)\b(?=\s*[{\[)])")


def project_version():
    text = (ROOT / "CMakeLists.txt").read_text()
    return re.search(r"project\(\S+\s+VERSION\s+([0-9.]+)", text).group(1)


def load_all(path):
    return [doc for doc in yaml.safe_load_all(pathlib.Path(path).read_text()) if doc]


def by_kind(docs, kind):
    return {doc["metadata"]["name"]: doc for doc in docs if doc["kind"] == kind}


def selects(selector, labels):
    """Whether a label selector (matchLabels / matchExpressions) picks `labels`."""
    if selector is None:
        return False
    for key, value in (selector.get("matchLabels") or {}).items():
        if labels.get(key) != value:
            return False
    for expression in selector.get("matchExpressions") or []:
        key, operator, values = expression["key"], expression["operator"], expression.get("values", [])
        if operator == "In" and labels.get(key) not in values:
            return False
        if operator == "NotIn" and labels.get(key) in values:
            return False
        if operator == "Exists" and key not in labels:
            return False
        if operator == "DoesNotExist" and key in labels:
            return False
    return True


def flag(args, name):
    for arg in args:
        if arg.startswith(f"--{name}="):
            return arg.split("=", 1)[1]
    return None


def pod_labels(deployment):
    return deployment["spec"]["template"]["metadata"]["labels"]


def container(deployment):
    containers = deployment["spec"]["template"]["spec"]["containers"]
    return containers[0]


def env_value(c, name):
    for entry in c.get("env") or []:
        if entry["name"] == name:
            return entry.get("value")
    return None


def gpu_limit(c):
    return (c.get("resources", {}).get("limits") or {}).get("nvidia.com/gpu")


# ---------------------------------------------------------------- checks
# Each takes what it needs and returns a list of problems (empty = ok).

def check_suite_objects(docs, render):
    problems = []
    deployments = by_kind(docs, "Deployment")
    want = {f"aigc-{name}" for name in SERVICES}
    if set(deployments) != want:
        problems.append(f"{render}: Deployments {sorted(deployments)}, want {sorted(want)}")
    for kind in ("Namespace", "ServiceMonitor", "PrometheusRule", "PersistentVolumeClaim"):
        if len(by_kind(docs, kind)) != 1:
            problems.append(f"{render}: want one {kind}, got {len(by_kind(docs, kind))}")
    for doc in docs:
        if doc["kind"] != "Namespace" and doc["metadata"].get("namespace") != NAMESPACE:
            problems.append(f"{render}: {doc['kind']}/{doc['metadata']['name']} not in namespace {NAMESPACE}")

    services = by_kind(docs, "Service")
    for name, service in services.items():
        matched = [d for d in deployments.values() if selects({"matchLabels": service["spec"]["selector"]},
                                                               pod_labels(d))]
        if len(matched) != 1:
            problems.append(f"{render}: Service/{name} selects {len(matched)} Deployments, want 1")
    hpas = by_kind(docs, "HorizontalPodAutoscaler")
    pdbs = by_kind(docs, "PodDisruptionBudget")
    for name in SERVICES:
        deployment = deployments.get(f"aigc-{name}")
        if deployment is None:
            continue
        scaled_by = [h for h in hpas.values() if h["spec"]["scaleTargetRef"]["name"] == f"aigc-{name}"]
        budgets = [p for p in pdbs.values() if selects(p["spec"]["selector"], pod_labels(deployment))]
        if name in SCALED_SERVICES:
            if len(scaled_by) != 1:
                problems.append(f"{render}: aigc-{name} has {len(scaled_by)} HPAs, want 1")
            elif "replicas" in deployment["spec"]:
                problems.append(f"{render}: aigc-{name} sets replicas although its HPA owns them")
            if len(budgets) != 1:
                problems.append(f"{render}: aigc-{name} has {len(budgets)} PodDisruptionBudgets, want 1")
        elif scaled_by or budgets:
            problems.append(f"{render}: aigc-{name} (one pod, one RocksDB writer) must have no HPA or PDB")
        # The ServiceMonitor reaches the pod's metrics through a Service
        # that it selects and that has a port named "metrics".
        monitor = next(iter(by_kind(docs, "ServiceMonitor").values()), None)
        if monitor is not None:
            scraped = [s for s in services.values()
                       if selects(monitor["spec"]["selector"], s["metadata"].get("labels", {}))
                       and selects({"matchLabels": s["spec"]["selector"]}, pod_labels(deployment))
                       and any(p.get("name") == "metrics" for p in s["spec"]["ports"])]
            if len(scraped) != 1:
                problems.append(f"{render}: aigc-{name}'s metrics are scraped through {len(scraped)} "
                                "Services, want 1")
            job = [s["metadata"]["labels"].get(monitor["spec"].get("jobLabel", "")) for s in scraped]
            if job and job != [f"aigc-{name}"]:
                problems.append(f"{render}: job label of aigc-{name}'s metrics would be {job}, "
                                f"want aigc-{name} (as deploy/prometheus/prometheus.yml)")
    return problems


def check_containers(docs, render, version):
    problems = []
    for name, service in SERVICES.items():
        deployment = by_kind(docs, "Deployment").get(f"aigc-{name}")
        if deployment is None:
            continue
        where = f"{render}: aigc-{name}"
        c = container(deployment)
        args = c.get("args") or []
        ports = {p.get("name"): p["containerPort"] for p in c.get("ports", [])}
        if flag(args, "host") != "0.0.0.0":
            problems.append(f"{where}: --host must be 0.0.0.0 (probes and peers come from outside the pod)")
        if flag(args, "port") != str(service.grpc_port) or ports.get("grpc") != service.grpc_port:
            problems.append(f"{where}: --port and containerPort grpc must be {service.grpc_port}")
        if flag(args, "metrics_port") != str(service.metrics_port) or ports.get("metrics") != service.metrics_port:
            problems.append(f"{where}: --metrics_port and containerPort metrics must be {service.metrics_port}")
        for probe_name in ("startupProbe", "livenessProbe", "readinessProbe"):
            probe = c.get(probe_name) or {}
            grpc = probe.get("grpc")
            if not grpc or grpc.get("port") != service.grpc_port:
                problems.append(f"{where}: {probe_name} must be a gRPC probe of port {service.grpc_port}")
        readiness = (c.get("readinessProbe") or {}).get("grpc") or {}
        if readiness.get("service") != service.health_service:
            problems.append(f"{where}: readinessProbe must ask about {service.health_service}")
        if ((c.get("livenessProbe") or {}).get("grpc") or {}).get("service"):
            problems.append(f"{where}: livenessProbe must ask about the whole server (no service): "
                            "a model still loading is not a reason to restart")
        resources = c.get("resources") or {}
        if not {"cpu", "memory"} <= set(resources.get("requests") or {}) or \
                "memory" not in (resources.get("limits") or {}):
            problems.append(f"{where}: needs cpu and memory requests and a memory limit")
        for arg in args:
            for variable in re.findall(r"\$\((\w+)\)", arg):
                if env_value(c, variable) is None:
                    problems.append(f"{where}: {arg} names ${variable}, which env does not set")
        if service.model and flag(args, "model_repository") is None:
            problems.append(f"{where}: --model_repository is not set")
        if service.model and flag(args, "intra_op_threads") is None:
            problems.append(f"{where}: --intra_op_threads is not set (LibTorch would use every node core)")
        image, _, tag = c["image"].rpartition(":")
        if image != f"aigc/{name}" or tag not in (version, f"{version}-cuda"):
            problems.append(f"{where}: image {c['image']}, want aigc/{name}:{version}[-cuda]")
    gateway = by_kind(docs, "Deployment").get("aigc-gateway")
    if gateway is not None:
        args = container(gateway).get("args") or []
        for name in ("recommender", "copywriter", "imagegen"):
            want = f"aigc-{name}:{SERVICES[name].grpc_port}"
            if flag(args, f"{name}_target") != want:
                problems.append(f"{render}: gateway --{name}_target must be {want} (its headless Service)")
    for name in ("recommender", "copywriter", "imagegen"):
        service = by_kind(docs, "Service").get(f"aigc-{name}")
        if service is None or service["spec"].get("clusterIP") != "None":
            problems.append(f"{render}: Service aigc-{name} must be headless (client-side round robin)")
    return problems


def check_network_policy(docs, render):
    """Default deny; only the gateway's gRPC port open to any peer."""
    problems = []
    policies = list(by_kind(docs, "NetworkPolicy").values())
    if not any(p["spec"]["podSelector"] in ({}, None) or
               (not p["spec"]["podSelector"].get("matchExpressions") and
                set(p["spec"]["podSelector"].get("matchLabels", {})) <= {"app.kubernetes.io/part-of"})
               for p in policies if "ingress" not in p["spec"] and "Ingress" in p["spec"]["policyTypes"]):
        problems.append(f"{render}: no default-deny ingress NetworkPolicy")
    for name, deployment in by_kind(docs, "Deployment").items():
        labels = pod_labels(deployment)
        mine = [p for p in policies if selects(p["spec"]["podSelector"], labels)
                or p["spec"]["podSelector"] == {}]
        open_ports = {str(port.get("port"))
                      for p in mine for rule in p["spec"].get("ingress") or [] if not rule.get("from")
                      for port in rule.get("ports") or [{"port": "*"}]}
        want = {"grpc"} if name == "aigc-gateway" else set()
        if open_ports != want:
            problems.append(f"{render}: {name} is open to every peer on ports {sorted(open_ports)}, "
                            f"want {sorted(want)}")
        if name != "aigc-gateway":
            peers = [peer for p in mine for rule in p["spec"].get("ingress") or []
                     for peer in rule.get("from") or []
                     if any(str(port.get("port")) == "grpc" for port in rule.get("ports") or [])]
            gateway_labels = pod_labels(by_kind(docs, "Deployment")["aigc-gateway"])
            if not peers or not all("namespaceSelector" not in peer and selects(peer.get("podSelector"),
                                                                                   gateway_labels)
                                    for peer in peers):
                problems.append(f"{render}: {name}'s gRPC port must admit the gateway's pods only")
    return problems


def check_overlay_devices(docs, render):
    problems = []
    for name in SERVICES:
        deployment = by_kind(docs, "Deployment").get(f"aigc-{name}")
        if deployment is None:
            continue
        c = container(deployment)
        pod = deployment["spec"]["template"]["spec"]
        device = env_value(c, "AIGC_DEVICE") or flag(c.get("args") or [], "device")
        where = f"{render}: aigc-{name}"
        if render == "gpu" and name in GPU_SERVICES:
            if str(gpu_limit(c)) != "1":
                problems.append(f"{where}: needs limits nvidia.com/gpu: 1, has {gpu_limit(c)}")
            if not pod.get("nodeSelector"):
                problems.append(f"{where}: needs a nodeSelector for GPU nodes")
            if not any(t.get("key") == "nvidia.com/gpu" for t in pod.get("tolerations") or []):
                problems.append(f"{where}: needs a toleration of the nvidia.com/gpu taint")
            if device != "cuda":
                problems.append(f"{where}: device {device}, want cuda")
            if not c["image"].endswith("-cuda"):
                problems.append(f"{where}: image {c['image']} is not a CUDA image")
        else:
            if gpu_limit(c) is not None:
                problems.append(f"{where}: asks for a GPU")
            if c["image"].endswith("-cuda"):
                problems.append(f"{where}: image {c['image']} is a CUDA image")
            if render != "base" and SERVICES[name].model and device != "cpu":
                problems.append(f"{where}: device {device}, want cpu")
    return problems


def check_rules_in_sync(docs):
    rule = next(iter(by_kind(docs, "PrometheusRule").values()), None)
    alerts = yaml.safe_load((ROOT / "deploy/prometheus/alerts.yml").read_text())
    if rule is None or rule["spec"]["groups"] != alerts["groups"]:
        return ["deploy/k8s/base/prometheus-rule.yaml differs from deploy/prometheus/alerts.yml: "
                "run tests/deploy/check_deploy.sh --sync-rules"]
    return []


def unknown_metrics(expr):
    return sorted({name for name in METRIC_NAME.findall(expr) if name not in METRICS})


def check_alert_metrics():
    problems = []
    alerts = yaml.safe_load((ROOT / "deploy/prometheus/alerts.yml").read_text())
    for group in alerts["groups"]:
        for rule in group["rules"]:
            for name in unknown_metrics(rule["expr"]):
                problems.append(f"alert {rule.get('alert')}: unknown metric {name}")
            for key in ("summary", "description"):
                if not rule.get("annotations", {}).get(key):
                    problems.append(f"alert {rule.get('alert')}: no {key}")
            if rule.get("labels", {}).get("severity") not in ("critical", "warning"):
                problems.append(f"alert {rule.get('alert')}: severity must be critical or warning")
    return problems


def dashboard_targets(dashboard):
    for panel in dashboard["panels"]:
        for inner in [panel] + panel.get("panels", []):
            for target in inner.get("targets", []):
                yield inner, target


def check_dashboard(work):
    dashboard = json.loads((ROOT / "deploy/grafana/aigc-dashboard.json").read_text())
    problems = []
    ids = [p["id"] for p in dashboard["panels"]]
    if len(ids) != len(set(ids)):
        problems.append("dashboard: panel ids repeat")
    if not dashboard.get("uid"):
        problems.append("dashboard: no uid")
    # Every query must be PromQL that parses: promtool checks them as
    # recording rules, with Grafana's variables replaced by values.
    rules = []
    for panel, target in dashboard_targets(dashboard):
        expr = target["expr"]
        for name in unknown_metrics(expr):
            problems.append(f"dashboard panel {panel['title']!r}: unknown metric {name}")
        concrete = expr.replace("$__rate_interval", "1m").replace("$job", "aigc-.+")
        if "$" in concrete:
            problems.append(f"dashboard panel {panel['title']!r}: unknown variable in {expr}")
        rules.append({"record": f"dashboard:panel_{panel['id']}:{target['refId'].lower()}", "expr": concrete})
    wanted = ["grpc_server_started_total", "grpc_server_handled_total", "grpc_server_handling_seconds_bucket",
              "aigc_inference_batch_size", "aigc_inference_queue_seconds_bucket",
              "aigc_inference_compute_seconds_bucket", "aigc_generation_tokens_total",
              "aigc_imagegen_images_total"]
    every_expr = " ".join(rule["expr"] for rule in rules)
    for name in wanted:
        if name not in every_expr:
            problems.append(f"dashboard: no panel shows {name}")
    rules_file = pathlib.Path(work) / "dashboard_rules.yml"
    rules_file.write_text(yaml.safe_dump({"groups": [{"name": "dashboard", "rules": rules}]}))
    result = subprocess.run(["promtool", "check", "rules", str(rules_file)], capture_output=True, text=True)
    if result.returncode != 0:
        problems.append("dashboard queries are not valid PromQL:\n" + result.stdout + result.stderr)
    return problems


def dockerfile_stages(path):
    return set(re.findall(r"^FROM\s+\S+\s+AS\s+(\S+)", path.read_text(), re.MULTILINE | re.IGNORECASE))


def check_compose(version):
    compose = yaml.safe_load((ROOT / "deploy/compose.yaml").read_text())
    services = compose["services"]
    problems = []
    missing = (set(SERVICES) | {"prometheus"}) - set(services)
    if missing:
        problems.append(f"compose: services {sorted(missing)} missing")
    stages = dockerfile_stages(ROOT / "docker/Dockerfile")
    for name, service in SERVICES.items():
        entry = services.get(name)
        if entry is None:
            continue
        build = entry.get("build") or {}
        if (ROOT / "deploy" / build.get("context", "") / build.get("dockerfile", "")).resolve() != \
                (ROOT / "docker/Dockerfile").resolve():
            problems.append(f"compose {name}: build must be docker/Dockerfile from the repository root")
        if build.get("target") not in stages:
            problems.append(f"compose {name}: build target {build.get('target')} is not a stage of docker/Dockerfile")
        if entry.get("image") != f"aigc/{name}:{version}":
            problems.append(f"compose {name}: image {entry.get('image')}, want aigc/{name}:{version}")
        if entry.get("network_mode") != "host":
            problems.append(f"compose {name}: network_mode must be host (prometheus.yml scrapes 127.0.0.1)")
        command = entry.get("command") or []
        if (flag(command, "host"), flag(command, "port"), flag(command, "metrics_port")) != \
                ("127.0.0.1", str(service.grpc_port), str(service.metrics_port)):
            problems.append(f"compose {name}: want --host=127.0.0.1 --port={service.grpc_port} "
                            f"--metrics_port={service.metrics_port}")
        test = " ".join((entry.get("healthcheck") or {}).get("test") or [])
        if f"--target=127.0.0.1:{service.grpc_port}" not in test or \
                f"--service={service.health_service}" not in test:
            problems.append(f"compose {name}: healthcheck must probe {service.health_service} "
                            f"on 127.0.0.1:{service.grpc_port}")
        if service.model and flag(command, "device") != "cpu":
            problems.append(f"compose {name}: --device=cpu (the images of docker/Dockerfile are CPU-only)")
    gateway_command = (services.get("gateway") or {}).get("command") or []
    for name in ("recommender", "copywriter", "imagegen"):
        if flag(gateway_command, f"{name}_target") != f"127.0.0.1:{SERVICES[name].grpc_port}":
            problems.append(f"compose gateway: --{name}_target must be 127.0.0.1:{SERVICES[name].grpc_port}")
    for name, entry in services.items():
        for volume in entry.get("volumes") or []:
            source = volume.split(":")[0]
            if source.startswith((".", "/")) and not (ROOT / "deploy" / source).exists():
                problems.append(f"compose {name}: mounts {source}, which does not exist")
    # The local Prometheus scrapes exactly the four metrics ports.
    prometheus = yaml.safe_load((ROOT / "deploy/prometheus/prometheus.yml").read_text())
    targets = {target for job in prometheus["scrape_configs"] if job["job_name"] == "aigc"
               for static in job["static_configs"] for target in static["targets"]}
    want = {f"127.0.0.1:{s.metrics_port}" for s in SERVICES.values()}
    if targets != want:
        problems.append(f"prometheus.yml: scrapes {sorted(targets)}, want {sorted(want)}")
    return problems


def bootstrap_packages():
    text = (ROOT / "scripts/bootstrap.sh").read_text()
    block = re.search(r"^packages=\((.*?)^\)", text, re.MULTILINE | re.DOTALL).group(1)
    packages = set()
    for line in block.splitlines():
        packages.update(line.split("#", 1)[0].split())
    # Packages added on a condition: packages+=(name ...)
    for added in re.findall(r"packages\+=\(([^)]*)\)", text):
        packages.update(added.split())
    return packages


def apt_installs(stage_text):
    """Package names of every `apt-get install` in a Dockerfile stage."""
    joined = stage_text.replace("\\\n", " ")
    packages = set()
    for match in re.finditer(r"apt-get install ([^&\n]*)", joined):
        packages.update(word for word in match.group(1).split() if not word.startswith("-"))
    return packages


def stage_text(dockerfile, stage):
    text = dockerfile.read_text()
    parts = re.split(r"^(?=FROM\s)", text, flags=re.MULTILINE)
    for part in parts:
        if re.match(rf"FROM\s+\S+\s+AS\s+{re.escape(stage)}\s*$", part.splitlines()[0], re.IGNORECASE):
            return part
    return ""


def cmake_executables():
    names = set()
    for cmakelists in ROOT.glob("**/CMakeLists.txt"):
        if cmakelists.relative_to(ROOT).parts[0].startswith("build"):
            continue
        names.update(re.findall(r"add_executable\((\S+)", cmakelists.read_text()))
    return names


def check_dockerfiles(docs_by_render):
    problems = []
    bootstrap = bootstrap_packages()
    executables = cmake_executables()
    download_helpers = {"ca-certificates", "unzip"}
    for dockerfile in (ROOT / "docker/Dockerfile", ROOT / "docker/Dockerfile.cuda"):
        rel = dockerfile.relative_to(ROOT)
        build = stage_text(dockerfile, "build")
        extra = {p for p in apt_installs(build) - bootstrap - download_helpers
                 if not p.startswith("cuda-toolkit-")}
        if extra:
            problems.append(f"{rel}: build stage installs {sorted(extra)}, not in scripts/bootstrap.sh")
        targets = re.search(r"--target\s+((?:[\w-]+\s*)+)", build.replace("\\\n", " "))
        for target in (targets.group(1).split() if targets else []):
            if target not in executables:
                problems.append(f"{rel}: builds {target}, which no CMakeLists.txt defines")
        for source in re.findall(r"^COPY\s+(?!--from)(\S+)\s", dockerfile.read_text(), re.MULTILINE):
            if source != "." and not (ROOT / source).exists():
                problems.append(f"{rel}: COPY {source}, which does not exist")
        if "libopenblas0-pthread" not in dockerfile.read_text() and dockerfile.name == "Dockerfile":
            problems.append(f"{rel}: must install libopenblas0-pthread (LibTorch on the reference BLAS crawls)")
    # Every image the manifests run is a stage of the Dockerfile that makes it.
    stages = {"": dockerfile_stages(ROOT / "docker/Dockerfile"),
              "-cuda": dockerfile_stages(ROOT / "docker/Dockerfile.cuda")}
    for render, docs in docs_by_render.items():
        for deployment in by_kind(docs, "Deployment").values():
            image = container(deployment)["image"]
            name = image.split("/")[-1].split(":")[0]
            variant = "-cuda" if image.endswith("-cuda") else ""
            if name not in stages[variant]:
                problems.append(f"{render}: image {image}: no stage {name} in docker/Dockerfile{variant.replace('-', '.')}")
    return problems


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base", required=True, help="kubectl kustomize deploy/k8s/base output")
    parser.add_argument("--cpu", required=True, help="... of deploy/k8s/overlays/cpu")
    parser.add_argument("--gpu", required=True, help="... of deploy/k8s/overlays/gpu")
    parser.add_argument("--work", required=True, help="a scratch directory")
    args = parser.parse_args()

    version = project_version()
    renders = {"base": load_all(args.base), "cpu": load_all(args.cpu), "gpu": load_all(args.gpu)}
    checks = []
    for render, docs in renders.items():
        checks += [
            (f"{render}: the suite's objects (Deployment x4, Services, HPA, PDB, ServiceMonitor, ...)",
             lambda docs=docs, render=render: check_suite_objects(docs, render)),
            (f"{render}: containers (ports, gRPC probes, resources, images)",
             lambda docs=docs, render=render: check_containers(docs, render, version)),
            (f"{render}: NetworkPolicy (only the gateway's gRPC port open)",
             lambda docs=docs, render=render: check_network_policy(docs, render)),
            (f"{render}: devices and GPU scheduling",
             lambda docs=docs, render=render: check_overlay_devices(docs, render)),
        ]
    checks += [
        ("PrometheusRule = deploy/prometheus/alerts.yml", lambda: check_rules_in_sync(renders["base"])),
        ("alerts name exported metrics, with severity and annotations", check_alert_metrics),
        ("dashboard panels: exported metrics, PromQL (promtool)", lambda: check_dashboard(args.work)),
        ("compose.yaml and prometheus.yml agree with the services", lambda: check_compose(version)),
        ("Dockerfiles: packages in bootstrap.sh, targets, COPY sources, image stages",
         lambda: check_dockerfiles(renders)),
    ]
    failed = 0
    for name, check in checks:
        problems = check()
        if problems:
            failed += 1
            print(f"FAILED  {name}")
            for problem in problems:
                print(f"        {problem}")
        else:
            print(f"ok      {name}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
