use std::collections::{BTreeMap, HashSet};

use crate::prelude::*;

declare_check! {
    /// ## What it checks
    /// Whether the persistent data of the workloads outside the system namespaces is covered
    /// by a backup mechanism visible in the cluster. The data is every PersistentVolumeClaim
    /// outside the system namespaces and, in manifests, every StatefulSet
    /// `volumeClaimTemplate`; claims a StatefulSet of the input generates
    /// (`<template>-<statefulset>-<n>`) are reported once, on the StatefulSet. A claim is
    /// covered by:
    /// - a Velero `Schedule` that is not paused, includes its namespace
    ///   (`includedNamespaces` empty or `*`, not excluded) and backs up volume data (volume
    ///   snapshots not disabled, or file-system backup by default);
    /// - a Kasten K10 `Policy` with a backup action selecting its namespace (or all);
    /// - a snapscheduler `SnapshotSchedule` in its namespace that is not disabled, or a
    ///   `VolumeSnapshot` of the claim itself;
    /// - an operator's own scheduled backups in its namespace: CloudNativePG
    ///   `ScheduledBackup`, Percona XtraDB or MongoDB clusters with `spec.backup` schedules,
    ///   Crunchy `PostgresCluster` with `spec.backups`, K8ssandra `MedusaBackupSchedule`.
    ///
    /// Covered claims pass. On a whole cluster an uncovered claim fails; in manifests alone
    /// nothing is concluded about uncovered data (the backup may be defined elsewhere).
    /// AWS Backup for EKS and EBS snapshot policies (Data Lifecycle Manager) live in AWS and
    /// are not visible in the cluster: if they protect the volumes, the finding is answered
    /// by the AWS evidence (`backup:ListProtectedResources`) or the review's question.
    ///
    /// ## Why it matters
    /// A PersistentVolume is a single copy of the data: a deleted namespace or claim, a
    /// corrupted database, ransomware, or an application bug that overwrites rows has no
    /// remedy without a backup taken elsewhere and on a schedule. Replicas replicate the
    /// damage too.
    ///
    /// ## How to fix
    /// Schedule backups of the namespaces that hold data, volume data included:
    /// ```yaml
    /// apiVersion: velero.io/v1
    /// kind: Schedule
    /// metadata: {name: daily, namespace: velero}
    /// spec:
    ///   schedule: "0 2 * * *"
    ///   template:
    ///     includedNamespaces: [shop, catalog]
    ///     snapshotVolumes: true
    ///     ttl: 720h0m0s
    /// ```
    /// or protect the cluster with AWS Backup for EKS, and test a restore regularly.
    ///
    /// ## References
    /// - <https://velero.io/docs/main/backup-reference/>
    /// - <https://docs.aws.amazon.com/aws-backup/latest/devguide/eks-backups.html>
    /// - <https://kubernetes.io/docs/concepts/workloads/controllers/statefulset/>
    "stateful-backup",
    run,
    needs = [
        "persistentvolumeclaims",
        "velero.io/schedules",
        "config.kio.kasten.io/policies",
        "snapshot.storage.k8s.io/volumesnapshots",
        "snapscheduler.backube/snapshotschedules"
    ]
}

/// Which namespaces scheduled backups cover.
#[derive(Default)]
struct Coverage {
    /// A mechanism covers every namespace: its name.
    everywhere: Option<String>,
    /// Namespace → the mechanism that covers it.
    namespaces: BTreeMap<String, String>,
    /// (namespace, claim) with a VolumeSnapshot.
    snapshots: HashSet<(String, String)>,
}

impl Coverage {
    fn of(&self, namespace: &str, claims: &[&str]) -> Option<String> {
        if let Some(by) = self.namespaces.get(namespace) {
            return Some(by.clone());
        }
        if let Some(by) = &self.everywhere {
            return Some(by.clone());
        }
        claims
            .iter()
            .any(|c| {
                self.snapshots
                    .contains(&(namespace.to_string(), c.to_string()))
            })
            .then(|| "a VolumeSnapshot".to_string())
    }

    fn collect(cx: &Context<'_>, namespaces: &HashSet<String>) -> Coverage {
        let mut cov = Coverage::default();
        let texts = |n: Option<&Node>| -> Vec<String> {
            n.map(Node::items)
                .unwrap_or_default()
                .iter()
                .filter_map(Node::scalar_text)
                .collect()
        };
        for schedule in cx
            .inv
            .of_kind("Schedule")
            .filter(|o| o.api_group() == "velero.io")
        {
            let spec = schedule.spec();
            let flag = |path: &[&str]| spec.and_then(|s| s.at(path)).and_then(Node::as_bool);
            if flag(&["paused"]) == Some(true)
                || (flag(&["template", "snapshotVolumes"]) == Some(false)
                    && flag(&["template", "defaultVolumesToFsBackup"]) != Some(true))
            {
                continue;
            }
            let by = format!("the Velero Schedule `{}`", schedule.display_name());
            let included = texts(spec.and_then(|s| s.at(&["template", "includedNamespaces"])));
            let excluded = texts(spec.and_then(|s| s.at(&["template", "excludedNamespaces"])));
            if included.is_empty() || included.iter().any(|n| n == "*") {
                for ns in namespaces.iter().filter(|ns| !excluded.contains(ns)) {
                    cov.namespaces
                        .entry(ns.clone())
                        .or_insert_with(|| by.clone());
                }
            } else {
                for ns in included.iter().filter(|ns| !excluded.contains(ns)) {
                    cov.namespaces
                        .entry(ns.clone())
                        .or_insert_with(|| by.clone());
                }
            }
        }
        for policy in cx
            .inv
            .of_kind("Policy")
            .filter(|o| o.api_group() == "config.kio.kasten.io")
        {
            let spec = policy.spec();
            let backs_up = spec
                .and_then(|s| s.get("actions"))
                .map(Node::items)
                .unwrap_or_default()
                .iter()
                .any(|a| a.get("action").and_then(Node::as_str) == Some("backup"));
            if !backs_up {
                continue;
            }
            let by = format!("the Kasten K10 Policy `{}`", policy.display_name());
            let selected: Vec<String> = spec
                .and_then(|s| s.at(&["selector", "matchExpressions"]))
                .map(Node::items)
                .unwrap_or_default()
                .iter()
                .filter(|e| {
                    e.get("key").and_then(Node::as_str) == Some("k10.kasten.io/appNamespace")
                        && e.get("operator").and_then(Node::as_str) == Some("In")
                })
                .flat_map(|e| texts(e.get("values")))
                .collect();
            if selected.is_empty() {
                cov.everywhere.get_or_insert(by);
            } else {
                for ns in selected {
                    cov.namespaces.entry(ns).or_insert_with(|| by.clone());
                }
            }
        }
        // Backups scheduled in the data's own namespace.
        let in_namespace: [(&str, &str, &[&str]); 6] = [
            ("snapscheduler.backube", "SnapshotSchedule", &[]),
            ("postgresql.cnpg.io", "ScheduledBackup", &[]),
            ("k8ssandra.io", "MedusaBackupSchedule", &[]),
            (
                "pxc.percona.com",
                "PerconaXtraDBCluster",
                &["backup", "schedule"],
            ),
            (
                "psmdb.percona.com",
                "PerconaServerMongoDB",
                &["backup", "tasks"],
            ),
            (
                "postgres-operator.crunchydata.com",
                "PostgresCluster",
                &["backups"],
            ),
        ];
        for (group, kind, field) in in_namespace {
            for object in cx.inv.of_kind(kind).filter(|o| o.api_group() == group) {
                let spec = object.spec();
                if spec.and_then(|s| s.get("disabled")).and_then(Node::as_bool) == Some(true)
                    || spec.and_then(|s| s.get("suspend")).and_then(Node::as_bool) == Some(true)
                {
                    continue;
                }
                if !field.is_empty()
                    && spec.and_then(|s| s.at(field)).is_none_or(|n| {
                        n.is_null() || (n.items().is_empty() && n.entries().is_empty())
                    })
                {
                    continue;
                }
                let by = format!("the {kind} `{}`", object.display_name());
                cov.namespaces
                    .entry(object.namespace_key().to_string())
                    .or_insert(by);
            }
        }
        for snapshot in cx
            .inv
            .of_kind("VolumeSnapshot")
            .filter(|o| o.api_group() == "snapshot.storage.k8s.io")
        {
            if let Some(claim) = snapshot
                .root()
                .at(&["spec", "source", "persistentVolumeClaimName"])
                .and_then(Node::as_str)
            {
                cov.snapshots
                    .insert((snapshot.namespace_key().to_string(), claim.to_string()));
            }
        }
        cov
    }
}

/// Data to protect: a StatefulSet with its claims, or a lone claim.
struct Data<'a> {
    object: &'a Object,
    claims: Vec<&'a str>,
}

fn run(cx: &Context<'_>, out: &mut Outcomes) {
    let mut data: Vec<Data<'_>> = Vec::new();
    // `<template>-<statefulset>-` → index in `data`.
    let mut prefixes: BTreeMap<(String, String), usize> = BTreeMap::new();
    for w in cx.inv.workloads() {
        let sts = cx.inv.object(w.object);
        if w.kind != WorkloadKind::StatefulSet || cx.in_system_namespace(sts) {
            continue;
        }
        let templates = sts
            .root()
            .at(&["spec", "volumeClaimTemplates"])
            .map(Node::items)
            .unwrap_or_default();
        if templates.is_empty() {
            continue;
        }
        for t in templates {
            if let Some(name) = t.at(&["metadata", "name"]).and_then(Node::as_str) {
                prefixes.insert(
                    (
                        sts.namespace_key().to_string(),
                        format!("{name}-{}-", sts.name()),
                    ),
                    data.len(),
                );
            }
        }
        data.push(Data {
            object: sts,
            claims: Vec::new(),
        });
    }
    for claim in cx
        .inv
        .of_kind("PersistentVolumeClaim")
        .filter(|c| c.api_group().is_empty() && !cx.in_system_namespace(c))
    {
        let ns = claim.namespace_key().to_string();
        let generated_by = claim.name().rsplit_once('-').and_then(|(prefix, ordinal)| {
            ordinal
                .bytes()
                .all(|b| b.is_ascii_digit())
                .then(|| prefixes.get(&(ns.clone(), format!("{prefix}-"))))
                .flatten()
        });
        match generated_by {
            Some(&i) => data[i].claims.push(claim.name()),
            None => data.push(Data {
                object: claim,
                claims: vec![claim.name()],
            }),
        }
    }
    if data.is_empty() {
        return;
    }
    let namespaces: HashSet<String> = data
        .iter()
        .map(|d| d.object.namespace_key().to_string())
        .collect();
    let coverage = Coverage::collect(cx, &namespaces);
    let whole = cx.whole_cluster().is_some();
    let backup_tool = cx.detections.is_present("backup-tools");
    for d in &data {
        let ns = d.object.namespace_key();
        if coverage.of(ns, &d.claims).is_some() {
            out.pass(d.object);
        } else if whole {
            let installed = if backup_tool {
                " (a backup tool is installed, but nothing schedules backups of this namespace)"
            } else {
                ""
            };
            out.fail(
                Subject::object(d.object),
                format!(
                    "the persistent data of `{}` is not covered by any backup visible in the \
                     cluster{installed}: schedule Velero/Kasten/snapshot backups, or confirm AWS \
                     Backup protects its volumes",
                    d.object.display_name()
                ),
            );
        }
    }
}
