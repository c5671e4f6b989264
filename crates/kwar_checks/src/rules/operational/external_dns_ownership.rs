use crate::container_flags::{self, Flag};
use crate::prelude::*;

declare_check! {
    /// ## What it checks
    /// Every ExternalDNS controller the `external-dns` detector finds: the flags of its
    /// `external-dns` container (or the `EXTERNAL_DNS_*` environment variables ExternalDNS
    /// also reads them from):
    /// - the registry records ownership — `--registry` is `txt` (the default) or `dynamodb`,
    ///   not `noop` or `aws-sd`;
    /// - `--txt-owner-id` is set to something other than ExternalDNS's default, `default`
    ///   (the same default in every cluster is no ownership at all);
    /// - the zones it may touch are limited: `--domain-filter`, `--regex-domain-filter` or
    ///   `--zone-id-filter`.
    ///
    /// All three: pass. Otherwise warn on the container, naming what is missing. Whether an
    /// owner id is unique across clusters cannot be seen from one cluster: name it after the
    /// cluster.
    ///
    /// ## Why it matters
    /// ExternalDNS deletes and rewrites the records it believes it owns. Two clusters
    /// sharing a hosted zone with the same (or no) owner id fight over records — blue/green
    /// cluster migrations are the classic case — and a controller without a domain filter
    /// may change records in every zone its IAM role reaches.
    ///
    /// ## How to fix
    /// ```yaml
    /// containers:
    ///   - name: external-dns
    ///     image: registry.k8s.io/external-dns/external-dns:v0.15.0
    ///     args:
    ///       - --source=service
    ///       - --source=ingress
    ///       - --provider=aws
    ///       - --registry=txt
    ///       - --txt-owner-id=prod-eu-west-1
    ///       - --domain-filter=shop.example.com
    ///       - --policy=upsert-only
    /// ```
    /// Scope the IAM role to the same hosted zones (`arn:aws:route53:::hostedzone/<id>`).
    ///
    /// ## References
    /// - <https://kubernetes-sigs.github.io/external-dns/latest/docs/registry/txt/>
    /// - <https://kubernetes-sigs.github.io/external-dns/latest/docs/tutorials/aws/>
    /// - <https://docs.aws.amazon.com/eks/latest/best-practices/identity-and-access-management.html#_grant_least_privileged_access_to_applications>
    "external-dns-ownership",
    run,
    needs = ["apps/deployments"]
}

const FILTERS: [&str; 3] = ["domain-filter", "regex-domain-filter", "zone-id-filter"];

fn run(cx: &Context<'_>, out: &mut Outcomes) {
    let Some(detection) = cx.detections.get("external-dns") else {
        return;
    };
    for id in detection.workloads() {
        let object = cx.inv.object(id);
        let Some(workload) = cx.inv.workload_of(object.id) else {
            continue;
        };
        let containers = workload.app_containers(object);
        let Some(container) = containers
            .iter()
            .find(|c| {
                c.name == "external-dns" || c.image().is_some_and(|i| i.contains("external-dns"))
            })
            .or(containers.first())
        else {
            continue;
        };
        let flags = container_flags::flags(container);
        let setting = |flag: &str| setting(container, &flags, flag);
        let mut missing = Vec::new();
        let registry = setting("registry").unwrap_or_else(|| "txt".to_string());
        if matches!(registry.as_str(), "txt" | "dynamodb") {
            match setting("txt-owner-id").as_deref() {
                None | Some("") => missing.push(
                    "`--txt-owner-id` is not set (every cluster then uses `default`)".to_string(),
                ),
                Some("default") => missing.push(
                    "`--txt-owner-id` is `default`, the value every unconfigured cluster uses"
                        .to_string(),
                ),
                Some(_) => {}
            }
        } else {
            missing.push(format!(
                "`--registry={registry}` records no ownership of the records it manages"
            ));
        }
        if !FILTERS
            .iter()
            .any(|f| setting(f).is_some_and(|v| !v.trim().is_empty()))
        {
            missing.push(
                "no `--domain-filter` or `--zone-id-filter` limits the zones it changes".into(),
            );
        }
        if missing.is_empty() {
            out.pass(object);
            continue;
        }
        let subject = Subject::container(object, container);
        out.warn(
            subject,
            format!(
                "ExternalDNS {} `{}/{}`: {}; clusters sharing a zone can overwrite each other's \
                 records — expected a TXT registry with a unique `--txt-owner-id` and a domain \
                 filter",
                object.kind(),
                object.namespace_key(),
                object.name(),
                missing.join(", ")
            ),
        );
    }
}

/// A flag's value, else the `EXTERNAL_DNS_<FLAG>` environment variable's.
fn setting(container: &Container<'_>, flags: &[Flag<'_>], flag: &str) -> Option<String> {
    if let Some(f) = container_flags::named(flags, flag).next() {
        return Some(f.value.clone().unwrap_or_default());
    }
    let env_name = format!(
        "EXTERNAL_DNS_{}",
        flag.to_ascii_uppercase().replace('-', "_")
    );
    container
        .get("env")
        .map(Node::items)
        .unwrap_or_default()
        .iter()
        .find(|e| e.get("name").and_then(Node::as_str) == Some(env_name.as_str()))
        .and_then(|e| e.get("value"))
        .and_then(Node::scalar_text)
}
