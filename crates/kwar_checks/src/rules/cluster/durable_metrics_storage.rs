use crate::prelude::*;

declare_check! {
    /// ## What it checks
    /// Every self-managed Prometheus of the input keeps its metrics somewhere that survives a
    /// pod restart:
    /// - a Prometheus Operator `Prometheus` (`monitoring.coreos.com`) passes with
    ///   `spec.storage.volumeClaimTemplate` (a PersistentVolume per replica), with
    ///   `spec.remoteWrite` entries (e.g. Amazon Managed Service for Prometheus), or with a
    ///   Thanos sidecar uploading blocks (`spec.thanos.objectStorageConfig`); it warns with
    ///   `spec.storage.emptyDir`, `spec.storage.ephemeral` or no storage at all;
    /// - a StatefulSet or Deployment running the Prometheus server image (`…/prometheus`, not
    ///   owned by a `Prometheus` object of the input) passes when the volume mounted at its
    ///   data directory (`--storage.tsdb.path`, `/prometheus` by default) is a
    ///   PersistentVolumeClaim, when it runs in agent mode (`--agent`; agents only forward),
    ///   when a Thanos sidecar ships the blocks, or when a mounted ConfigMap configures
    ///   `remote_write`; it warns when the data directory is an `emptyDir`, an ephemeral
    ///   volume or the container's own filesystem. When the configuration ConfigMap is not in
    ///   the input or its values were redacted, the verdict is unknown.
    ///
    /// Prometheus servers created by the operator are judged through their `Prometheus`
    /// object. The check reads the objects themselves, so it works on manifests too.
    ///
    /// ## Why it matters
    /// With `emptyDir` the whole metrics history disappears whenever the pod is rescheduled:
    /// a node upgrade, a Spot interruption or an eviction erases the data you need to
    /// investigate the incident that caused it, capacity trends, and SLO burn history.
    ///
    /// ## How to fix
    /// Give Prometheus a volume, and ship the data to durable storage:
    /// ```yaml
    /// apiVersion: monitoring.coreos.com/v1
    /// kind: Prometheus
    /// metadata: {name: k8s, namespace: monitoring}
    /// spec:
    ///   retention: 15d
    ///   storage:
    ///     volumeClaimTemplate:
    ///       spec:
    ///         storageClassName: gp3
    ///         resources: {requests: {storage: 100Gi}}
    ///   remoteWrite:
    ///     - url: https://aps-workspaces.eu-west-1.amazonaws.com/workspaces/ws-EXAMPLE/api/v1/remote_write
    ///       sigv4: {region: eu-west-1}
    /// ```
    ///
    /// ## References
    /// - <https://docs.aws.amazon.com/eks/latest/userguide/prometheus.html>
    /// - <https://prometheus-operator.dev/docs/platform/storage/>
    "durable-metrics-storage",
    run,
    needs = [
        "apps/statefulsets",
        "apps/deployments",
        "monitoring.coreos.com/prometheuses"
    ]
}

fn run(cx: &Context<'_>, out: &mut Outcomes) {
    for prometheus in cx
        .inv
        .of_kind("Prometheus")
        .filter(|o| o.api_group() == "monitoring.coreos.com")
    {
        judge_custom_resource(prometheus, out);
    }
    for (w, object) in cx.all_workloads() {
        if !matches!(w.kind, WorkloadKind::StatefulSet | WorkloadKind::Deployment)
            || operator_owned(cx, object)
        {
            continue;
        }
        let containers = w.app_containers(object);
        let Some(server) = containers
            .iter()
            .find(|c| c.image().is_some_and(is_prometheus_image))
        else {
            continue;
        };
        judge_workload(cx, w, object, server, &containers, out);
    }
}

/// `quay.io/prometheus/prometheus:v2.54.1`, `prom/prometheus`, `bitnami/prometheus`: an image
/// whose repository's last segment is `prometheus`.
fn is_prometheus_image(image: &str) -> bool {
    let without_digest = image.split('@').next().unwrap_or(image);
    let last = without_digest.rsplit('/').next().unwrap_or(without_digest);
    let repository = last.split(':').next().unwrap_or(last);
    repository == "prometheus" && without_digest.contains('/')
}

fn is_thanos_sidecar(container: &Container<'_>) -> bool {
    let thanos = container.image().is_some_and(|i| {
        i.contains("/thanos:") || i.contains("/thanos@") || i.ends_with("/thanos")
    });
    thanos
        && container
            .get("args")
            .map(Node::items)
            .unwrap_or_default()
            .iter()
            .any(|a| a.as_str() == Some("sidecar"))
}

/// Created by a `Prometheus` object of the input (judged there).
fn operator_owned(cx: &Context<'_>, object: &Object) -> bool {
    object
        .root()
        .at(&["metadata", "ownerReferences"])
        .map(Node::items)
        .unwrap_or_default()
        .iter()
        .any(|r| {
            r.get("kind").and_then(Node::as_str) == Some("Prometheus")
                && r.get("name").and_then(Node::as_str).is_some_and(|name| {
                    cx.inv
                        .find("Prometheus", object.namespace(), name)
                        .is_some()
                })
        })
}

fn judge_custom_resource(prometheus: &Object, out: &mut Outcomes) {
    let spec = prometheus.spec();
    let storage = spec.and_then(|s| s.get("storage"));
    if storage
        .and_then(|s| s.get("volumeClaimTemplate"))
        .is_some_and(|v| !v.is_null())
    {
        return out.pass(prometheus);
    }
    let remote_write = spec
        .and_then(|s| s.get("remoteWrite"))
        .is_some_and(|r| !r.items().is_empty());
    let thanos_upload = spec
        .and_then(|s| s.at(&["thanos", "objectStorageConfig"]))
        .is_some_and(|o| !o.is_null());
    if remote_write || thanos_upload {
        return out.pass(prometheus);
    }
    let kind = match storage {
        Some(s) if s.get("ephemeral").is_some() => "an ephemeral volume",
        Some(s) if s.get("emptyDir").is_some() => "an emptyDir",
        _ => "an emptyDir (no spec.storage)",
    };
    out.warn(
        Subject::object(prometheus).at("spec.storage", storage),
        format!(
            "`{}` keeps its metrics in {kind} and writes them nowhere else: the \
             history is lost whenever a pod is rescheduled; add a volumeClaimTemplate or \
             remoteWrite",
            prometheus.display_name()
        ),
    );
}

/// The value of `--flag=value` or `--flag value` in a container's args or command.
fn flag_value<'a>(container: &Container<'a>, flag: &str) -> Option<&'a str> {
    let args: Vec<&str> = ["command", "args"]
        .iter()
        .flat_map(|f| container.get(f).map(Node::items).unwrap_or_default())
        .filter_map(Node::as_str)
        .collect();
    args.iter().enumerate().find_map(|(i, arg)| {
        if let Some(value) = arg.strip_prefix(flag).and_then(|r| r.strip_prefix('=')) {
            Some(value)
        } else if *arg == flag {
            args.get(i + 1).copied()
        } else {
            None
        }
    })
}

fn has_flag(container: &Container<'_>, flag: &str) -> bool {
    ["command", "args"]
        .iter()
        .flat_map(|f| container.get(f).map(Node::items).unwrap_or_default())
        .filter_map(Node::as_str)
        .any(|a| a == flag || a.starts_with(&format!("{flag}=")))
}

/// Where the data directory lives.
enum DataVolume {
    Persistent,
    /// emptyDir, an ephemeral volume, or no volume (the container's filesystem).
    Transient(String),
    /// hostPath, NFS, a CSI volume…: durable enough not to be judged here.
    Other,
}

fn data_volume<'a>(
    w: &Workload,
    object: &'a Object,
    server: &Container<'a>,
) -> (DataVolume, String) {
    let path = flag_value(server, "--storage.tsdb.path")
        .map(|p| {
            if p.starts_with('/') {
                p.to_string()
            } else {
                // Relative to the image's working directory, /prometheus.
                format!("/prometheus/{}", p.trim_start_matches("./"))
            }
        })
        .unwrap_or_else(|| "/prometheus".to_string());
    let mounts = server
        .get("volumeMounts")
        .map(Node::items)
        .unwrap_or_default();
    let mount = mounts
        .iter()
        .filter_map(|m| {
            let mount_path = m.get("mountPath").and_then(Node::as_str)?;
            let name = m.get("name").and_then(Node::as_str)?;
            let trimmed = mount_path.trim_end_matches('/');
            let covers = path == trimmed || path.starts_with(&format!("{trimmed}/"));
            covers.then_some((trimmed.len(), name))
        })
        .max_by_key(|(len, _)| *len)
        .map(|(_, name)| name);
    let Some(name) = mount else {
        return (
            DataVolume::Transient("the container's own filesystem".into()),
            path,
        );
    };
    let templates = object
        .root()
        .at(&["spec", "volumeClaimTemplates"])
        .map(Node::items)
        .unwrap_or_default();
    if templates
        .iter()
        .any(|t| t.at(&["metadata", "name"]).and_then(Node::as_str) == Some(name))
    {
        return (DataVolume::Persistent, path);
    }
    let volume = w
        .pod_field(object, "volumes")
        .map(Node::items)
        .unwrap_or_default()
        .iter()
        .find(|v| v.get("name").and_then(Node::as_str) == Some(name));
    let kind = match volume {
        Some(v) if v.get("persistentVolumeClaim").is_some() => {
            return (DataVolume::Persistent, path)
        }
        Some(v) if v.get("emptyDir").is_some() => format!("the emptyDir volume `{name}`"),
        Some(v) if v.get("ephemeral").is_some() => format!("the ephemeral volume `{name}`"),
        Some(_) => return (DataVolume::Other, path),
        None => format!("the volume `{name}`, which the pod does not define"),
    };
    (DataVolume::Transient(kind), path)
}

/// Whether a ConfigMap mounted by the pod configures `remote_write`: Some(true/false), or
/// None when no mounted ConfigMap could be read (absent, or values redacted).
fn configures_remote_write(cx: &Context<'_>, w: &Workload, object: &Object) -> Option<bool> {
    let mut readable = false;
    for volume in w
        .pod_field(object, "volumes")
        .map(Node::items)
        .unwrap_or_default()
    {
        let names = volume
            .at(&["configMap", "name"])
            .into_iter()
            .chain(
                volume
                    .at(&["projected", "sources"])
                    .map(Node::items)
                    .unwrap_or_default()
                    .iter()
                    .filter_map(|s| s.at(&["configMap", "name"])),
            )
            .filter_map(Node::as_str);
        for name in names {
            let Some(config) = cx.inv.find("ConfigMap", object.namespace(), name) else {
                continue;
            };
            if config.annotation("kwar.io/redacted").is_some() {
                continue;
            }
            readable = true;
            let values = config
                .root()
                .get("data")
                .map(Node::entries)
                .unwrap_or_default();
            if values
                .iter()
                .filter_map(|(_, v)| v.as_str())
                .any(|text| text.contains("remote_write:"))
            {
                return Some(true);
            }
        }
    }
    readable.then_some(false)
}

fn judge_workload(
    cx: &Context<'_>,
    w: &Workload,
    object: &Object,
    server: &Container<'_>,
    containers: &[Container<'_>],
    out: &mut Outcomes,
) {
    if has_flag(server, "--agent")
        || flag_value(server, "--enable-feature")
            .is_some_and(|features| features.split(',').any(|f| f.trim() == "agent"))
    {
        return out.pass(object);
    }
    if containers.iter().any(is_thanos_sidecar) {
        return out.pass(object);
    }
    let (volume, path) = data_volume(w, object, server);
    let place = match volume {
        DataVolume::Persistent => return out.pass(object),
        DataVolume::Other => return out.pass(object),
        DataVolume::Transient(place) => place,
    };
    let subject = Subject::container(object, server);
    match configures_remote_write(cx, w, object) {
        Some(true) => out.pass(object),
        Some(false) => out.warn(
            subject,
            format!(
                "`{}` keeps Prometheus data ({path}) on {place} and its configuration has no \
                 remote_write: the history is lost whenever the pod is rescheduled",
                object.display_name()
            ),
        ),
        None => out.unknown(
            subject,
            format!(
                "`{}` keeps Prometheus data ({path}) on {place}; whether it configures \
                 remote_write cannot be told (its configuration ConfigMap is not in the input or \
                 was redacted)",
                object.display_name()
            ),
        ),
    }
}
