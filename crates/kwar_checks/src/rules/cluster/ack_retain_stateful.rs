use std::collections::HashMap;

use crate::image::ImageRef;
use crate::prelude::*;

declare_check! {
    /// ## What it checks
    /// Every ACK resource that holds data: RDS `DBInstance` (outside an Aurora cluster) and
    /// `DBCluster`, DynamoDB `Table` and `GlobalTable`, S3 `Bucket`, EFS `FileSystem`,
    /// DocumentDB and Neptune `DBCluster`, MemoryDB `Cluster`, OpenSearch `Domain` and
    /// Keyspaces `Table` (API groups `<service>.services.k8s.aws`). What deleting the custom
    /// resource does to the AWS resource is resolved the way ACK does, first match wins:
    /// 1. the resource's annotation `services.k8s.aws/deletion-policy`;
    /// 2. its Namespace's annotation `<service>.services.k8s.aws/deletion-policy`;
    /// 3. the controller's `--deletion-policy` flag (the chart's `deletionPolicy` value, passed
    ///    as `DELETION_POLICY`), read from the `aws-controllers-k8s/<service>-controller`
    ///    Deployment when it is in the input;
    /// 4. ACK's default, `delete`.
    ///
    /// It passes when the policy is `retain`, or when the AWS resource itself refuses deletion
    /// (`spec.deletionProtection: true` on RDS, DocumentDB and Neptune clusters and instances,
    /// `spec.deletionProtectionEnabled: true` on DynamoDB tables); it warns when the policy
    /// is `delete`, naming where that comes from. Aurora instances (`dbClusterIdentifier`
    /// set) hold no data of their own and are not evaluated. When ACK runs as an EKS
    /// capability its controllers are not in the cluster, so their default is taken as
    /// `delete`.
    ///
    /// ## Why it matters
    /// With `delete`, removing the custom resource — a mistaken `kubectl delete`, a namespace
    /// cleanup, a GitOps prune after a path rename — deletes the database, table or bucket in
    /// AWS, with its data.
    ///
    /// ## How to fix
    /// Annotate data-bearing resources (or their namespace) to retain, and turn on deletion
    /// protection where the service has it:
    /// ```yaml
    /// apiVersion: rds.services.k8s.aws/v1alpha1
    /// kind: DBInstance
    /// metadata:
    ///   name: orders
    ///   namespace: shop
    ///   annotations:
    ///     services.k8s.aws/deletion-policy: retain
    /// spec:
    ///   dbInstanceIdentifier: orders
    ///   deletionProtection: true
    /// ```
    /// ```sh
    /// kubectl annotate namespace shop rds.services.k8s.aws/deletion-policy=retain
    /// ```
    ///
    /// ## References
    /// - <https://aws-controllers-k8s.github.io/community/docs/user-docs/deletion-policy/>
    /// - <https://docs.aws.amazon.com/eks/latest/userguide/ack.html>
    "ack-retain-stateful",
    run,
    needs = [
        "rds.services.k8s.aws/dbinstances",
        "rds.services.k8s.aws/dbclusters",
        "dynamodb.services.k8s.aws/tables",
        "dynamodb.services.k8s.aws/globaltables",
        "s3.services.k8s.aws/buckets",
        "efs.services.k8s.aws/filesystems",
        "docdb.services.k8s.aws/dbclusters",
        "neptune.services.k8s.aws/dbclusters",
        "memorydb.services.k8s.aws/clusters",
        "opensearchservice.services.k8s.aws/domains",
        "keyspaces.services.k8s.aws/tables",
        "namespaces",
        "apps/deployments"
    ]
}

/// Data-bearing ACK kinds by service, with the field that turns on deletion protection.
const STATEFUL: [(&str, &str, Option<&str>); 11] = [
    ("rds", "DBInstance", Some("deletionProtection")),
    ("rds", "DBCluster", Some("deletionProtection")),
    ("dynamodb", "Table", Some("deletionProtectionEnabled")),
    ("dynamodb", "GlobalTable", None),
    ("s3", "Bucket", None),
    ("efs", "FileSystem", None),
    ("docdb", "DBCluster", Some("deletionProtection")),
    ("neptune", "DBCluster", Some("deletionProtection")),
    ("memorydb", "Cluster", None),
    ("opensearchservice", "Domain", None),
    ("keyspaces", "Table", None),
];

const POLICY_ANNOTATION: &str = "services.k8s.aws/deletion-policy";

/// The `--deletion-policy` of each ACK controller in the input, by service.
fn controller_policies(cx: &Context<'_>) -> HashMap<String, (String, String)> {
    let mut policies = HashMap::new();
    for (w, object) in cx.all_workloads() {
        if w.kind != WorkloadKind::Deployment {
            continue;
        }
        for c in w.app_containers(object) {
            let Some(image) = c.image() else {
                continue;
            };
            let repository = ImageRef::parse(image).repository;
            let Some(service) = repository
                .strip_suffix("-controller")
                .and_then(|r| r.rsplit_once("aws-controllers-k8s/"))
                .map(|(_, service)| service)
            else {
                continue;
            };
            let env = |name: &str| {
                c.get("env")
                    .map(Node::items)
                    .unwrap_or_default()
                    .iter()
                    .find(|e| e.get("name").and_then(Node::as_str) == Some(name))
                    .and_then(|e| e.get("value"))
                    .and_then(Node::as_str)
                    .map(String::from)
            };
            let args: Vec<String> = ["command", "args"]
                .iter()
                .flat_map(|f| c.get(f).map(Node::items).unwrap_or_default())
                .filter_map(Node::scalar_text)
                .collect();
            let flag = args.iter().enumerate().find_map(|(i, a)| {
                match a.strip_prefix("--deletion-policy") {
                    Some(rest) if rest.starts_with('=') => Some(rest[1..].to_string()),
                    Some("") => args.get(i + 1).cloned(),
                    _ => None,
                }
            });
            let value = match flag.as_deref() {
                Some("$(DELETION_POLICY)") => env("DELETION_POLICY"),
                Some(v) => Some(v.to_string()),
                None => None,
            };
            if let Some(value) = value {
                policies.insert(service.to_string(), (value, object.display_name()));
            }
        }
    }
    policies
}

fn run(cx: &Context<'_>, out: &mut Outcomes) {
    let controllers = controller_policies(cx);
    for (service, kind, protection) in STATEFUL {
        let group = format!("{service}.services.k8s.aws");
        for resource in cx.inv.of_kind(kind).filter(|o| o.api_group() == group) {
            let spec = resource.spec();
            if kind == "DBInstance"
                && spec
                    .and_then(|s| s.get("dbClusterIdentifier"))
                    .and_then(Node::as_str)
                    .is_some_and(|c| !c.is_empty())
            {
                continue;
            }
            let protected = protection
                .and_then(|field| spec.and_then(|s| s.get(field)))
                .and_then(Node::as_bool)
                == Some(true);
            let namespace_key = format!("{service}.{POLICY_ANNOTATION}");
            let (policy, source) = if let Some(p) = resource.annotation(POLICY_ANNOTATION) {
                (p.to_string(), "its annotation".to_string())
            } else if let Some(p) = resource
                .namespace()
                .and_then(|ns| cx.inv.find("Namespace", None, ns))
                .and_then(|ns| ns.annotation(&namespace_key))
            {
                (p.to_string(), format!("its namespace's `{namespace_key}`"))
            } else if let Some((p, controller)) = controllers.get(service) {
                (p.clone(), format!("the --deletion-policy of {controller}"))
            } else {
                ("delete".to_string(), "ACK's default".to_string())
            };
            if policy.eq_ignore_ascii_case("retain") || protected {
                out.pass(resource);
                continue;
            }
            let path = format!("metadata.annotations.{POLICY_ANNOTATION}");
            let node = resource
                .root()
                .at(&["metadata", "annotations", POLICY_ANNOTATION]);
            out.warn(
                Subject::object(resource).at(path, node),
                format!(
                    "ACK {kind} `{}/{}` has deletion policy `{policy}` ({source}): deleting the \
                     custom resource deletes the AWS resource and its data; expected \
                     `{POLICY_ANNOTATION}: retain` or deletion protection",
                    resource.namespace_key(),
                    resource.name()
                ),
            );
        }
    }
}
