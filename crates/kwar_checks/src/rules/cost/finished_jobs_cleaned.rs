use crate::prelude::*;

declare_check! {
    /// ## What it checks
    /// Finished Jobs do not pile up. Every Job not owned by another object, and every
    /// CronJob, in any namespace:
    ///
    /// - A Job **passes** with `spec.ttlSecondsAfterFinished` (the TTL controller deletes it
    ///   and its pods that long after it finishes), or when it is a Helm hook
    ///   (`helm.sh/hook`) or an Argo CD hook (`argocd.argoproj.io/hook`): both tools delete
    ///   the previous hook Job before creating the next one by default, so at most one is
    ///   kept. Otherwise it **warns**.
    /// - A CronJob **passes** when its Job template sets `ttlSecondsAfterFinished`, or when
    ///   its history limits are bounded: `successfulJobsHistoryLimit` and
    ///   `failedJobsHistoryLimit` left out (Kubernetes then keeps 3 successful and 1 failed
    ///   Job and deletes the older ones) or set to 10 or less. It **warns** when a limit is
    ///   above 10.
    ///
    /// A CronJob with neither field is deliberately not flagged, although some reviews do:
    /// the CronJob controller already bounds its history with the defaults, so finished Jobs
    /// cannot accumulate.
    ///
    /// ## Why it matters
    /// A finished Job and its pods stay in the API until someone deletes them. Thousands of
    /// them slow down the API server and etcd, every controller and `kubectl get pods`, keep
    /// their logs and volumes around, and hide the runs that matter.
    ///
    /// ## How to fix
    /// ```yaml
    /// apiVersion: batch/v1
    /// kind: Job
    /// metadata: {name: db-migrate}
    /// spec:
    ///   ttlSecondsAfterFinished: 86400
    ///   template:
    ///     spec:
    ///       restartPolicy: Never
    ///       containers: [{name: migrate, image: migrate:1.4.2}]
    /// ```
    /// For CronJobs keep `successfulJobsHistoryLimit` and `failedJobsHistoryLimit` small (the
    /// defaults 3 and 1 are fine).
    ///
    /// ## References
    /// - <https://kubernetes.io/docs/concepts/workloads/controllers/ttlafterfinished/>
    /// - <https://kubernetes.io/docs/concepts/workloads/controllers/cron-jobs/#jobs-history-limits>
    /// - <https://docs.aws.amazon.com/eks/latest/best-practices/cost-opt-compute.html#_reduce_unused_capacity>
    "finished-jobs-cleaned",
    run
}

/// History limits above this keep more finished Jobs than anyone looks at.
const MAX_HISTORY: i64 = 10;

fn run(cx: &Context<'_>, out: &mut Outcomes) {
    for (w, object) in cx.all_workloads() {
        let spec = object.root().get("spec");
        match w.kind {
            WorkloadKind::Job => {
                let ttl = spec.and_then(|s| s.get("ttlSecondsAfterFinished"));
                let hook = object.annotation("helm.sh/hook").is_some()
                    || object.annotation("argocd.argoproj.io/hook").is_some();
                if ttl.is_some_and(|t| !t.is_null()) || hook {
                    out.pass(object);
                } else {
                    out.warn(
                        Subject::object(object).at("spec.ttlSecondsAfterFinished", spec),
                        format!(
                            "Job `{}` has no ttlSecondsAfterFinished: it and its pods stay in the cluster after it finishes",
                            object.name()
                        ),
                    );
                }
            }
            WorkloadKind::CronJob => {
                let ttl =
                    spec.and_then(|s| s.at(&["jobTemplate", "spec", "ttlSecondsAfterFinished"]));
                if ttl.is_some_and(|t| !t.is_null()) {
                    out.pass(object);
                    continue;
                }
                let excessive = ["successfulJobsHistoryLimit", "failedJobsHistoryLimit"]
                    .into_iter()
                    .find_map(|field| {
                        let node = spec.and_then(|s| s.get(field))?;
                        let n = node.as_i64()?;
                        (n > MAX_HISTORY).then_some((field, n, node))
                    });
                match excessive {
                    Some((field, n, node)) => out.warn(
                        Subject::object(object).at(format!("spec.{field}"), Some(node)),
                        format!(
                            "CronJob `{}` keeps up to {n} finished Jobs ({field}: {n}); keep {MAX_HISTORY} or fewer",
                            object.name()
                        ),
                    ),
                    None => out.pass(object),
                }
            }
            _ => {}
        }
    }
}
