use crate::prelude::*;

declare_check! {
    /// ## What it checks
    /// On a whole cluster (live, snapshot, or manifests declared `--complete`), the
    /// StorageClasses annotated `storageclass.kubernetes.io/is-default-class: "true"`:
    /// - exactly one default: pass;
    /// - more than one: warn (Kubernetes picks the newest, which is rarely what was meant);
    /// - none, while a PersistentVolumeClaim omits `storageClassName`: fail on each such
    ///   claim — it stays `Pending` (claims with `storageClassName: ""` ask for static
    ///   binding on purpose and are left alone);
    /// - none, and every claim names its class: pass (nothing depends on a default).
    ///
    /// Manifests alone cannot show that a cluster has no default class, so without a whole
    /// cluster the check is not evaluated.
    ///
    /// ## Why it matters
    /// Helm charts and operators create claims without a class and expect the cluster's
    /// default. Without one they wait forever; with two, the class chosen depends on
    /// creation order, so volumes land on gp2 or unencrypted storage by accident.
    ///
    /// ## How to fix
    /// Mark one class as the default, and remove the annotation from the others:
    /// ```yaml
    /// apiVersion: storage.k8s.io/v1
    /// kind: StorageClass
    /// metadata:
    ///   name: gp3
    ///   annotations:
    ///     storageclass.kubernetes.io/is-default-class: "true"
    /// provisioner: ebs.csi.aws.com
    /// volumeBindingMode: WaitForFirstConsumer
    /// parameters: {type: gp3, encrypted: "true"}
    /// ```
    /// `kubectl annotate storageclass gp2 storageclass.kubernetes.io/is-default-class-` removes
    /// the flag from the EKS-created gp2 class.
    ///
    /// ## References
    /// - <https://kubernetes.io/docs/tasks/administer-cluster/change-default-storage-class/>
    /// - <https://docs.aws.amazon.com/eks/latest/userguide/create-storage-class.html>
    "default-storageclass",
    run,
    needs = ["storage.k8s.io/storageclasses", "persistentvolumeclaims"]
}

const DEFAULT_ANNOTATIONS: [&str; 2] = [
    "storageclass.kubernetes.io/is-default-class",
    // The beta annotation is still honoured by the API server.
    "storageclass.beta.kubernetes.io/is-default-class",
];

fn run(cx: &Context<'_>, out: &mut Outcomes) {
    let Some(cluster) = cx.whole_cluster() else {
        return;
    };
    let defaults: Vec<&Object> = cx
        .inv
        .of_kind("StorageClass")
        .filter(|sc| sc.api_group() == "storage.k8s.io")
        .filter(|sc| {
            DEFAULT_ANNOTATIONS
                .iter()
                .any(|a| sc.annotation(a).is_some_and(|v| v == "true"))
        })
        .collect();
    match defaults.as_slice() {
        [_] => out.pass(cluster),
        [] => {
            let mut stranded = false;
            for pvc in cx
                .inv
                .of_kind("PersistentVolumeClaim")
                .filter(|o| o.api_group().is_empty())
            {
                let class = pvc.root().at(&["spec", "storageClassName"]);
                if class.is_none_or(Node::is_null) {
                    stranded = true;
                    out.fail(
                        Subject::object(pvc).at("spec.storageClassName", None),
                        format!(
                            "PersistentVolumeClaim `{}` names no storageClassName and the cluster \
                             has no default StorageClass: it stays Pending",
                            pvc.name()
                        ),
                    );
                }
            }
            if !stranded {
                out.pass(cluster);
            }
        }
        many => {
            let names: Vec<_> = many.iter().map(|sc| format!("`{}`", sc.name())).collect();
            out.warn(
                Subject::object(cluster),
                format!(
                    "{} StorageClasses are marked default ({}): claims without a class get \
                     whichever was created last",
                    many.len(),
                    names.join(", ")
                ),
            );
        }
    }
}
