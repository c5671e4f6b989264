use crate::image::ImageRef;
use crate::prelude::*;

declare_check! {
    /// ## What it checks
    /// Whether the cluster keeps capacity ready ahead of demand, by any of:
    /// - overprovisioning: a workload whose pods use a PriorityClass with a negative
    ///   `value` (placeholder pods the scheduler evicts first, so real pods start on
    ///   already-running nodes while the autoscaler replaces the headroom) — or, when the
    ///   PriorityClass is not in the input, a workload of `pause` containers naming a
    ///   priority class;
    /// - scheduled pre-scaling: a KEDA `ScaledObject` with a `cron` trigger, or a CronJob
    ///   that runs `kubectl scale` (or `kubectl patch` on replicas).
    ///
    /// Found: pass — on the Cluster object for a whole cluster, else on the object. None on a
    /// whole cluster that runs a node autoscaler (Karpenter, EKS Auto Mode or Cluster
    /// Autoscaler): warn on the Cluster object. The catalog scopes the check to
    /// latency-sensitive clusters, which the cluster cannot tell: it is judged on every
    /// autoscaled cluster (low severity; suppress it where batch workloads can wait).
    /// Clusters without a node autoscaler are not evaluated (`node-autoscaler-present`
    /// judges them), nor are manifests that show no mechanism. ASG scheduled actions are AWS
    /// evidence and not seen.
    ///
    /// ## Why it matters
    /// Node autoscalers react to pods that are already Pending: a new EC2 node takes one to
    /// three minutes (more with large images) before it runs anything. Every traffic spike
    /// faster than that waits on node launches — with latency, timeouts or shed requests —
    /// unless some spare capacity is kept warm or added before known peaks.
    ///
    /// ## How to fix
    /// Keep a small buffer of low-priority placeholder pods:
    /// ```yaml
    /// apiVersion: scheduling.k8s.io/v1
    /// kind: PriorityClass
    /// metadata: {name: overprovisioning}
    /// value: -10
    /// globalDefault: false
    /// ---
    /// apiVersion: apps/v1
    /// kind: Deployment
    /// metadata: {name: overprovisioning, namespace: kube-system}
    /// spec:
    ///   replicas: 2
    ///   selector: {matchLabels: {app: overprovisioning}}
    ///   template:
    ///     metadata: {labels: {app: overprovisioning}}
    ///     spec:
    ///       priorityClassName: overprovisioning
    ///       containers:
    ///         - name: pause
    ///           image: registry.k8s.io/pause:3.10
    ///           resources: {requests: {cpu: "1", memory: 2Gi}}
    /// ```
    /// and pre-scale for known peaks (KEDA `cron` trigger, ASG scheduled actions).
    ///
    /// ## References
    /// - <https://docs.aws.amazon.com/eks/latest/best-practices/cas.html#_overprovisioning>
    /// - <https://kubernetes.io/docs/concepts/scheduling-eviction/pod-priority-preemption/>
    /// - <https://keda.sh/docs/latest/scalers/cron/>
    "headroom-mechanism",
    run,
    needs = [
        "scheduling.k8s.io/priorityclasses",
        "apps/deployments",
        "batch/cronjobs",
        "keda.sh/scaledobjects"
    ]
}

const AUTOSCALERS: [&str; 3] = ["karpenter", "eks-auto-mode", "cluster-autoscaler"];

fn run(cx: &Context<'_>, out: &mut Outcomes) {
    let mechanisms: Vec<&Object> = overprovisioning(cx)
        .chain(cron_scaled_objects(cx))
        .chain(scaling_cronjobs(cx))
        .collect();
    match (mechanisms.is_empty(), cx.whole_cluster()) {
        (false, Some(cluster)) => out.pass(cluster),
        (false, None) => {
            for object in mechanisms {
                out.pass(object);
            }
        }
        (true, Some(cluster)) => {
            let Some(autoscaler) = cx.detections.first_of(&AUTOSCALERS) else {
                return;
            };
            out.warn(
                Subject::object(cluster),
                format!(
                    "the cluster scales nodes with {} but keeps no headroom (no placeholder pods \
                     of negative priority, no KEDA cron trigger or scaling CronJob): every spike \
                     waits minutes for a node launch",
                    autoscaler.detector
                ),
            );
        }
        (true, None) => {}
    }
}

/// Workloads of placeholder pods: their priority class is negative, or (class not in the
/// input) their containers are all `pause`.
fn overprovisioning<'a>(cx: &Context<'a>) -> impl Iterator<Item = &'a Object> + 'a {
    let inv = cx.inv;
    cx.all_workloads().filter_map(move |(w, object)| {
        let class = w.pod_field(object, "priorityClassName")?.as_str()?;
        let value = inv
            .find("PriorityClass", None, class)
            .filter(|p| p.api_group() == "scheduling.k8s.io")
            .map(|p| p.root().get("value").and_then(Node::as_i64).unwrap_or(0));
        let placeholder = match value {
            Some(v) => v < 0,
            None => {
                let containers = w.app_containers(object);
                !containers.is_empty()
                    && containers.iter().all(|c| {
                        c.image().is_some_and(|i| {
                            let repo = ImageRef::parse(i).repository;
                            repo == "pause" || repo.ends_with("/pause")
                        })
                    })
            }
        };
        placeholder.then_some(object)
    })
}

/// KEDA ScaledObjects with a `cron` trigger.
fn cron_scaled_objects<'a>(cx: &Context<'a>) -> impl Iterator<Item = &'a Object> + 'a {
    cx.inv
        .of_kind("ScaledObject")
        .filter(|o| o.api_group() == "keda.sh")
        .filter(|o| {
            o.root()
                .at(&["spec", "triggers"])
                .map(Node::items)
                .unwrap_or_default()
                .iter()
                .any(|t| t.get("type").and_then(Node::as_str) == Some("cron"))
        })
}

/// CronJobs running `kubectl scale` or `kubectl patch … replicas`.
fn scaling_cronjobs<'a>(cx: &Context<'a>) -> impl Iterator<Item = &'a Object> + 'a {
    cx.all_workloads()
        .filter(|(w, _)| w.kind == WorkloadKind::CronJob)
        .filter(|(w, object)| {
            w.containers(object).iter().any(|c| {
                let words: Vec<String> = ["command", "args"]
                    .iter()
                    .flat_map(|f| c.get(f).map(Node::items).unwrap_or_default())
                    .filter_map(Node::scalar_text)
                    .collect();
                let text = words.join(" ");
                text.contains("kubectl")
                    && (text.contains(" scale ")
                        || (text.contains(" patch ") && text.contains("replicas")))
            })
        })
        .map(|(_, object)| object)
}
