use crate::prelude::*;

declare_check! {
    /// ## What it checks
    /// Every Deployment, StatefulSet and Argo Rollout outside the system namespaces that runs at
    /// least two replicas (an HPA's `minReplicas` overrides `spec.replicas`) spreads its pods
    /// across zones.
    ///
    /// - It passes with a `topologySpreadConstraints` entry on `topology.kubernetes.io/zone`, or
    ///   a pod anti-affinity term (preferred or required) on that key.
    /// - It warns when the only spreading is per host (`kubernetes.io/hostname`): pods land on
    ///   different nodes, which may all be in one zone.
    /// - It fails when there is neither topology spread nor pod anti-affinity.
    ///
    /// A constraint or term counts only when its `labelSelector` matches the workload's own pod
    /// labels (or is absent): a selector copied from another app spreads nothing. The legacy
    /// `failure-domain.beta.kubernetes.io/zone` key counts as the zone key.
    ///
    /// ## Why it matters
    /// The scheduler's built-in default spreading is soft and weak (a skew of up to 5 pods per
    /// zone is tolerated), so replicas regularly end up in one Availability Zone, and an AZ
    /// outage, or a zonal event such as a network partition, then takes the whole service down
    /// even though it runs several replicas.
    ///
    /// ## How to fix
    /// Add topology spread constraints on zone and hostname (`ScheduleAnyway`, or
    /// `DoNotSchedule` with `minDomains`) rather than hard anti-affinity:
    /// ```yaml
    /// topologySpreadConstraints:
    ///   - maxSkew: 1
    ///     topologyKey: topology.kubernetes.io/zone
    ///     whenUnsatisfiable: ScheduleAnyway
    ///     labelSelector: {matchLabels: {app.kubernetes.io/name: web}}
    ///   - maxSkew: 1
    ///     topologyKey: kubernetes.io/hostname
    ///     whenUnsatisfiable: ScheduleAnyway
    ///     labelSelector: {matchLabels: {app.kubernetes.io/name: web}}
    /// ```
    ///
    /// ## References
    /// - <https://kubernetes.io/docs/concepts/scheduling-eviction/topology-spread-constraints/>
    /// - <https://docs.aws.amazon.com/eks/latest/best-practices/application.html#_using_pod_topology_spread_constraints>
    "spread-across-zones",
    run
}

const ZONE_KEYS: [&str; 2] = [
    "topology.kubernetes.io/zone",
    "failure-domain.beta.kubernetes.io/zone",
];
const HOST_KEY: &str = "kubernetes.io/hostname";

#[derive(PartialEq, PartialOrd)]
enum Spread {
    None,
    Host,
    Zone,
}

fn run(cx: &Context<'_>, out: &mut Outcomes) {
    for (w, object) in cx.app_workloads() {
        if !matches!(
            w.kind,
            WorkloadKind::Deployment | WorkloadKind::StatefulSet | WorkloadKind::Rollout
        ) {
            continue;
        }
        let Some(replicas) = cx.inv.effective_min_replicas(w).filter(|&r| r >= 2) else {
            continue;
        };
        // The topology keys of every constraint or anti-affinity term that selects the
        // workload's own pods.
        let own = |selector: Option<&Node>| {
            selector
                .is_none_or(|s| LabelSelector::from_label_selector(s).matches(w.pod_labels(object)))
        };
        let mut keys: Vec<String> = Vec::new();
        let constraints = w.pod_field(object, "topologySpreadConstraints");
        for c in constraints.map(Node::items).unwrap_or_default() {
            if own(c.get("labelSelector")) {
                keys.extend(c.get("topologyKey").and_then(Node::scalar_text));
            }
        }
        let anti = w
            .pod_field(object, "affinity")
            .and_then(|a| a.get("podAntiAffinity"));
        let mut terms: Vec<&Node> = anti
            .and_then(|a| a.get("requiredDuringSchedulingIgnoredDuringExecution"))
            .map(Node::items)
            .unwrap_or_default()
            .iter()
            .collect();
        terms.extend(
            anti.and_then(|a| a.get("preferredDuringSchedulingIgnoredDuringExecution"))
                .map(Node::items)
                .unwrap_or_default()
                .iter()
                .filter_map(|p| p.get("podAffinityTerm")),
        );
        for t in terms {
            if own(t.get("labelSelector")) {
                keys.extend(t.get("topologyKey").and_then(Node::scalar_text));
            }
        }
        let spread = keys.iter().fold(Spread::None, |best, k| {
            let this = if ZONE_KEYS.contains(&k.as_str()) {
                Spread::Zone
            } else if k == HOST_KEY {
                Spread::Host
            } else {
                Spread::None
            };
            if this > best {
                this
            } else {
                best
            }
        });
        let path = format!("{}.topologySpreadConstraints", w.pod_path);
        let subject = Subject::object(object).at(path, constraints.or_else(|| w.pod_spec(object)));
        match spread {
            Spread::Zone => out.pass(object),
            Spread::Host => out.warn(
                subject,
                format!(
                    "{} ({replicas} replicas) spreads its pods across hosts only, not across zones",
                    object.display_name()
                ),
            ),
            Spread::None => out.fail(
                subject,
                format!(
                    "{} ({replicas} replicas) has no topology spread constraint or pod anti-affinity for its own pods: its replicas may all run in one zone",
                    object.display_name()
                ),
            ),
        }
    }
}
