//! `kwar-bench-snapshot OUT.tar.gz [PODS]`: writes a deterministic cluster snapshot bundle
//! with PODS pods (default 10,000) for the benchmark of `kwar scan SNAPSHOT` (issue 4: a
//! 10k-pod snapshot reviewed in ≤ 3 s on 2 cores). The cluster is shaped like a busy EKS
//! cluster: 40 pods per node over 3 zones, Deployments of 5 replicas with their ReplicaSets and
//! Pods (with status), a Service, an HPA and a PDB per Deployment, namespaces of 50
//! Deployments with LimitRanges, events, and the usual kube-system add-ons.

use std::path::PathBuf;

use kwar_snapshot::{list_document, resource_file_path, write_tar_gz, Bundle, BundleFile};
use serde_json::{json, Value};

const PODS_PER_DEPLOYMENT: usize = 5;
const PODS_PER_NODE: usize = 40;
const DEPLOYMENTS_PER_NAMESPACE: usize = 50;

fn main() {
    let mut args = std::env::args().skip(1);
    let (Some(out), pods) = (args.next(), args.next()) else {
        eprintln!("usage: kwar-bench-snapshot OUT.tar.gz [PODS]");
        std::process::exit(2);
    };
    let pods: usize = pods.map_or(10_000, |p| p.parse().expect("PODS is a number"));
    let bundle = cluster(pods);
    write_tar_gz(&bundle, &PathBuf::from(&out)).unwrap_or_else(|e| {
        eprintln!("{e}");
        std::process::exit(2);
    });
    let objects: usize = bundle
        .files
        .iter()
        .map(|f| f.bytes.iter().filter(|&&b| b == b'\n').count())
        .sum();
    eprintln!("wrote {out}: {pods} pods, about {objects} objects");
}

struct Resource {
    group: &'static str,
    version: &'static str,
    resource: &'static str,
    kind: &'static str,
    namespaced: bool,
    items: Vec<Value>,
}

fn resource(
    group: &'static str,
    version: &'static str,
    resource: &'static str,
    kind: &'static str,
    namespaced: bool,
) -> Resource {
    Resource {
        group,
        version,
        resource,
        kind,
        namespaced,
        items: Vec::new(),
    }
}

fn api_version(group: &str, version: &str) -> String {
    if group.is_empty() {
        version.to_string()
    } else {
        format!("{group}/{version}")
    }
}

fn cluster(pods: usize) -> Bundle {
    let deployments = pods.div_ceil(PODS_PER_DEPLOYMENT);
    let nodes = pods.div_ceil(PODS_PER_NODE).max(3);
    let zones = ["eu-west-1a", "eu-west-1b", "eu-west-1c"];
    let mut r_nodes = resource("", "v1", "nodes", "Node", false);
    let mut r_namespaces = resource("", "v1", "namespaces", "Namespace", false);
    let mut r_pods = resource("", "v1", "pods", "Pod", true);
    let mut r_services = resource("", "v1", "services", "Service", true);
    let mut r_events = resource("", "v1", "events", "Event", true);
    let mut r_limits = resource("", "v1", "limitranges", "LimitRange", true);
    let mut r_deployments = resource("apps", "v1", "deployments", "Deployment", true);
    let mut r_replicasets = resource("apps", "v1", "replicasets", "ReplicaSet", true);
    let mut r_daemonsets = resource("apps", "v1", "daemonsets", "DaemonSet", true);
    let mut r_hpas = resource(
        "autoscaling",
        "v2",
        "horizontalpodautoscalers",
        "HorizontalPodAutoscaler",
        true,
    );
    let mut r_pdbs = resource(
        "policy",
        "v1",
        "poddisruptionbudgets",
        "PodDisruptionBudget",
        true,
    );

    for n in 0..nodes {
        r_nodes.items.push(json!({
            "metadata": {"name": format!("ip-10-0-{}-{}.eu-west-1.compute.internal", n / 250, n % 250),
                "labels": {"topology.kubernetes.io/zone": zones[n % 3], "node.kubernetes.io/instance-type": "m6i.2xlarge",
                    "eks.amazonaws.com/nodegroup": "general", "eks.amazonaws.com/capacityType": "ON_DEMAND",
                    "kubernetes.io/os": "linux"}},
            "spec": {"providerID": format!("aws:///{}/i-0{n:016x}", zones[n % 3])},
            "status": {"conditions": [
                {"type": "MemoryPressure", "status": "False"}, {"type": "DiskPressure", "status": "False"},
                {"type": "PIDPressure", "status": "False"}, {"type": "Ready", "status": "True", "reason": "KubeletReady"}],
                "allocatable": {"cpu": "7910m", "memory": "31482128Ki", "pods": "58"},
                "nodeInfo": {"kubeletVersion": "v1.31.4-eks-aeac579", "osImage": "Amazon Linux 2023.6.20241121",
                    "containerRuntimeVersion": "containerd://1.7.23", "kernelVersion": "6.1.115-126.197.amzn2023.x86_64"}}
        }));
    }
    for d in 0..deployments {
        let ns = format!("team-{:03}", d / DEPLOYMENTS_PER_NAMESPACE);
        if d % DEPLOYMENTS_PER_NAMESPACE == 0 {
            r_namespaces
                .items
                .push(json!({"metadata": {"name": ns, "labels": {
                "pod-security.kubernetes.io/enforce": "restricted", "team": ns}}}));
            r_limits.items.push(json!({"metadata": {"name": "defaults", "namespace": ns},
                "spec": {"limits": [{"type": "Container", "default": {"memory": "256Mi"}, "defaultRequest": {"cpu": "100m", "memory": "128Mi"}}]}}));
        }
        let app = format!("svc-{d:05}");
        let labels = json!({"app.kubernetes.io/name": app, "app.kubernetes.io/part-of": ns});
        let container = json!({
            "name": "app", "image": format!("123456789012.dkr.ecr.eu-west-1.amazonaws.com/{app}:1.{}.0", d % 20),
            "ports": [{"containerPort": 8080, "name": "http", "protocol": "TCP"}],
            "resources": {"requests": {"cpu": "100m", "memory": "128Mi"}, "limits": {"memory": "256Mi"}},
            "readinessProbe": {"httpGet": {"path": "/ready", "port": 8080}, "periodSeconds": 10},
            "livenessProbe": {"httpGet": {"path": "/live", "port": 8080}, "periodSeconds": 10, "failureThreshold": 3},
            "securityContext": {"runAsNonRoot": true, "allowPrivilegeEscalation": false, "readOnlyRootFilesystem": true,
                "capabilities": {"drop": ["ALL"]}}
        });
        let template = json!({"metadata": {"labels": labels},
            "spec": {"containers": [container], "securityContext": {"seccompProfile": {"type": "RuntimeDefault"}},
                "topologySpreadConstraints": [{"maxSkew": 1, "topologyKey": "topology.kubernetes.io/zone",
                    "whenUnsatisfiable": "ScheduleAnyway", "labelSelector": {"matchLabels": labels}}]}});
        r_deployments.items.push(json!({
            "metadata": {"name": app, "namespace": ns, "labels": labels, "generation": 3},
            "spec": {"replicas": PODS_PER_DEPLOYMENT, "selector": {"matchLabels": labels}, "template": template,
                "strategy": {"type": "RollingUpdate", "rollingUpdate": {"maxUnavailable": "25%", "maxSurge": "25%"}}},
            "status": {"replicas": PODS_PER_DEPLOYMENT, "readyReplicas": PODS_PER_DEPLOYMENT,
                "availableReplicas": PODS_PER_DEPLOYMENT, "observedGeneration": 3}
        }));
        let rs = format!("{app}-7d9f8b6c4");
        r_replicasets.items.push(json!({
            "metadata": {"name": rs, "namespace": ns, "labels": labels,
                "ownerReferences": [{"apiVersion": "apps/v1", "kind": "Deployment", "name": app, "uid": format!("d-{d}"), "controller": true}]},
            "spec": {"replicas": PODS_PER_DEPLOYMENT, "selector": {"matchLabels": labels}, "template": template},
            "status": {"replicas": PODS_PER_DEPLOYMENT, "readyReplicas": PODS_PER_DEPLOYMENT}
        }));
        for p in 0..PODS_PER_DEPLOYMENT {
            let index = d * PODS_PER_DEPLOYMENT + p;
            if index >= pods {
                break;
            }
            let mut spec = template["spec"].clone();
            spec["nodeName"] =
                r_nodes.items[(index / PODS_PER_NODE) % nodes]["metadata"]["name"].clone();
            r_pods.items.push(json!({
                "metadata": {"name": format!("{rs}-{p:05x}"), "namespace": ns, "labels": labels,
                    "ownerReferences": [{"apiVersion": "apps/v1", "kind": "ReplicaSet", "name": rs, "uid": format!("rs-{d}"), "controller": true}]},
                "spec": spec,
                "status": {"phase": "Running", "qosClass": "Burstable",
                    "conditions": [{"type": "Ready", "status": "True"}, {"type": "ContainersReady", "status": "True"}],
                    "containerStatuses": [{"name": "app", "ready": true, "restartCount": index % 3, "started": true,
                        "state": {"running": {"startedAt": "2026-11-20T10:00:06Z"}}, "lastState": {},
                        "image": format!("{app}:1.0"), "imageID": "sha256:0"}]}
            }));
        }
        r_services.items.push(json!({"metadata": {"name": app, "namespace": ns},
            "spec": {"type": "ClusterIP", "selector": labels, "ports": [{"port": 80, "targetPort": "http"}]}}));
        r_hpas.items.push(json!({"metadata": {"name": app, "namespace": ns},
            "spec": {"scaleTargetRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": app}, "minReplicas": 3,
                "maxReplicas": 10, "metrics": [{"type": "Resource", "resource": {"name": "cpu", "target": {"type": "Utilization", "averageUtilization": 70}}}]},
            "status": {"currentReplicas": PODS_PER_DEPLOYMENT, "desiredReplicas": PODS_PER_DEPLOYMENT,
                "conditions": [{"type": "AbleToScale", "status": "True"}, {"type": "ScalingActive", "status": "True"}]}}));
        r_pdbs.items.push(json!({"metadata": {"name": app, "namespace": ns},
            "spec": {"maxUnavailable": 1, "selector": {"matchLabels": labels}},
            "status": {"disruptionsAllowed": 1, "currentHealthy": PODS_PER_DEPLOYMENT, "desiredHealthy": PODS_PER_DEPLOYMENT - 1}}));
        r_events.items.push(json!({"metadata": {"name": format!("{rs}.1"), "namespace": ns},
            "involvedObject": {"kind": "ReplicaSet", "name": rs, "namespace": ns}, "reason": "SuccessfulCreate",
            "type": "Normal", "message": format!("Created pod: {rs}-00000"), "count": 1}));
    }
    r_namespaces
        .items
        .push(json!({"metadata": {"name": "kube-system"}}));
    for (name, image) in [
        ("aws-node", "602401143452.dkr.ecr.eu-west-1.amazonaws.com/amazon-k8s-cni:v1.19.0-eksbuild.1"),
        ("kube-proxy", "602401143452.dkr.ecr.eu-west-1.amazonaws.com/eks/kube-proxy:v1.31.2-minimal-eksbuild.3"),
    ] {
        r_daemonsets.items.push(json!({"metadata": {"name": name, "namespace": "kube-system"},
            "spec": {"selector": {"matchLabels": {"k8s-app": name}}, "template": {"metadata": {"labels": {"k8s-app": name}},
                "spec": {"containers": [{"name": name, "image": image}], "hostNetwork": true}}},
            "status": {"desiredNumberScheduled": nodes, "numberReady": nodes}}));
    }

    let all = [
        r_nodes,
        r_namespaces,
        r_pods,
        r_services,
        r_events,
        r_limits,
        r_deployments,
        r_replicasets,
        r_daemonsets,
        r_hpas,
        r_pdbs,
    ];
    let mut files = Vec::new();
    let mut entries = Vec::new();
    for mut r in all {
        for item in &mut r.items {
            item["apiVersion"] = json!(api_version(r.group, r.version));
            item["kind"] = json!(r.kind);
        }
        let path = resource_file_path(r.group, r.version, r.resource);
        entries.push(
            json!({"group": r.group, "version": r.version, "resource": r.resource, "kind": r.kind,
            "namespaced": r.namespaced, "file": path, "items": r.items.len()}),
        );
        files.push(BundleFile::new(path, list_document(&r.items)));
    }
    let header = json!({
        "apiVersion": "kwar.io/v1alpha1", "kind": "Cluster", "metadata": {"name": "bench"},
        "spec": {"complete": true, "source": "snapshot", "collectedAt": "2026-11-28T00:00:00Z",
            "collector": {"name": "kwar-bench-snapshot", "version": env!("CARGO_PKG_VERSION")},
            "server": {"gitVersion": "v1.31.4-eks-2d5f260", "major": "1", "minor": "31", "platform": "linux/amd64"},
            "redactions": {"secretValues": true, "configMapValues": false},
            "resources": entries}
    });
    let mut bundle_files = vec![BundleFile::new(
        "cluster.json",
        serde_json::to_vec_pretty(&header).expect("JSON"),
    )];
    bundle_files.extend(files);
    Bundle {
        files: bundle_files,
    }
}
