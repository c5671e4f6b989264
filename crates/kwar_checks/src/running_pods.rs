//! Pods of a cluster snapshot as evidence: the workload that controls each one (Pod →
//! ReplicaSet → Deployment or Rollout, Pod → Job → CronJob, Pod → StatefulSet or DaemonSet),
//! whether it is ready, the node and zone it runs in, and its containers' recorded
//! terminations. Hand-written manifests carry no status, so everything here yields nothing for
//! them: callers judge only what the cluster recorded.

use std::collections::{BTreeMap, HashMap};

use kwar_inventory::{Inventory, Object, ObjectId};
use kwar_yaml::Node;

/// Owner chains are short (Pod → ReplicaSet → Deployment); the bound only guards against a
/// cycle in a broken dump.
const MAX_OWNER_DEPTH: usize = 4;

/// The core-group Pods of the input.
pub(crate) fn pods(inv: &Inventory) -> impl Iterator<Item = &Object> + '_ {
    inv.of_kind("Pod").filter(|p| p.api_group().is_empty())
}

/// The workload at the top of `object`'s chain of controlling owners that the input holds:
/// the Deployment of a Pod whose ReplicaSet and Deployment are both there, the Pod itself
/// when it has no owner or its owner was not collected. Only workload owners are followed: a
/// static pod's mirror is owned by its Node, which is not the workload that runs it.
pub(crate) fn controller_of<'a>(inv: &'a Inventory, object: &'a Object) -> &'a Object {
    let mut current = object;
    for _ in 0..MAX_OWNER_DEPTH {
        let Some(owner) = owner_of(inv, current).filter(|o| inv.workload_of(o.id).is_some()) else {
            break;
        };
        current = owner;
    }
    current
}

/// The object's controlling owner (the reference marked `controller: true`, else the first),
/// when the input holds it.
fn owner_of<'a>(inv: &'a Inventory, object: &Object) -> Option<&'a Object> {
    let refs = object.root().at(&["metadata", "ownerReferences"])?.items();
    let owner = refs
        .iter()
        .find(|r| r.get("controller").and_then(Node::as_bool) == Some(true))
        .or_else(|| refs.first())?;
    let kind = owner.get("kind").and_then(Node::as_str)?;
    let name = owner.get("name").and_then(Node::as_str)?;
    inv.find(kind, object.namespace(), name)
}

/// Pods grouped by the object that controls them (see [`controller_of`]), in input order.
pub(crate) fn pods_by_controller(inv: &Inventory) -> HashMap<ObjectId, Vec<&Object>> {
    let mut out: HashMap<ObjectId, Vec<&Object>> = HashMap::new();
    for pod in pods(inv) {
        out.entry(controller_of(inv, pod).id).or_default().push(pod);
    }
    out
}

/// A pod condition by type (`Ready`, `PodScheduled`).
pub(crate) fn condition<'a>(pod: &'a Object, kind: &str) -> Option<&'a Node> {
    pod.status_condition(kind).map(|(_, c)| c)
}

/// Ready and not being deleted: a pod that serves.
pub(crate) fn is_ready(pod: &Object) -> bool {
    pod.root().at(&["metadata", "deletionTimestamp"]).is_none()
        && condition(pod, "Ready")
            .and_then(|c| c.get("status"))
            .and_then(Node::as_str)
            == Some("True")
}

/// The node the pod was scheduled to.
pub(crate) fn node_name(pod: &Object) -> Option<&str> {
    pod.root()
        .at(&["spec", "nodeName"])
        .and_then(Node::as_str)
        .filter(|n| !n.is_empty())
}

/// The zone label of a node (the current label, else the deprecated beta one).
pub(crate) fn zone_of_node(node: &Object) -> Option<&str> {
    node.label("topology.kubernetes.io/zone")
        .or_else(|| node.label("failure-domain.beta.kubernetes.io/zone"))
}

/// The Node object of that name, when collected.
pub(crate) fn node<'a>(inv: &'a Inventory, name: &str) -> Option<&'a Object> {
    inv.find("Node", None, name)
        .filter(|n| n.api_group().is_empty())
}

/// One container status of a pod.
pub(crate) struct ContainerStatus<'a> {
    pub name: &'a str,
    pub node: &'a Node,
}

/// The container statuses of a pod: app containers, then init containers.
pub(crate) fn container_statuses(pod: &Object) -> Vec<ContainerStatus<'_>> {
    let mut out = Vec::new();
    for field in ["containerStatuses", "initContainerStatuses"] {
        let statuses = pod
            .root()
            .at(&["status", field])
            .map(Node::items)
            .unwrap_or_default();
        for node in statuses {
            out.push(ContainerStatus {
                name: node.get("name").and_then(Node::as_str).unwrap_or(""),
                node,
            });
        }
    }
    out
}

/// A recorded termination of a container: its last one (`lastState.terminated`, the run
/// before a restart) or its current one (`state.terminated`).
pub(crate) struct Termination<'a> {
    pub reason: Option<&'a str>,
    pub exit_code: Option<i64>,
    pub finished_at: Option<&'a str>,
}

/// The terminations a container status records, last state first.
pub(crate) fn terminations<'a>(status: &ContainerStatus<'a>) -> Vec<Termination<'a>> {
    [["lastState", "terminated"], ["state", "terminated"]]
        .into_iter()
        .filter_map(|path| {
            let node = status.node.at(&path).filter(|n| n.is_map())?;
            Some(Termination {
                reason: node.get("reason").and_then(Node::as_str),
                exit_code: node.get("exitCode").and_then(Node::as_i64),
                finished_at: node.get("finishedAt").and_then(Node::as_str),
            })
        })
        .collect()
}

/// What the pods of one workload recorded for one container name: the pods with a
/// termination of interest, and the latest time one ended.
pub(crate) struct Recorded<'a> {
    pub pods: Vec<&'a str>,
    pub latest: Option<&'a str>,
    /// The reason of one such termination, for messages.
    pub reason: Option<&'a str>,
}

/// Terminations that `keep` selects among the pods' container statuses, grouped by container
/// name; None when no pod carries container statuses (nothing was observed).
pub(crate) fn recorded_terminations<'a>(
    pods: &[&'a Object],
    keep: impl Fn(&Termination<'_>) -> bool,
) -> Option<BTreeMap<&'a str, Recorded<'a>>> {
    let mut observed = false;
    let mut out: BTreeMap<&str, Recorded<'_>> = BTreeMap::new();
    for &pod in pods {
        for status in container_statuses(pod) {
            observed = true;
            for t in terminations(&status).into_iter().filter(|t| keep(t)) {
                let entry = out.entry(status.name).or_insert(Recorded {
                    pods: Vec::new(),
                    latest: None,
                    reason: t.reason,
                });
                if !entry.pods.contains(&pod.name()) {
                    entry.pods.push(pod.name());
                }
                if t.finished_at > entry.latest {
                    entry.latest = t.finished_at;
                }
            }
        }
    }
    observed.then_some(out)
}

/// Seconds since the Unix epoch of an RFC 3339 timestamp as the API server writes them
/// (`2026-11-28T03:00:00Z`, with optional fractional seconds and a numeric offset).
pub(crate) fn epoch_seconds(text: &str) -> Option<i64> {
    let text = text.trim();
    let (date, time) = text.split_once(['T', 't', ' '])?;
    let mut date_parts = date.splitn(3, '-');
    let year: i64 = date_parts.next()?.parse().ok()?;
    let month: i64 = date_parts.next()?.parse().ok()?;
    let day: i64 = date_parts.next()?.parse().ok()?;
    let (clock, offset) = match time.find(['Z', 'z', '+', '-']) {
        Some(i) => time.split_at(i),
        None => (time, "Z"),
    };
    let mut clock_parts = clock.splitn(3, ':');
    let hour: i64 = clock_parts.next()?.parse().ok()?;
    let minute: i64 = clock_parts.next()?.parse().ok()?;
    let second: i64 = clock_parts.next()?.split('.').next()?.parse().ok()?;
    let offset_seconds = match offset {
        "Z" | "z" => 0,
        o => {
            let sign = if o.starts_with('-') { -1 } else { 1 };
            let (h, m) = o[1..].split_once(':')?;
            sign * (h.parse::<i64>().ok()? * 3600 + m.parse::<i64>().ok()? * 60)
        }
    };
    if !(1..=12).contains(&month) || !(1..=31).contains(&day) {
        return None;
    }
    // Days from the civil date (Howard Hinnant's algorithm).
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468;
    Some(days * 86_400 + hour * 3600 + minute * 60 + second - offset_seconds)
}

/// When the cluster evidence was collected (`spec.collectedAt` of the Cluster object).
pub(crate) fn collected_at(inv: &Inventory) -> Option<i64> {
    let cluster = inv.object(inv.cluster()?.object);
    cluster
        .root()
        .at(&["spec", "collectedAt"])
        .and_then(Node::as_str)
        .and_then(epoch_seconds)
}

#[cfg(test)]
mod tests {
    use super::epoch_seconds;

    #[test]
    fn timestamps_read_as_the_api_server_writes_them() {
        assert_eq!(epoch_seconds("1970-01-01T00:00:00Z"), Some(0));
        assert_eq!(epoch_seconds("2000-03-01T00:00:00Z"), Some(951_868_800));
        assert_eq!(
            epoch_seconds("2026-11-28T03:00:00.123456Z"),
            epoch_seconds("2026-11-28T04:00:00+01:00")
        );
        assert_eq!(epoch_seconds("yesterday"), None);
    }
}
