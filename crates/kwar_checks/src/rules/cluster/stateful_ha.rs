use std::collections::{BTreeSet, HashMap};

use kwar_inventory::ObjectId;

use crate::prelude::*;
use crate::running_pods::{node, node_name, pods_by_controller, zone_of_node};

declare_check! {
    /// ## What it checks
    /// Every data store run as StatefulSets outside the system namespaces: a StatefulSet
    /// whose image the catalog's `data-stores-in-cluster` detector knows (PostgreSQL,
    /// MySQL/MariaDB, MongoDB, Redis/Valkey, Cassandra, Elasticsearch/OpenSearch, RabbitMQ,
    /// Kafka, NATS, ZooKeeper, …), or one owned by a database or broker operator (Zalando and
    /// Crunchy PostgreSQL, Percona, MongoDB Community, RabbitMQ, Spotahome Redis, ECK,
    /// K8ssandra, Strimzi). The StatefulSets one operator resource owns form one store and
    /// their replicas add up (Crunchy PGO runs one single-replica StatefulSet per instance);
    /// the verdict is given on each of them.
    /// - fail: the store runs a single replica (`spec.replicas` 1 or unset) — one pod, one
    ///   volume in one Availability Zone;
    /// - pass: at least 3 replicas — or 2 under an operator that fails over from a primary to
    ///   a standby (Zalando or Crunchy PostgreSQL, Spotahome Redis with Sentinel) — a
    ///   PodDisruptionBudget selects its pods, and its replicas are spread across zones;
    /// - warn: anything in between, naming what is missing: only 2 replicas of a quorum-based
    ///   store, no PodDisruptionBudget, or a single zone.
    ///
    /// Zones are judged on what the input shows, best evidence first: the zones of the nodes
    /// its pods run on and of its bound volumes (EBS volumes pin a replica to their zone) in
    /// a cluster dump; else a `topologySpreadConstraint` or pod anti-affinity on
    /// `topology.kubernetes.io/zone` in its pod template. Stores scaled to 0 are not
    /// evaluated, nor are operators that run pods without StatefulSets (CloudNativePG).
    ///
    /// ## Why it matters
    /// A single-replica database is down for every node drain, upgrade, Spot interruption or
    /// zone incident, and its data lives on one EBS volume in one zone. Two replicas cannot
    /// keep a quorum when one fails, and replicas in one zone all fail with it. Without a
    /// PodDisruptionBudget, a node upgrade may evict every replica at once.
    ///
    /// ## How to fix
    /// Prefer a managed service (Amazon RDS/Aurora, ElastiCache, Amazon MQ, MSK, OpenSearch
    /// Service). Self-hosted, run three replicas spread across zones, with a budget:
    /// ```yaml
    /// apiVersion: apps/v1
    /// kind: StatefulSet
    /// metadata: {name: postgres, namespace: shop}
    /// spec:
    ///   replicas: 3
    ///   template:
    ///     spec:
    ///       topologySpreadConstraints:
    ///         - maxSkew: 1
    ///           topologyKey: topology.kubernetes.io/zone
    ///           whenUnsatisfiable: DoNotSchedule
    ///           labelSelector: {matchLabels: {app: postgres}}
    /// ---
    /// apiVersion: policy/v1
    /// kind: PodDisruptionBudget
    /// metadata: {name: postgres, namespace: shop}
    /// spec:
    ///   maxUnavailable: 1
    ///   selector: {matchLabels: {app: postgres}}
    /// ```
    ///
    /// ## References
    /// - <https://kubernetes.io/docs/concepts/workloads/controllers/statefulset/>
    /// - <https://docs.aws.amazon.com/eks/latest/best-practices/data-plane.html#_ensure_ability_to_launch_nodes_in_each_az_when_using_ebs_volumes>
    "stateful-ha",
    run,
    needs = ["apps/statefulsets", "policy/poddisruptionbudgets"]
}

const ZONE_KEYS: [&str; 3] = [
    "topology.kubernetes.io/zone",
    "topology.ebs.csi.aws.com/zone",
    "failure-domain.beta.kubernetes.io/zone",
];

/// API groups of database and broker operators that run their stores as StatefulSets.
const DATA_STORE_OPERATORS: [&str; 11] = [
    "acid.zalan.do",
    "postgres-operator.crunchydata.com",
    "pxc.percona.com",
    "psmdb.percona.com",
    "mongodbcommunity.mongodb.com",
    "rabbitmq.com",
    "databases.spotahome.com",
    "elasticsearch.k8s.elastic.co",
    "cassandra.datastax.com",
    "k8ssandra.io",
    "kafka.strimzi.io",
];

/// Operators whose stores fail over from a primary to a standby (Patroni-based PostgreSQL,
/// Redis with Sentinel): two replicas are a highly available pair, not half a quorum.
const PRIMARY_STANDBY_OPERATORS: [&str; 3] = [
    "acid.zalan.do",
    "postgres-operator.crunchydata.com",
    "databases.spotahome.com",
];

/// The operator custom resource that owns the StatefulSet: (API group, kind, name).
fn operator_of(sts: &Object) -> Option<(&str, &str, &str)> {
    sts.root()
        .at(&["metadata", "ownerReferences"])
        .map(Node::items)
        .unwrap_or_default()
        .iter()
        .find_map(|r| {
            let api_version = r.get("apiVersion").and_then(Node::as_str)?;
            let group = api_version.rsplit_once('/').map(|(g, _)| g)?;
            if group == "apps" {
                return None;
            }
            Some((
                group,
                r.get("kind").and_then(Node::as_str)?,
                r.get("name").and_then(Node::as_str)?,
            ))
        })
}

/// Whether the pod template asks the scheduler to spread replicas across zones.
fn declares_zone_spread(pod_spec: &Node) -> bool {
    let zone_key = |n: Option<&Node>| {
        n.and_then(Node::as_str)
            .is_some_and(|k| ZONE_KEYS.contains(&k))
    };
    let spread = pod_spec
        .get("topologySpreadConstraints")
        .map(Node::items)
        .unwrap_or_default()
        .iter()
        .any(|c| zone_key(c.get("topologyKey")));
    let anti = pod_spec.at(&["affinity", "podAntiAffinity"]);
    let required = anti
        .and_then(|a| a.get("requiredDuringSchedulingIgnoredDuringExecution"))
        .map(Node::items)
        .unwrap_or_default()
        .iter()
        .any(|t| zone_key(t.get("topologyKey")));
    let preferred = anti
        .and_then(|a| a.get("preferredDuringSchedulingIgnoredDuringExecution"))
        .map(Node::items)
        .unwrap_or_default()
        .iter()
        .any(|t| zone_key(t.at(&["podAffinityTerm", "topologyKey"])));
    spread || required || preferred
}

/// The zones a PersistentVolume is pinned to by its node affinity.
fn volume_zones(pv: &Object) -> Vec<&str> {
    pv.root()
        .at(&["spec", "nodeAffinity", "required", "nodeSelectorTerms"])
        .map(Node::items)
        .unwrap_or_default()
        .iter()
        .flat_map(|t| {
            t.get("matchExpressions")
                .map(Node::items)
                .unwrap_or_default()
        })
        .filter(|e| {
            e.get("key")
                .and_then(Node::as_str)
                .is_some_and(|k| ZONE_KEYS.contains(&k))
                && e.get("operator").and_then(Node::as_str) == Some("In")
        })
        .flat_map(|e| e.get("values").map(Node::items).unwrap_or_default())
        .filter_map(Node::as_str)
        .collect()
}

/// The zones the StatefulSet's replicas actually live in: their pods' nodes and their bound
/// volumes.
fn actual_zones<'a>(
    cx: &Context<'a>,
    sts: &'a Object,
    replicas: i64,
    pods: &HashMap<ObjectId, Vec<&'a Object>>,
) -> BTreeSet<&'a str> {
    let mut zones = BTreeSet::new();
    for pod in pods.get(&sts.id).map(Vec::as_slice).unwrap_or_default() {
        if let Some(zone) = node_name(pod)
            .and_then(|n| node(cx.inv, n))
            .and_then(zone_of_node)
        {
            zones.insert(zone);
        }
    }
    let templates = sts
        .root()
        .at(&["spec", "volumeClaimTemplates"])
        .map(Node::items)
        .unwrap_or_default();
    for template in templates {
        let Some(name) = template.at(&["metadata", "name"]).and_then(Node::as_str) else {
            continue;
        };
        for ordinal in 0..replicas.min(64) {
            let claim = format!("{name}-{}-{ordinal}", sts.name());
            let volume = cx
                .inv
                .find("PersistentVolumeClaim", sts.namespace(), &claim)
                .and_then(|c| c.root().at(&["spec", "volumeName"]))
                .and_then(Node::as_str)
                .and_then(|v| cx.inv.find("PersistentVolume", None, v));
            if let Some(pv) = volume {
                zones.extend(volume_zones(pv));
            }
        }
    }
    zones
}

/// One data store: the StatefulSets an operator resource owns (Crunchy PGO runs one
/// single-replica StatefulSet per instance, ECK one per node set), or one StatefulSet.
struct Store<'a> {
    members: Vec<(&'a Workload, &'a Object)>,
    /// What identifies it as a data store.
    what: String,
    operator: Option<(&'a str, &'a str, &'a str)>,
}

fn run(cx: &Context<'_>, out: &mut Outcomes) {
    let mut stores: Vec<Store<'_>> = Vec::new();
    let mut by_owner: HashMap<(String, String, String), usize> = HashMap::new();
    let detected: HashMap<ObjectId, &str> = cx
        .detections
        .get("data-stores-in-cluster")
        .map(|d| {
            d.matches
                .iter()
                .map(|m| (m.object, m.detail.split(" in ").next().unwrap_or(&m.detail)))
                .collect()
        })
        .unwrap_or_default();
    // Operator-owned StatefulSets included: owned is what operators make them.
    for w in cx.inv.workloads() {
        let sts = cx.inv.object(w.object);
        if w.kind != WorkloadKind::StatefulSet || cx.in_system_namespace(sts) {
            continue;
        }
        let operator = operator_of(sts).filter(|(g, _, _)| DATA_STORE_OPERATORS.contains(g));
        let what = match (detected.get(&sts.id), operator) {
            (Some(detail), _) => detail.to_string(),
            (None, Some((_, kind, name))) => format!("run by the {kind} `{name}`"),
            (None, None) => continue,
        };
        match operator {
            Some((_, kind, name)) => {
                let key = (
                    sts.namespace_key().to_string(),
                    kind.to_string(),
                    name.to_string(),
                );
                match by_owner.get(&key) {
                    Some(&i) => stores[i].members.push((w, sts)),
                    None => {
                        by_owner.insert(key, stores.len());
                        stores.push(Store {
                            members: vec![(w, sts)],
                            what,
                            operator,
                        });
                    }
                }
            }
            None => stores.push(Store {
                members: vec![(w, sts)],
                what,
                operator: None,
            }),
        }
    }
    let pods = pods_by_controller(cx.inv);
    for store in &stores {
        judge(cx, out, store, &pods);
    }
}

fn judge<'a>(
    cx: &Context<'a>,
    out: &mut Outcomes,
    store: &Store<'a>,
    pods: &HashMap<ObjectId, Vec<&'a Object>>,
) {
    let replicas_of = |sts: &Object| {
        sts.root()
            .at(&["spec", "replicas"])
            .and_then(Node::as_i64)
            .unwrap_or(1)
    };
    let replicas: i64 = store.members.iter().map(|(_, s)| replicas_of(s)).sum();
    if replicas == 0 {
        return;
    }
    let names: Vec<String> = store
        .members
        .iter()
        .map(|(_, s)| format!("`{}`", s.display_name()))
        .collect();
    let name = names.join(", ");
    let what = &store.what;
    if replicas == 1 {
        for (_, sts) in &store.members {
            out.fail(
                Subject::object(sts).at("spec.replicas", sts.root().at(&["spec", "replicas"])),
                format!(
                    "data store {name} ({what}) runs a single replica: every node drain, \
                     upgrade or zone failure takes it down; run 3 replicas across zones or use a \
                     managed service"
                ),
            );
        }
        return;
    }
    let mut problems = Vec::new();
    let primary_standby = store
        .operator
        .is_some_and(|(g, _, _)| PRIMARY_STANDBY_OPERATORS.contains(&g));
    if replicas < 3 && !primary_standby {
        problems.push(format!("only {replicas} replicas (a quorum needs 3)"));
    }
    if store
        .members
        .iter()
        .all(|(w, _)| cx.inv.pdbs_of(w).next().is_none())
    {
        problems.push("no PodDisruptionBudget selects its pods".to_string());
    }
    let mut zones = BTreeSet::new();
    for (_, sts) in &store.members {
        zones.extend(actual_zones(cx, sts, replicas_of(sts), pods));
    }
    match zones.len() {
        0 => {
            let declared = store
                .members
                .iter()
                .all(|(w, sts)| w.pod_spec(sts).is_some_and(declares_zone_spread));
            if !declared {
                problems.push(
                    "nothing spreads its replicas across zones (no zone topologySpreadConstraint \
                     or pod anti-affinity)"
                        .to_string(),
                );
            }
        }
        1 => problems.push(format!(
            "all its replicas and volumes are in zone {}",
            zones.iter().next().copied().unwrap_or_default()
        )),
        _ => {}
    }
    for (_, sts) in &store.members {
        if problems.is_empty() {
            out.pass(sts);
        } else {
            out.warn(
                Subject::object(sts),
                format!(
                    "data store {name} ({what}) is not highly available: {}",
                    problems.join("; ")
                ),
            );
        }
    }
}
