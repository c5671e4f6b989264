use std::collections::BTreeMap;

use crate::prelude::*;

declare_check! {
    /// ## What it checks
    /// Every StorageClass that holds application data — named (or defaulted to, when no
    /// class is named) by the `volumeClaimTemplates` of a StatefulSet or by a
    /// PersistentVolumeClaim outside the system namespaces:
    /// - `reclaimPolicy: Retain`: pass;
    /// - `reclaimPolicy: Delete`, or no `reclaimPolicy` (Kubernetes defaults to `Delete`):
    ///   warn — unless every PersistentVolume bound to those claims was switched to
    ///   `persistentVolumeReclaimPolicy: Retain` (a common per-volume fix, visible in a
    ///   cluster dump), which passes: the existing data is protected, though volumes created
    ///   later from the class are not.
    ///
    /// The catalog's alternative "or backups verified" is not taken as a pass: kwar can see
    /// that a backup tool is installed (`stateful-backup` judges that) but not that restores
    /// work, and a deleted claim still destroys the live volume at once. Classes used only by
    /// system namespaces, and classes not in the input, are not evaluated.
    ///
    /// ## Why it matters
    /// With `Delete`, removing a claim — `helm uninstall`, deleting a namespace, a StatefulSet
    /// recreated with a new name, a GitOps prune after a refactor — deletes the EBS volume or
    /// EFS access point and the data with it, immediately and irreversibly. `Retain` keeps the
    /// volume until someone deletes it on purpose.
    ///
    /// ## How to fix
    /// Use a retaining class for data that matters:
    /// ```yaml
    /// apiVersion: storage.k8s.io/v1
    /// kind: StorageClass
    /// metadata: {name: gp3-retain}
    /// provisioner: ebs.csi.aws.com
    /// reclaimPolicy: Retain
    /// volumeBindingMode: WaitForFirstConsumer
    /// parameters: {type: gp3, encrypted: "true"}
    /// ```
    /// `reclaimPolicy` is immutable; for existing volumes patch each PersistentVolume:
    /// ```sh
    /// kubectl patch pv PV_NAME -p '{"spec":{"persistentVolumeReclaimPolicy":"Retain"}}'
    /// ```
    ///
    /// ## References
    /// - <https://kubernetes.io/docs/concepts/storage/persistent-volumes/#reclaiming>
    /// - <https://kubernetes.io/docs/tasks/administer-cluster/change-pv-reclaim-policy/>
    "data-retention-on-delete",
    run,
    needs = [
        "storage.k8s.io/storageclasses",
        "persistentvolumeclaims",
        "persistentvolumes",
        "apps/statefulsets"
    ]
}

const DEFAULT_ANNOTATIONS: [&str; 2] = [
    "storageclass.kubernetes.io/is-default-class",
    "storageclass.beta.kubernetes.io/is-default-class",
];

/// What uses one StorageClass: the objects (for the message) and the bound volumes.
#[derive(Default)]
struct Usage<'a> {
    users: Vec<&'a Object>,
    /// Claims with a bound volume name.
    volumes: Vec<&'a str>,
}

fn run(cx: &Context<'_>, out: &mut Outcomes) {
    let default_class = cx
        .inv
        .of_kind("StorageClass")
        .find(|sc| {
            DEFAULT_ANNOTATIONS
                .iter()
                .any(|a| sc.annotation(a) == Some("true"))
        })
        .map(Object::name);
    let class_of = |named: Option<&Node>| -> Option<String> {
        match named {
            Some(n) if !n.is_null() => n.as_str().filter(|s| !s.is_empty()).map(String::from),
            _ => default_class.map(String::from),
        }
    };

    let mut usage: BTreeMap<String, Usage<'_>> = BTreeMap::new();
    // Operator-owned StatefulSets included: databases run by operators hold data too.
    for w in cx.inv.workloads() {
        let object = cx.inv.object(w.object);
        if w.kind != WorkloadKind::StatefulSet || cx.in_system_namespace(object) {
            continue;
        }
        for template in object
            .root()
            .at(&["spec", "volumeClaimTemplates"])
            .map(Node::items)
            .unwrap_or_default()
        {
            if let Some(class) = class_of(template.at(&["spec", "storageClassName"])) {
                let entry = usage.entry(class).or_default();
                if !entry.users.iter().any(|u| u.id == object.id) {
                    entry.users.push(object);
                }
            }
        }
    }
    for claim in cx
        .inv
        .of_kind("PersistentVolumeClaim")
        .filter(|c| c.api_group().is_empty() && !cx.in_system_namespace(c))
    {
        let Some(class) = class_of(claim.root().at(&["spec", "storageClassName"])) else {
            continue;
        };
        let entry = usage.entry(class).or_default();
        entry.users.push(claim);
        if let Some(volume) = claim
            .root()
            .at(&["spec", "volumeName"])
            .and_then(Node::as_str)
        {
            entry.volumes.push(volume);
        }
    }

    for (class, usage) in &usage {
        let Some(sc) = cx.inv.find("StorageClass", None, class) else {
            continue;
        };
        let policy_node = sc.root().get("reclaimPolicy");
        let policy = policy_node.and_then(Node::as_str).unwrap_or("Delete");
        if policy == "Retain" {
            out.pass(sc);
            continue;
        }
        // Every bound volume switched to Retain by hand protects the data just as well.
        let volumes: Vec<&Object> = usage
            .volumes
            .iter()
            .filter_map(|v| cx.inv.find("PersistentVolume", None, v))
            .collect();
        let retained = !volumes.is_empty()
            && volumes.len() == usage.volumes.len()
            && volumes.iter().all(|pv| {
                pv.root()
                    .at(&["spec", "persistentVolumeReclaimPolicy"])
                    .and_then(Node::as_str)
                    == Some("Retain")
            });
        if retained {
            out.pass(sc);
            continue;
        }
        let shown: Vec<String> = usage
            .users
            .iter()
            .take(3)
            .map(|u| format!("`{}`", u.display_name()))
            .collect();
        let more = usage.users.len().saturating_sub(shown.len());
        out.warn(
            Subject::object(sc).at("reclaimPolicy", policy_node),
            format!(
                "StorageClass `{class}` deletes volumes with their claims (reclaimPolicy \
                 {policy}{}) and holds application data ({}{}): deleting a claim destroys the \
                 data; use reclaimPolicy Retain",
                if policy_node.is_none() {
                    " by default"
                } else {
                    ""
                },
                shown.join(", "),
                if more > 0 {
                    format!(" and {more} more")
                } else {
                    String::new()
                }
            ),
        );
    }
}
