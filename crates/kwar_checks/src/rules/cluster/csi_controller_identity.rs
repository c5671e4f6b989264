use crate::prelude::*;
use crate::running_pods::{controller_of, pods};

declare_check! {
    /// ## What it checks
    /// The AWS identity of the self-managed EBS CSI controller — the `ebs-csi-controller`
    /// Deployment and its ServiceAccount (`ebs-csi-controller-sa` in `kube-system` for the EKS
    /// add-on and the Helm chart):
    /// - pass: the ServiceAccount carries an IRSA role (`eks.amazonaws.com/role-arn`), or the
    ///   controller's running pods received IRSA or EKS Pod Identity credentials (the
    ///   `AWS_ROLE_ARN`/`AWS_WEB_IDENTITY_TOKEN_FILE` or `AWS_CONTAINER_CREDENTIALS_FULL_URI`
    ///   variables the EKS webhook injects);
    /// - warn: the controller uses static access keys (`AWS_ACCESS_KEY_ID` in its pod
    ///   template), or — on a whole cluster — neither the ServiceAccount nor the running pods
    ///   show a pod-level identity, so the controller falls back to the node instance role;
    /// - unknown: no IRSA annotation and no running pods to look at while the EKS Pod
    ///   Identity agent is installed (or the input is not a whole cluster): a Pod Identity
    ///   association lives in the EKS API (`eks:ListPodIdentityAssociations`), not in the
    ///   cluster, so it can be neither confirmed nor ruled out.
    ///
    /// EKS Auto Mode's block storage (`ebs.csi.eks.amazonaws.com`) runs outside the cluster
    /// with the cluster role and is not evaluated, nor is a cluster without the controller.
    /// Pods started before a Pod Identity association was created do not use it until they
    /// restart; the warning says so.
    ///
    /// ## Why it matters
    /// The controller creates, attaches, snapshots and deletes EBS volumes. Granting that on
    /// the node instance role gives it to every pod on every node that can reach the instance
    /// metadata service — any compromised pod can then detach or delete the cluster's data
    /// volumes. Static keys are long-lived secrets that are rarely rotated.
    ///
    /// ## How to fix
    /// Give the controller its own role, with the AWS managed policy
    /// `AmazonEBSCSIDriverPolicy`, through the add-on:
    /// ```sh
    /// aws eks create-pod-identity-association --cluster-name prod-eu \
    ///   --namespace kube-system --service-account ebs-csi-controller-sa \
    ///   --role-arn arn:aws:iam::123456789012:role/AmazonEKS_EBS_CSI_DriverRole
    /// # or IRSA:
    /// aws eks update-addon --cluster-name prod-eu --addon-name aws-ebs-csi-driver \
    ///   --service-account-role-arn arn:aws:iam::123456789012:role/AmazonEKS_EBS_CSI_DriverRole
    /// kubectl rollout restart -n kube-system deployment/ebs-csi-controller
    /// ```
    /// then remove `AmazonEBSCSIDriverPolicy` from the node role and require IMDSv2 with a hop
    /// limit of 1.
    ///
    /// ## References
    /// - <https://docs.aws.amazon.com/eks/latest/userguide/ebs-csi.html>
    /// - <https://docs.aws.amazon.com/eks/latest/userguide/pod-identities.html>
    "csi-controller-identity",
    run,
    needs = ["serviceaccounts", "apps/deployments"]
}

const ROLE_ANNOTATION: &str = "eks.amazonaws.com/role-arn";
const DEFAULT_SERVICE_ACCOUNT: &str = "ebs-csi-controller-sa";

/// What the controller's containers carry in their environment.
#[derive(Default)]
struct Credentials {
    irsa: bool,
    pod_identity: bool,
    static_keys: bool,
}

impl Credentials {
    fn read(&mut self, containers: &[Container<'_>]) {
        for c in containers {
            for env in c.get("env").map(Node::items).unwrap_or_default() {
                match env.get("name").and_then(Node::as_str) {
                    Some("AWS_ROLE_ARN" | "AWS_WEB_IDENTITY_TOKEN_FILE") => self.irsa = true,
                    Some("AWS_CONTAINER_CREDENTIALS_FULL_URI") => self.pod_identity = true,
                    Some("AWS_ACCESS_KEY_ID") => self.static_keys = true,
                    _ => {}
                }
            }
        }
    }
}

fn run(cx: &Context<'_>, out: &mut Outcomes) {
    let controllers: Vec<&Object> = cx
        .inv
        .of_kind("Deployment")
        .filter(|d| d.api_group() == "apps" && d.name() == "ebs-csi-controller")
        .collect();
    // Without the Deployment, a ServiceAccount of the add-on's name still tells (manifests of
    // the add-on's configuration, a partial collection).
    if controllers.is_empty() {
        if let Some(sa) = cx
            .inv
            .of_kind("ServiceAccount")
            .find(|sa| sa.name() == DEFAULT_SERVICE_ACCOUNT)
        {
            judge(cx, out, sa, None);
        }
        return;
    }
    for deployment in controllers {
        judge(cx, out, deployment, Some(deployment));
    }
}

fn judge(cx: &Context<'_>, out: &mut Outcomes, found: &Object, deployment: Option<&Object>) {
    let workload = deployment.and_then(|d| cx.inv.workload_of(d.id));
    let sa_name = match (workload, deployment) {
        (Some(w), Some(d)) => w
            .pod_field(d, "serviceAccountName")
            .and_then(Node::as_str)
            .unwrap_or("default"),
        _ => found.name(),
    };
    let sa = if found.kind() == "ServiceAccount" {
        Some(found)
    } else {
        cx.inv.find("ServiceAccount", found.namespace(), sa_name)
    };
    let subject_object = sa.unwrap_or(found);
    let role = sa
        .and_then(|s| s.annotation(ROLE_ANNOTATION))
        .filter(|r| !r.trim().is_empty());
    if role.is_some() {
        return out.pass(subject_object);
    }

    let mut template = Credentials::default();
    if let (Some(w), Some(d)) = (workload, deployment) {
        template.read(&w.containers(d));
    }
    let mut running = Credentials::default();
    let mut pod_count = 0;
    if let Some(d) = deployment {
        for pod in pods(cx.inv).filter(|p| p.namespace() == d.namespace()) {
            if controller_of(cx.inv, pod).id != d.id {
                continue;
            }
            if let Some(w) = cx.inv.workload_of(pod.id) {
                pod_count += 1;
                running.read(&w.containers(pod));
            }
        }
    }
    if template.irsa || template.pod_identity || running.irsa || running.pod_identity {
        return out.pass(subject_object);
    }
    let who = format!("`{}`", subject_object.display_name());
    if template.static_keys || running.static_keys {
        return out.warn(
            Subject::object(deployment.unwrap_or(subject_object)),
            format!(
                "the EBS CSI controller ({who}) authenticates with static AWS access keys: give \
                 it an IAM role through EKS Pod Identity or IRSA"
            ),
        );
    }
    let agent = cx
        .inv
        .find("DaemonSet", Some("kube-system"), "eks-pod-identity-agent")
        .is_some();
    let subject = Subject::object(subject_object).at(
        "metadata.annotations",
        subject_object.root().at(&["metadata", "annotations"]),
    );
    if pod_count > 0 && cx.whole_cluster().is_some() {
        out.warn(
            subject,
            format!(
                "the EBS CSI controller ({who}) has no IRSA role and its {pod_count} running \
                 pod(s) received no IRSA or Pod Identity credentials: it uses the node instance \
                 role (if a Pod Identity association was created since, restart the controller)"
            ),
        );
    } else if !agent && cx.whole_cluster().is_some() {
        out.warn(
            subject,
            format!(
                "the EBS CSI controller ({who}) has no IRSA role and the cluster runs no EKS Pod \
                 Identity agent: it uses the node instance role"
            ),
        );
    } else {
        out.unknown(
            subject,
            format!(
                "the EBS CSI controller ({who}) has no IRSA role annotation; whether an EKS Pod \
                 Identity association gives it a role is recorded in the EKS API, not in the \
                 cluster (check `aws eks list-pod-identity-associations`)"
            ),
        );
    }
}
