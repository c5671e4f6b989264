use kwar_detect::Signal;

use crate::prelude::*;

declare_check! {
    /// ## What it checks
    /// Whether the cluster can attach the EBS volumes its claims ask for. The check applies
    /// when the input uses EBS: a PersistentVolumeClaim or StatefulSet `volumeClaimTemplate`
    /// whose StorageClass (named, or the default one) is provisioned by `ebs.csi.aws.com` or
    /// the in-tree `kubernetes.io/aws-ebs`, or a PersistentVolume of the EBS CSI driver or of
    /// the in-tree `awsElasticBlockStore` plugin. Claims of EKS Auto Mode's
    /// `ebs.csi.eks.amazonaws.com` need Auto Mode instead.
    /// - pass: the driver is there — a `CSIDriver` `ebs.csi.aws.com`, or the
    ///   `ebs-csi-controller`/`ebs-csi-node` workloads (the catalog's `ebs-csi` detector; the
    ///   in-tree provisioner alone does not count), or for Auto Mode claims the
    ///   `ebs.csi.eks.amazonaws.com` CSIDriver or Auto Mode nodes (`eks-auto-mode`
    ///   detector). Passes are given on the Cluster object of a whole cluster, else on the
    ///   object that shows the driver.
    /// - fail: on a whole cluster, EBS storage is used but no driver is installed — or the
    ///   `ebs-csi-controller` Deployment is installed with none of its replicas available
    ///   (its status says so): nothing can provision or attach volumes. The finding is on
    ///   the Cluster object, or on the Deployment.
    ///
    /// Manifests alone cannot show that the driver is missing: without a whole cluster only
    /// a present driver is reported. The driver's IAM identity is judged by
    /// `csi-controller-identity`, not here.
    ///
    /// ## Why it matters
    /// Since Kubernetes 1.23 the in-tree EBS plugin only forwards to the EBS CSI driver, and
    /// EKS does not install the driver by default: without it, new claims stay `Pending`,
    /// pods of StatefulSets cannot start, and existing volumes cannot be attached after a
    /// node replacement — an outage that typically surfaces during an upgrade.
    ///
    /// ## How to fix
    /// Install the driver as an EKS add-on, with its own IAM role:
    /// ```sh
    /// aws eks create-addon --cluster-name prod-eu --addon-name aws-ebs-csi-driver \
    ///   --service-account-role-arn arn:aws:iam::123456789012:role/AmazonEKS_EBS_CSI_DriverRole
    /// ```
    /// and provision through it:
    /// ```yaml
    /// apiVersion: storage.k8s.io/v1
    /// kind: StorageClass
    /// metadata: {name: gp3}
    /// provisioner: ebs.csi.aws.com
    /// volumeBindingMode: WaitForFirstConsumer
    /// parameters: {type: gp3, encrypted: "true"}
    /// ```
    ///
    /// ## References
    /// - <https://docs.aws.amazon.com/eks/latest/userguide/ebs-csi.html>
    /// - <https://docs.aws.amazon.com/eks/latest/userguide/automode.html>
    "ebs-csi-installed",
    run,
    needs = [
        "storage.k8s.io/csidrivers",
        "storage.k8s.io/storageclasses",
        "persistentvolumeclaims",
        "persistentvolumes"
    ]
}

const EBS_PROVISIONERS: [&str; 2] = ["ebs.csi.aws.com", "kubernetes.io/aws-ebs"];
const AUTO_MODE_PROVISIONER: &str = "ebs.csi.eks.amazonaws.com";
const DEFAULT_ANNOTATIONS: [&str; 2] = [
    "storageclass.kubernetes.io/is-default-class",
    "storageclass.beta.kubernetes.io/is-default-class",
];

/// What kind of EBS storage the input uses.
#[derive(Default)]
struct Usage<'a> {
    /// Objects that need the EBS CSI driver.
    csi: Vec<&'a Object>,
    /// Objects that need EKS Auto Mode's block storage.
    auto_mode: Vec<&'a Object>,
}

fn usage<'a>(cx: &Context<'a>) -> Usage<'a> {
    let provisioner_of = |class: Option<&Node>| -> Option<&'a str> {
        let sc = match class.and_then(Node::as_str) {
            Some("") => return None,
            Some(name) => cx.inv.find("StorageClass", None, name)?,
            None => cx.inv.of_kind("StorageClass").find(|sc| {
                DEFAULT_ANNOTATIONS
                    .iter()
                    .any(|a| sc.annotation(a) == Some("true"))
            })?,
        };
        sc.root().get("provisioner").and_then(Node::as_str)
    };
    let mut found = Usage::default();
    let mut record = |object: &'a Object, provisioner: Option<&str>| match provisioner {
        Some(p) if EBS_PROVISIONERS.contains(&p) => found.csi.push(object),
        Some(AUTO_MODE_PROVISIONER) => found.auto_mode.push(object),
        _ => {}
    };
    for claim in cx
        .inv
        .of_kind("PersistentVolumeClaim")
        .filter(|c| c.api_group().is_empty())
    {
        record(
            claim,
            provisioner_of(claim.root().at(&["spec", "storageClassName"])),
        );
    }
    for w in cx.inv.workloads() {
        let sts = cx.inv.object(w.object);
        if w.kind != WorkloadKind::StatefulSet {
            continue;
        }
        for template in sts
            .root()
            .at(&["spec", "volumeClaimTemplates"])
            .map(Node::items)
            .unwrap_or_default()
        {
            record(
                sts,
                provisioner_of(template.at(&["spec", "storageClassName"])),
            );
        }
    }
    for pv in cx
        .inv
        .of_kind("PersistentVolume")
        .filter(|p| p.api_group().is_empty())
    {
        let spec = pv.spec();
        let driver = spec
            .and_then(|s| s.at(&["csi", "driver"]))
            .and_then(Node::as_str);
        if spec.and_then(|s| s.get("awsElasticBlockStore")).is_some() {
            record(pv, Some("kubernetes.io/aws-ebs"));
        } else {
            record(pv, driver);
        }
    }
    found
}

/// The object that shows a driver of `detector`: a CSIDriver or a driver workload (the
/// in-tree provisioner, marked obsolete, does not install anything).
fn driver(cx: &Context<'_>, detector: &str, csi_driver: &str) -> Option<usize> {
    if let Some(d) = cx.inv.find("CSIDriver", None, csi_driver) {
        return Some(d.id);
    }
    cx.detections
        .get(detector)?
        .matches
        .iter()
        .find(|m| !m.obsolete && !matches!(m.signal, Signal::Provisioner | Signal::CustomResource))
        .map(|m| m.object)
}

fn run(cx: &Context<'_>, out: &mut Outcomes) {
    let usage = usage(cx);
    let cluster = cx.whole_cluster();
    for (users, detector, csi_driver, what) in [
        (
            &usage.csi,
            "ebs-csi",
            "ebs.csi.aws.com",
            "the EBS CSI driver",
        ),
        (
            &usage.auto_mode,
            "eks-auto-mode",
            AUTO_MODE_PROVISIONER,
            "EKS Auto Mode block storage",
        ),
    ] {
        if users.is_empty() {
            continue;
        }
        let shown: Vec<String> = users
            .iter()
            .take(3)
            .map(|o| format!("`{}`", o.display_name()))
            .collect();
        let examples = format!(
            "{}{}",
            shown.join(", "),
            if users.len() > shown.len() {
                format!(" and {} more", users.len() - shown.len())
            } else {
                String::new()
            }
        );
        match (driver(cx, detector, csi_driver), cluster) {
            (Some(_), Some(cluster)) => {
                if !controller_down(cx, out, detector) {
                    out.pass(cluster);
                }
            }
            (Some(id), None) => {
                if !controller_down(cx, out, detector) {
                    out.pass(cx.inv.object(id));
                }
            }
            (None, Some(cluster)) => out.fail(
                Subject::object(cluster),
                format!(
                    "EBS storage is used ({examples}) but {what} is not installed: claims stay \
                     Pending and volumes cannot be attached"
                ),
            ),
            (None, None) => {}
        }
    }
}

/// Fails the self-managed controller Deployment when its status shows no available replica;
/// returns whether it did.
fn controller_down(cx: &Context<'_>, out: &mut Outcomes, detector: &str) -> bool {
    if detector != "ebs-csi" {
        return false;
    }
    let mut down = false;
    for deployment in cx
        .inv
        .of_kind("Deployment")
        .filter(|d| d.api_group() == "apps" && d.name() == "ebs-csi-controller")
    {
        let status = deployment.root().get("status");
        let Some(status) = status else { continue };
        let wanted = deployment
            .root()
            .at(&["spec", "replicas"])
            .and_then(Node::as_i64)
            .unwrap_or(1);
        let available = status
            .get("availableReplicas")
            .and_then(Node::as_i64)
            .unwrap_or(0);
        if wanted > 0 && available == 0 {
            down = true;
            out.fail(
                Subject::object(deployment).at("status", Some(status)),
                format!(
                    "the EBS CSI controller `{}` has no available replica: volumes can be \
                     neither provisioned nor attached",
                    deployment.display_name()
                ),
            );
        }
    }
    down
}
