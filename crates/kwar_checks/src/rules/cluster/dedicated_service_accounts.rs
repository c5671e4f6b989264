use std::collections::HashMap;

use crate::prelude::*;

declare_check! {
    /// ## What it checks
    /// Every Deployment, StatefulSet, DaemonSet and Argo Rollout outside the system
    /// namespaces runs under a ServiceAccount of its own. It warns when the pod template names
    /// no ServiceAccount (`serviceAccountName`, or the deprecated `serviceAccount`, missing:
    /// the pods run as the namespace's `default` ServiceAccount) or names `default`, and when
    /// the same ServiceAccount is used by several of these workloads in the namespace. Jobs
    /// and CronJobs are not evaluated, and do not count as sharing: a chart's migration Job
    /// commonly reuses its application's identity. It passes otherwise.
    ///
    /// ## Why it matters
    /// The ServiceAccount is the pod's identity, both for Kubernetes RBAC and for AWS (IRSA
    /// roles and EKS Pod Identity associations are bound to a ServiceAccount). Every workload
    /// sharing an account gets the union of the permissions granted to it, so a compromise of
    /// the least important one reaches the data of all the others, and permissions can never
    /// be trimmed to what one workload needs. The `default` account is the one anyone adds a
    /// binding to "just to make it work".
    ///
    /// ## How to fix
    /// Create one ServiceAccount per workload and reference it; disable token mounting when
    /// the workload does not call the API:
    /// ```yaml
    /// apiVersion: v1
    /// kind: ServiceAccount
    /// metadata:
    ///   name: checkout
    ///   namespace: shop
    ///   annotations:
    ///     eks.amazonaws.com/role-arn: arn:aws:iam::111122223333:role/shop-checkout
    /// automountServiceAccountToken: false
    /// ---
    /// apiVersion: apps/v1
    /// kind: Deployment
    /// metadata: {name: checkout, namespace: shop}
    /// spec:
    ///   template:
    ///     spec:
    ///       serviceAccountName: checkout
    /// ```
    ///
    /// ## References
    /// - <https://docs.aws.amazon.com/eks/latest/best-practices/identity-and-access-management.html#_identities_and_credentials_for_eks_pods>
    /// - <https://docs.aws.amazon.com/eks/latest/userguide/pod-identities.html>
    /// - <https://kubernetes.io/docs/concepts/security/service-accounts/>
    "dedicated-service-accounts",
    run
}

fn in_scope(kind: WorkloadKind) -> bool {
    matches!(
        kind,
        WorkloadKind::Deployment
            | WorkloadKind::StatefulSet
            | WorkloadKind::DaemonSet
            | WorkloadKind::Rollout
    )
}

/// The ServiceAccount the pods run as, with the field that names it (None: not named).
fn service_account<'a>(
    w: &Workload,
    object: &'a Object,
) -> (&'a str, Option<(&'static str, &'a Node)>) {
    for field in ["serviceAccountName", "serviceAccount"] {
        if let Some(node) = w.pod_field(object, field) {
            if let Some(name) = node.as_str().filter(|n| !n.is_empty()) {
                return (name, Some((field, node)));
            }
        }
    }
    ("default", None)
}

fn run(cx: &Context<'_>, out: &mut Outcomes) {
    let workloads: Vec<(&Workload, &Object)> = cx
        .app_workloads()
        .filter(|(w, _)| in_scope(w.kind))
        .collect();
    let mut users: HashMap<(&str, &str), Vec<&Object>> = HashMap::new();
    for (w, object) in &workloads {
        let (sa, _) = service_account(w, object);
        users
            .entry((object.namespace_key(), sa))
            .or_default()
            .push(object);
    }
    for (w, object) in workloads {
        let (sa, field) = service_account(w, object);
        let subject = match field {
            Some((name, node)) => {
                Subject::object(object).at(format!("{}.{name}", w.pod_path), Some(node))
            }
            None => Subject::object(object).at(
                format!("{}.serviceAccountName", w.pod_path),
                w.pod_spec(object),
            ),
        };
        if sa == "default" {
            let how = if field.is_some() {
                "names the `default` ServiceAccount"
            } else {
                "names no ServiceAccount, so its pods run as `default`"
            };
            out.warn(
                subject,
                format!("{} `{}` {how}", object.kind(), object.name()),
            );
            continue;
        }
        let others: Vec<String> = users[&(object.namespace_key(), sa)]
            .iter()
            .filter(|o| o.id != object.id)
            .map(|o| format!("{} `{}`", o.kind(), o.name()))
            .collect();
        if others.is_empty() {
            out.pass(object);
        } else {
            out.warn(
                subject,
                format!(
                    "{} `{}` shares ServiceAccount `{sa}` with {}",
                    object.kind(),
                    object.name(),
                    others.join(", ")
                ),
            );
        }
    }
}
