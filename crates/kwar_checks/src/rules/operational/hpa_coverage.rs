use crate::image::ImageRef;
use crate::prelude::*;

declare_check! {
    /// ## What it checks
    /// Stateless Deployments and Argo Rollouts outside the system namespaces are horizontally
    /// autoscaled: a HorizontalPodAutoscaler or a KEDA ScaledObject names them in its
    /// `scaleTargetRef`. It passes when one does and warns when none does.
    ///
    /// Whether a workload has *variable load* cannot be read from a manifest, so the check only
    /// judges workloads that are likely to: those that run 2 or more replicas or that serve
    /// traffic (a Service selects their pods). A single-replica worker that no Service selects
    /// is not judged (unless it is autoscaled, which passes), and a Service that only exposes
    /// metrics ports (names containing `metrics`, or a Service named `*-metrics`) is a scrape
    /// target, not traffic. Deployments that mount a PersistentVolumeClaim or run a datastore
    /// image (redis, memcached, mysql, postgres, mongo, kafka, …) hold state and do not scale
    /// out by adding replicas, and Deployments scaled to `replicas: 0` are parked: none of
    /// them is judged.
    ///
    /// ## Why it matters
    /// A fixed replica count is either too small for the peak (latency, errors, cascading
    /// overload) or too large for the trough (paying for idle pods all day). Horizontal
    /// autoscaling follows the load, and lets the cluster autoscaler or Karpenter give the
    /// freed capacity back.
    ///
    /// ## How to fix
    /// Autoscale stateless workloads with an HPA (or KEDA) on CPU/memory or on a business
    /// metric, with requests set, `minReplicas` >= 2, and `spec.replicas` left out of the
    /// Deployment in Git:
    /// ```yaml
    /// apiVersion: autoscaling/v2
    /// kind: HorizontalPodAutoscaler
    /// metadata: {name: web, namespace: shop}
    /// spec:
    ///   scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}
    ///   minReplicas: 2
    ///   maxReplicas: 10
    ///   metrics:
    ///     - type: Resource
    ///       resource: {name: cpu, target: {type: Utilization, averageUtilization: 70}}
    /// ```
    ///
    /// ## References
    /// - <https://kubernetes.io/docs/concepts/workloads/autoscaling/horizontal-pod-autoscale/>
    /// - <https://docs.aws.amazon.com/eks/latest/best-practices/application.html#_horizontal_pod_autoscaler_hpa>
    "hpa-coverage",
    run
}

fn run(cx: &Context<'_>, out: &mut Outcomes) {
    for (w, object) in cx.app_workloads() {
        if !matches!(w.kind, WorkloadKind::Deployment | WorkloadKind::Rollout) {
            continue;
        }
        if mounts_pvc(w, object) || runs_datastore(w, object) {
            continue;
        }
        if cx.inv.autoscalers_of(w).next().is_some() {
            out.pass(object);
            continue;
        }
        let replicas = w.replicas(object).unwrap_or(1);
        if replicas == 0 {
            continue;
        }
        let serving = cx.inv.services_of(w).find(|s| !metrics_only(s));
        if replicas < 2 && serving.is_none() {
            continue;
        }
        let why = if let Some(svc) = serving {
            format!("serves traffic through Service `{}`", svc.name())
        } else {
            format!("runs {replicas} replicas")
        };
        out.warn(
            Subject::object(object).at("spec.replicas", object.root().at(&["spec", "replicas"])),
            format!(
                "{} `{}` {why} but no HorizontalPodAutoscaler or KEDA ScaledObject scales it",
                object.kind(),
                object.name()
            ),
        );
    }
}

/// Datastores packaged as Deployments (a cache, a local database) hold state in the pod and do
/// not scale out by adding replicas.
const DATASTORES: [&str; 20] = [
    "redis",
    "valkey",
    "keydb",
    "memcached",
    "mysql",
    "mariadb",
    "postgres",
    "postgresql",
    "mongo",
    "mongodb",
    "dynamodb-local",
    "cassandra",
    "elasticsearch",
    "opensearch",
    "zookeeper",
    "kafka",
    "rabbitmq",
    "etcd",
    "clickhouse",
    "influxdb",
];

fn runs_datastore(w: &Workload, object: &Object) -> bool {
    w.app_containers(object).iter().any(|c| {
        c.image().is_some_and(|image| {
            let repo = ImageRef::parse(image).repository;
            let last = repo.rsplit('/').next().unwrap_or(repo);
            DATASTORES.contains(&last)
        })
    })
}

/// A Service that only exposes metrics endpoints (a scrape target, not traffic).
fn metrics_only(svc: &Object) -> bool {
    let ports = svc
        .root()
        .at(&["spec", "ports"])
        .map(Node::items)
        .unwrap_or_default();
    let metric_port = |p: &Node| {
        p.get("name")
            .and_then(Node::as_str)
            .is_some_and(|n| n.contains("metrics") || n == "telemetry")
    };
    svc.name().ends_with("-metrics") || (!ports.is_empty() && ports.iter().all(metric_port))
}

/// Whether the pod template mounts a PersistentVolumeClaim (the workload is stateful).
fn mounts_pvc(w: &Workload, object: &Object) -> bool {
    w.pod_field(object, "volumes")
        .map(Node::items)
        .unwrap_or_default()
        .iter()
        .any(|v| v.get("persistentVolumeClaim").is_some())
}
