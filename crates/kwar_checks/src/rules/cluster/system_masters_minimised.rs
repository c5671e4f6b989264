use kwar_yaml::{parse_document, Chunk};

use crate::prelude::*;

declare_check! {
    /// ## What it checks
    /// The `aws-auth` ConfigMap in `kube-system`: the YAML lists in `data.mapRoles` (IAM roles)
    /// and `data.mapUsers` (IAM users) are read, and the entries whose `groups` include
    /// `system:masters` are counted.
    /// - pass: `system:masters` is mapped to no principal, or to a single IAM role (the
    ///   break-glass role);
    /// - warn: it is mapped to more than one principal, or to an IAM user (a user's long-lived
    ///   keys are not a break-glass mechanism), naming them.
    ///
    /// The catalog allows "break-glass role(s)"; a ConfigMap cannot tell a break-glass role
    /// from a team's everyday role, so more than one is treated as "several".
    ///
    /// On a whole cluster without an `aws-auth` ConfigMap (access entries only), nothing grants
    /// `system:masters` through it and the Cluster object passes. On manifests alone, a
    /// missing ConfigMap says nothing. A ConfigMap whose values were redacted at collection
    /// (`kwar snapshot --redact-configmaps`) or whose lists do not parse is `unknown`. EKS
    /// access entries (including the cluster creator's) are AWS-side evidence, not read here.
    ///
    /// ## Why it matters
    /// Members of `system:masters` bypass RBAC entirely: no RoleBinding grants it, so none can
    /// take it away, and it does not show up in `kubectl auth can-i --list` reviews of
    /// bindings. Every role mapped to it is a cluster admin that can only be removed by
    /// editing `aws-auth` — a ConfigMap whose syntax errors have locked teams out of their
    /// own clusters.
    ///
    /// ## How to fix
    /// Map everyday roles to Kubernetes groups bound to scoped roles, keep `system:masters`
    /// for one break-glass role, and move to EKS access entries (`authenticationMode: API`):
    /// ```yaml
    /// apiVersion: v1
    /// kind: ConfigMap
    /// metadata:
    ///   name: aws-auth
    ///   namespace: kube-system
    /// data:
    ///   mapRoles: |
    ///     - rolearn: arn:aws:iam::111122223333:role/eks-break-glass
    ///       username: break-glass
    ///       groups: [system:masters]
    ///     - rolearn: arn:aws:iam::111122223333:role/shop-developers
    ///       username: shop-dev:{{SessionName}}
    ///       groups: [shop-developers]   # bound to a namespaced Role
    /// ```
    /// ```sh
    /// aws eks create-access-entry --cluster-name prod \
    ///   --principal-arn arn:aws:iam::111122223333:role/shop-developers
    /// ```
    ///
    /// ## References
    /// - <https://docs.aws.amazon.com/eks/latest/userguide/access-entries.html>
    /// - <https://docs.aws.amazon.com/eks/latest/best-practices/identity-and-access-management.html#_use_iam_roles_when_multiple_users_need_identical_access_to_the_cluster>
    "system-masters-minimised",
    run,
    needs = ["configmaps"]
}

const MASTERS: &str = "system:masters";

/// Principals of one mapping list (`mapRoles` or `mapUsers`) that are in `system:masters`;
/// `Err` with the reason when the list cannot be read.
fn masters_in(list: &Node, arn_key: &str) -> Result<Vec<String>, String> {
    let text = list.as_str().ok_or("is not a string")?;
    if text.trim().is_empty() {
        return Ok(Vec::new());
    }
    let parsed = parse_document(&Chunk {
        text,
        first_line: 1,
    });
    if let Some(error) = parsed.errors.first() {
        return Err(format!("does not parse ({error})"));
    }
    let entries = match parsed.documents.first().map(|d| &d.value) {
        None | Some(Value::Null) => return Ok(Vec::new()),
        Some(Value::Seq(entries)) => entries,
        Some(_) => return Err("is not a list".into()),
    };
    Ok(entries
        .iter()
        .filter(|entry| {
            entry
                .get("groups")
                .map(Node::items)
                .unwrap_or_default()
                .iter()
                .any(|g| g.as_str() == Some(MASTERS))
        })
        .map(|entry| {
            entry
                .get(arn_key)
                .and_then(Node::as_str)
                .unwrap_or("(no ARN)")
                .to_string()
        })
        .collect())
}

fn run(cx: &Context<'_>, out: &mut Outcomes) {
    let Some(aws_auth) = cx
        .inv
        .find("ConfigMap", Some("kube-system"), "aws-auth")
        .filter(|o| o.api_group().is_empty())
    else {
        if let Some(cluster) = cx.whole_cluster() {
            out.pass(cluster);
        }
        return;
    };
    if aws_auth.annotation("kwar.io/redacted").is_some() {
        out.unknown(
            Subject::object(aws_auth),
            "ConfigMap `kube-system/aws-auth` was collected with its values redacted: its \
             system:masters mappings cannot be read",
        );
        return;
    }
    let mut roles = Vec::new();
    let mut users = Vec::new();
    for (field, arn_key, found) in [
        ("mapRoles", "rolearn", &mut roles),
        ("mapUsers", "userarn", &mut users),
    ] {
        let Some(list) = aws_auth.root().at(&["data", field]) else {
            continue;
        };
        match masters_in(list, arn_key) {
            Ok(principals) => found.extend(principals),
            Err(reason) => {
                out.unknown(
                    Subject::object(aws_auth).at(format!("data.{field}"), Some(list)),
                    format!("`data.{field}` of ConfigMap `kube-system/aws-auth` {reason}"),
                );
                return;
            }
        }
    }
    if users.is_empty() && roles.len() <= 1 {
        out.pass(aws_auth);
        return;
    }
    let mut named: Vec<String> = roles.iter().map(|r| format!("role `{r}`")).collect();
    named.extend(users.iter().map(|u| format!("user `{u}`")));
    let count = named.len();
    let (field, who) = if users.is_empty() {
        ("mapRoles", format!("{count} IAM roles"))
    } else {
        (
            "mapUsers",
            format!("{count} principals, IAM users among them,"),
        )
    };
    out.warn(
        Subject::object(aws_auth).at(
            format!("data.{field}"),
            aws_auth.root().at(&["data", field]),
        ),
        format!(
            "ConfigMap `kube-system/aws-auth` maps {who} to system:masters ({}), which no RBAC \
             binding can revoke; expected one break-glass IAM role at most",
            named.join(", ")
        ),
    );
}
