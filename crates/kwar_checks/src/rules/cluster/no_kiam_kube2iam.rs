use kwar_detect::Signal;

use crate::prelude::*;
use crate::retired::{evidence_of, judge_retired, Evidence};

declare_check! {
    /// ## What it checks
    /// Whether kiam or kube2iam gives pods their AWS credentials, through the catalog's
    /// `kiam` and `kube2iam` detectors: their DaemonSets (`kiam-agent`, `kiam-server`,
    /// `kube2iam`), a pod template annotated `iam.amazonaws.com/role` (the role those proxies
    /// hand out), or a Namespace annotated `iam.amazonaws.com/permitted` (kiam's policy).
    /// - found on a whole cluster: the Cluster object fails, naming the evidence;
    /// - found in manifests alone: the first object showing it fails;
    /// - not found on a whole cluster: the Cluster object passes.
    ///
    /// An `iam.amazonaws.com/role` annotation without either agent still fails: the workload
    /// expects a credential proxy, and without one its SDK falls back to the node's role.
    /// Manifests without any of these say nothing.
    ///
    /// ## Why it matters
    /// Both tools intercept every pod's calls to the EC2 instance metadata service and hand
    /// out role credentials from the node: the node role must be allowed to assume every pod
    /// role, a proxy failure or race gives pods the node's own credentials, and pods on the
    /// host network bypass them. kiam is archived and kube2iam is unmaintained. EKS Pod
    /// Identity and IRSA scope credentials to a ServiceAccount without any proxy.
    ///
    /// ## How to fix
    /// Move each role to EKS Pod Identity (or IRSA), then remove the annotations and the
    /// DaemonSets, and keep pods away from the node's credentials (IMDSv2 required, with a
    /// hop limit of 1, on the nodes):
    /// ```sh
    /// aws eks create-pod-identity-association --cluster-name prod --namespace shop \
    ///   --service-account checkout --role-arn arn:aws:iam::111122223333:role/checkout
    /// kubectl -n shop annotate deployment checkout iam.amazonaws.com/role-
    /// kubectl -n kube-system delete daemonset kube2iam
    /// ```
    ///
    /// ## References
    /// - <https://docs.aws.amazon.com/eks/latest/userguide/pod-identities.html>
    /// - <https://docs.aws.amazon.com/eks/latest/best-practices/identity-and-access-management.html>
    /// - <https://github.com/uswitch/kiam>
    "no-kiam-kube2iam",
    run,
    needs = ["apps/daemonsets", "namespaces"]
}

fn run(cx: &Context<'_>, out: &mut Outcomes) {
    let mut evidence: Vec<Evidence<'_>> = Vec::new();
    // The agents name the tool; the shared pod annotation alone cannot tell which one.
    let mut agents: Vec<&str> = Vec::new();
    for id in ["kiam", "kube2iam"] {
        let Some(detection) = cx.detections.get(id) else {
            continue;
        };
        if detection.matches_of(Signal::Workload).next().is_some() {
            agents.push(id);
        }
        for e in evidence_of(cx, detection) {
            if evidence.iter().all(|known| known.object.id != e.object.id) {
                evidence.push(e);
            }
        }
    }
    let what = match agents.as_slice() {
        [] => "A kiam/kube2iam pod role (annotation `iam.amazonaws.com/role`)".to_string(),
        names => names.join(" and "),
    };
    judge_retired(
        cx,
        out,
        &evidence,
        &what,
        "it proxies the node's metadata service to hand out pod credentials (archived or \
         unmaintained); expected EKS Pod Identity or IRSA",
    );
}
