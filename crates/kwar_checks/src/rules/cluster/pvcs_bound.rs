use std::collections::HashSet;

use crate::prelude::*;

declare_check! {
    /// ## What it checks
    /// Every PersistentVolumeClaim whose `status.phase` was collected (a cluster snapshot, a
    /// live cluster, or `kubectl get -o yaml` output):
    /// - `Bound`: pass;
    /// - `Lost` (the bound PersistentVolume was deleted): fail;
    /// - `Pending`: fail — unless the claim's StorageClass uses
    ///   `volumeBindingMode: WaitForFirstConsumer` and no pod uses the claim yet: such a claim
    ///   is waiting by design (the volume is created when a pod is scheduled) and is not
    ///   evaluated. A `Pending` claim that a pod does use, or whose class binds `Immediate`ly,
    ///   or whose class does not exist, is stuck.
    ///
    /// "Used by a pod" means a pod or pod template of the input mounts the claim, or a
    /// StatefulSet's `volumeClaimTemplates` generate it (`<template>-<statefulset>-<ordinal>`).
    /// When the StorageClasses or the pods could not be read, a `Pending` claim is `unknown`
    /// instead of failing, since the waiting-by-design case cannot be told apart. Claims
    /// without a status (hand-written manifests) are `unknown` in a live cluster or snapshot and not
    /// evaluated otherwise.
    ///
    /// ## Why it matters
    /// A pod whose claim is not bound never starts: a StatefulSet stops at the first stuck
    /// replica, a rollout hangs, and a `Lost` claim means the data volume behind it is gone.
    /// Typical causes are a StorageClass that does not exist, a missing or broken CSI driver
    /// (no EBS CSI driver, or a controller without IAM permissions), a volume requested in a
    /// zone without nodes, or a static claim whose PersistentVolume does not match.
    ///
    /// ## How to fix
    /// Find why the claim waits, then fix the class, driver or volume:
    /// ```sh
    /// kubectl describe pvc data-postgres-0 -n shop      # events: ProvisioningFailed, ...
    /// kubectl get storageclass                          # does the class exist?
    /// kubectl logs -n kube-system deploy/ebs-csi-controller -c csi-provisioner
    /// ```
    /// A claim for a StorageClass that does not exist must be recreated with an existing
    /// class (`storageClassName` is immutable):
    /// ```yaml
    /// apiVersion: v1
    /// kind: PersistentVolumeClaim
    /// metadata: {name: data-postgres-0, namespace: shop}
    /// spec:
    ///   storageClassName: gp3
    ///   accessModes: [ReadWriteOnce]
    ///   resources: {requests: {storage: 20Gi}}
    /// ```
    ///
    /// ## References
    /// - <https://kubernetes.io/docs/concepts/storage/persistent-volumes/#phase>
    /// - <https://docs.aws.amazon.com/eks/latest/userguide/storage.html>
    "pvcs-bound",
    run,
    needs = ["persistentvolumeclaims"]
}

const DEFAULT_ANNOTATIONS: [&str; 2] = [
    "storageclass.kubernetes.io/is-default-class",
    "storageclass.beta.kubernetes.io/is-default-class",
];

/// Claims that pods (or pod templates) of the input use.
struct Consumers {
    /// (namespace, claim name) mounted by a pod or pod template.
    mounted: HashSet<(String, String)>,
    /// (namespace, `<template>-<statefulset>-`): claims a StatefulSet generates.
    generated: HashSet<(String, String)>,
}

impl Consumers {
    fn collect(cx: &Context<'_>) -> Consumers {
        let mut mounted = HashSet::new();
        let mut generated = HashSet::new();
        for w in cx.inv.workloads() {
            let object = cx.inv.object(w.object);
            let ns = object.namespace_key().to_string();
            for claim in w.claim_names(object) {
                mounted.insert((ns.clone(), claim.to_string()));
            }
            if w.kind == WorkloadKind::StatefulSet {
                for template in object
                    .root()
                    .at(&["spec", "volumeClaimTemplates"])
                    .map(Node::items)
                    .unwrap_or_default()
                {
                    if let Some(name) = template.at(&["metadata", "name"]).and_then(Node::as_str) {
                        generated.insert((ns.clone(), format!("{name}-{}-", object.name())));
                    }
                }
            }
        }
        Consumers { mounted, generated }
    }

    fn uses(&self, claim: &Object) -> bool {
        let ns = claim.namespace_key().to_string();
        let name = claim.name();
        if self.mounted.contains(&(ns.clone(), name.to_string())) {
            return true;
        }
        // `<template>-<statefulset>-<ordinal>`: strip the ordinal and look the prefix up.
        name.rsplit_once('-').is_some_and(|(prefix, ordinal)| {
            !ordinal.is_empty()
                && ordinal.bytes().all(|b| b.is_ascii_digit())
                && self.generated.contains(&(ns, format!("{prefix}-")))
        })
    }
}

/// How the claim's StorageClass binds volumes, as far as the input tells.
enum Binding<'a> {
    WaitForFirstConsumer,
    Immediate,
    /// The claim names a class the whole cluster does not have.
    MissingClass(&'a str),
    /// The claim names no class and the whole cluster has no default one.
    NoDefault,
    /// Cannot tell (classes unreadable, or not in a partial input).
    Unknown,
}

fn binding<'a>(cx: &Context<'a>, claim: &'a Object) -> Binding<'a> {
    if cx.unreadable("storage.k8s.io", "storageclasses").is_some() {
        return Binding::Unknown;
    }
    let spec = claim.spec();
    let named = spec
        .and_then(|s| s.get("storageClassName"))
        .and_then(Node::as_str)
        .or_else(|| claim.annotation("volume.beta.kubernetes.io/storage-class"));
    let class = match named {
        // Static binding on purpose: no class, no provisioning.
        Some("") => return Binding::Immediate,
        Some(name) => match cx.inv.find("StorageClass", None, name) {
            Some(sc) => Some(sc),
            None if cx.whole_cluster().is_some() => return Binding::MissingClass(name),
            None => None,
        },
        None => match cx.inv.of_kind("StorageClass").find(|sc| {
            DEFAULT_ANNOTATIONS
                .iter()
                .any(|a| sc.annotation(a) == Some("true"))
        }) {
            Some(sc) => Some(sc),
            None if cx.whole_cluster().is_some() => return Binding::NoDefault,
            None => None,
        },
    };
    match class {
        Some(sc) => match sc.root().get("volumeBindingMode").and_then(Node::as_str) {
            Some("WaitForFirstConsumer") => Binding::WaitForFirstConsumer,
            _ => Binding::Immediate,
        },
        None => Binding::Unknown,
    }
}

fn run(cx: &Context<'_>, out: &mut Outcomes) {
    let consumers = Consumers::collect(cx);
    let pods_unreadable = cx.unreadable("", "pods").is_some();
    for claim in cx
        .inv
        .of_kind("PersistentVolumeClaim")
        .filter(|o| o.api_group().is_empty())
    {
        let phase_node = claim.root().at(&["status", "phase"]);
        let Some(phase) = phase_node.and_then(Node::as_str) else {
            if cx.collected_from_cluster() {
                out.unknown(
                    Subject::object(claim).at("status.phase", None),
                    format!(
                        "`{}` has no status.phase: its state was not \
                         collected",
                        claim.display_name()
                    ),
                );
            }
            continue;
        };
        let subject = || Subject::object(claim).at("status.phase", phase_node);
        match phase {
            "Bound" => out.pass(claim),
            "Lost" => out.fail(
                subject(),
                format!(
                    "`{}` is Lost: the PersistentVolume it was bound to no \
                     longer exists, and its data with it",
                    claim.display_name()
                ),
            ),
            "Pending" => pending(cx, out, claim, &consumers, pods_unreadable, subject()),
            other => out.unknown(
                subject(),
                format!(
                    "`{}` reports the unexpected phase `{other}`",
                    claim.display_name()
                ),
            ),
        }
    }
}

fn pending(
    cx: &Context<'_>,
    out: &mut Outcomes,
    claim: &Object,
    consumers: &Consumers,
    pods_unreadable: bool,
    subject: Subject,
) {
    let name = claim.display_name();
    match binding(cx, claim) {
        Binding::MissingClass(class) => out.fail(
            subject,
            format!(
                "`{name}` is Pending: its StorageClass `{class}` does not \
                 exist in the cluster"
            ),
        ),
        Binding::NoDefault => out.fail(
            subject,
            format!(
                "`{name}` is Pending: it names no storageClassName and the \
                 cluster has no default StorageClass"
            ),
        ),
        Binding::Immediate => out.fail(
            subject,
            format!(
                "`{name}` is Pending although its volume should be bound \
                 immediately: provisioning or static binding failed (see `kubectl describe pvc`)"
            ),
        ),
        Binding::WaitForFirstConsumer if consumers.uses(claim) => out.fail(
            subject,
            format!(
                "`{name}` is Pending while a pod uses it: the volume could \
                 not be provisioned for the pod's node (see `kubectl describe pvc`)"
            ),
        ),
        Binding::WaitForFirstConsumer if pods_unreadable => out.unknown(
            subject,
            format!(
                "`{name}` is Pending with WaitForFirstConsumer binding, and \
                 the pods could not be read to tell whether one is waiting for it"
            ),
        ),
        // Waiting for its first pod, by design.
        Binding::WaitForFirstConsumer => {}
        Binding::Unknown => out.unknown(
            subject,
            format!(
                "`{name}` is Pending, and its StorageClass is not in the \
                 input: cannot tell whether it waits for its first pod or is stuck"
            ),
        ),
    }
}
